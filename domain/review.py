"""The Review aggregate: a commissioned review or audit of one case or a theme (DESIGN §3.2).

Covers the statutory duties of SI 2018/789 (progress monitored at regular intervals,
publication within six months unless deferred) and the action plan tracked to completion
(seed 003 §4: the Learning from Practice task and finish group).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.base import AuditedAggregate, check_not_future
from domain.errors import (
    ActionNotFoundError,
    ActionsOutstandingError,
    AlreadyRecordedError,
    CaseClosedError,
    InvalidValueError,
    WrongStageError,
)
from domain.values import (
    Audit,
    DisseminationFormat,
    PrePublicationRecipient,
    ReviewerRole,
    ReviewType,
    parse,
    text,
)


@dataclass(frozen=True)
class ActionState:
    action_id: str
    description: str
    owner_agency: str
    agreed_on: date
    due_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class Deferral:
    deferred_on: date
    resumed_on: date | None = None


class Review(AuditedAggregate):
    """A review or audit and its action plan."""

    class ReviewCommissioned(AuditedAggregate.Created):
        reference: str
        partnership: str
        review_type: str
        case_ids: tuple[UUID, ...]
        theme: str
        on: date

        def apply(self, aggregate: Any) -> None:
            review: Review = aggregate
            review.reference = self.reference
            review.partnership = self.partnership
            review.review_type = self.review_type
            review.case_ids = tuple(self.case_ids)
            review.theme = self.theme
            review.commissioned_on = self.on
            review.terms_agreed_on = None
            review.reviewers = ()
            review.deferrals = ()
            review.final_report_on = None
            review.pre_publication_sent_on = None
            review.published_on = None
            review.link = ""
            review.actions = {}
            review.disseminations = 0
            review.closed_on = None
            review.last_progress_check_on = None

    class TermsOfReferenceAgreed(AuditedAggregate.Event):
        on: date
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.terms_agreed_on = self.on

    class ReviewerAppointed(AuditedAggregate.Event):
        on: date
        name: str
        role: str
        independent: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.reviewers = (*aggregate.reviewers, self.name)

    class FamilyParticipationRecorded(AuditedAggregate.Event):
        on: date
        participated: bool
        note: str

    class ReviewProgressChecked(AuditedAggregate.Event):
        on: date
        on_track: bool
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.last_progress_check_on = self.on

    class PublicationDeferred(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.deferrals = (*aggregate.deferrals, Deferral(deferred_on=self.on))

    class PublicationResumed(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            review: Review = aggregate
            *earlier, current = review.deferrals
            review.deferrals = (*earlier, replace(current, resumed_on=self.on))

    class FinalReportReceived(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.final_report_on = self.on

    class PrePublicationCopySent(AuditedAggregate.Event):
        on: date
        recipients: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.pre_publication_sent_on = self.on

    class ReviewPublished(AuditedAggregate.Event):
        on: date
        link: str

        def apply(self, aggregate: Any) -> None:
            aggregate.published_on = self.on
            aggregate.link = self.link

    class ActionAgreed(AuditedAggregate.Event):
        on: date
        action_id: str
        description: str
        owner_agency: str
        due_on: date

        def apply(self, aggregate: Any) -> None:
            review: Review = aggregate
            review.actions = {
                **review.actions,
                self.action_id: ActionState(
                    action_id=self.action_id,
                    description=self.description,
                    owner_agency=self.owner_agency,
                    agreed_on=self.on,
                    due_on=self.due_on,
                ),
            }

    class ActionCompleted(AuditedAggregate.Event):
        on: date
        action_id: str
        evidence: str

        def apply(self, aggregate: Any) -> None:
            review: Review = aggregate
            done = replace(review.actions[self.action_id], completed_on=self.on)
            review.actions = {**review.actions, self.action_id: done}

    class LearningDisseminated(AuditedAggregate.Event):
        on: date
        format: str
        audience: str
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.disseminations += 1

    class ReminderIssued(AuditedAggregate.ReminderIssued):
        pass

    class DeadlineBreached(AuditedAggregate.DeadlineBreached):
        pass

    class ReviewClosed(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on = self.on

    if TYPE_CHECKING:  # state, set by ReviewCommissioned.apply
        reference: str
        partnership: str
        review_type: str
        case_ids: tuple[UUID, ...]
        theme: str
        commissioned_on: date
        terms_agreed_on: date | None
        reviewers: tuple[str, ...]
        deferrals: tuple[Deferral, ...]
        final_report_on: date | None
        pre_publication_sent_on: date | None
        published_on: date | None
        link: str
        actions: dict[str, ActionState]
        disseminations: int
        closed_on: date | None
        last_progress_check_on: date | None

    def began_on(self) -> date:
        return self.commissioned_on

    @property
    def is_deferred(self) -> bool:
        return bool(self.deferrals) and self.deferrals[-1].resumed_on is None

    @property
    def open_actions(self) -> list[ActionState]:
        return [a for a in self.actions.values() if a.completed_on is None]

    @classmethod
    def commission_review(
        cls,
        *,
        id: UUID,
        audit: Audit,
        reference: str,
        partnership: str,
        review_type: str,
        case_ids: typing.Sequence[UUID],
        theme: str,
        on: date,
    ) -> Review:
        """Commission a review or audit covering one case or a theme of several."""
        check_not_future(on, audit, "date commissioned")
        kind = parse(ReviewType, review_type, "review type")
        if not case_ids and not theme.strip():
            raise InvalidValueError("a review covers at least one case or names a theme")
        if len(set(case_ids)) != len(case_ids):
            raise InvalidValueError("a case is listed twice")
        return cls._create_audited(
            cls.ReviewCommissioned,
            id=id,
            audit=audit,
            reference=text(reference, "reference"),
            partnership=text(partnership, "partnership"),
            review_type=kind.value,
            case_ids=tuple(case_ids),
            theme=text(theme, "theme", required=False, limit=500),
            on=on,
        )

    # ----------------------------------------------------------------------- guards

    def check_open(self) -> None:
        if self.closed_on is not None:
            raise CaseClosedError(f"review {self.reference} is closed")

    def _act(self, on: date, audit: Audit, what: str) -> None:
        self.check_open()
        self.check_effective_date(on, audit, what)

    def check_not_published(self) -> None:
        if self.published_on is not None:
            raise AlreadyRecordedError(f"review {self.reference} is already published")

    # --------------------------------------------------------------------- commands

    def agree_terms_of_reference(self, *, audit: Audit, on: date, summary: str) -> None:
        self._act(on, audit, "date terms of reference agreed")
        if self.terms_agreed_on is not None:
            raise AlreadyRecordedError("terms of reference are already agreed")
        self.trigger_event(
            self.TermsOfReferenceAgreed, audit=audit, on=on, summary=text(summary, "summary")
        )

    def appoint_reviewer(
        self, *, audit: Audit, on: date, name: str, role: str, independent: bool = True
    ) -> None:
        self._act(on, audit, "date of appointment")
        r = parse(ReviewerRole, role, "reviewer role")
        self.trigger_event(
            self.ReviewerAppointed,
            audit=audit,
            on=on,
            name=text(name, "reviewer name"),
            role=r.value,
            independent=bool(independent),
        )

    def record_family_participation(
        self, *, audit: Audit, on: date, participated: bool, note: str = ""
    ) -> None:
        self._act(on, audit, "date of family participation")
        self.trigger_event(
            self.FamilyParticipationRecorded,
            audit=audit,
            on=on,
            participated=bool(participated),
            note=text(note, "note", required=False),
        )

    def check_progress(self, *, audit: Audit, on: date, on_track: bool, note: str = "") -> None:
        """Partners monitor time and quality at regular intervals (SI 2018/789 reg 14)."""
        self._act(on, audit, "date of progress check")
        self.trigger_event(
            self.ReviewProgressChecked,
            audit=audit,
            on=on,
            on_track=bool(on_track),
            note=text(note, "note", required=False),
        )

    def defer_publication(self, *, audit: Audit, on: date, reason: str) -> None:
        """E.g. criminal proceedings: pauses the six-month publication clock."""
        self._act(on, audit, "date of deferral")
        self.check_not_published()
        if self.is_deferred:
            raise AlreadyRecordedError("publication is already deferred")
        self.trigger_event(
            self.PublicationDeferred, audit=audit, on=on, reason=text(reason, "reason")
        )

    def resume_publication(self, *, audit: Audit, on: date, reason: str) -> None:
        self._act(on, audit, "date publication resumed")
        if not self.is_deferred:
            raise WrongStageError("publication is not deferred")
        if on < self.deferrals[-1].deferred_on:
            raise InvalidValueError("publication cannot resume before it was deferred")
        self.trigger_event(
            self.PublicationResumed, audit=audit, on=on, reason=text(reason, "reason")
        )

    def receive_final_report(self, *, audit: Audit, on: date) -> None:
        self._act(on, audit, "date final report received")
        if self.final_report_on is not None:
            raise AlreadyRecordedError("the final report is already received")
        self.trigger_event(self.FinalReportReceived, audit=audit, on=on)

    def send_pre_publication_copy(
        self, *, audit: Audit, on: date, recipients: typing.Iterable[str]
    ) -> None:
        self._act(on, audit, "date pre-publication copy sent")
        if self.final_report_on is None:
            raise WrongStageError("the pre-publication copy is of the final report")
        chosen = tuple(
            sorted({parse(PrePublicationRecipient, r, "recipient").value for r in recipients})
        )
        if not chosen:
            raise InvalidValueError("name at least one recipient")
        self.trigger_event(self.PrePublicationCopySent, audit=audit, on=on, recipients=chosen)

    def publish_review(self, *, audit: Audit, on: date, link: str) -> None:
        self._act(on, audit, "date of publication")
        self.check_not_published()
        if self.final_report_on is None:
            raise WrongStageError("a review is published once its final report is received")
        if self.is_deferred:
            raise WrongStageError("publication is deferred; resume it first")
        self.trigger_event(
            self.ReviewPublished, audit=audit, on=on, link=text(link, "link", limit=2000)
        )

    def agree_action(
        self, *, audit: Audit, on: date, description: str, owner_agency: str, due_on: date
    ) -> str:
        """Agree an action with its owner and due date; returns the new action's id."""
        self._act(on, audit, "date action agreed")
        if due_on < on:
            raise InvalidValueError("an action cannot be due before it was agreed")
        action_id = f"A{len(self.actions) + 1}"
        self.trigger_event(
            self.ActionAgreed,
            audit=audit,
            on=on,
            action_id=action_id,
            description=text(description, "description"),
            owner_agency=text(owner_agency, "owner agency", limit=200),
            due_on=due_on,
        )
        return action_id

    def complete_action(self, *, audit: Audit, on: date, action_id: str, evidence: str) -> None:
        self._act(on, audit, "date action completed")
        try:
            action = self.actions[action_id]
        except KeyError:
            raise ActionNotFoundError(
                f"review {self.reference} has no action {action_id!r}"
            ) from None
        if action.completed_on is not None:
            raise AlreadyRecordedError(f"action {action_id} is already completed")
        if on < action.agreed_on:
            raise InvalidValueError("an action cannot be completed before it was agreed")
        self.trigger_event(
            self.ActionCompleted,
            audit=audit,
            on=on,
            action_id=action_id,
            evidence=text(evidence, "evidence"),
        )

    def disseminate_learning(
        self, *, audit: Audit, on: date, format: str, audience: str, note: str = ""
    ) -> None:
        self._act(on, audit, "date learning disseminated")
        fmt = parse(DisseminationFormat, format, "format")
        self.trigger_event(
            self.LearningDisseminated,
            audit=audit,
            on=on,
            format=fmt.value,
            audience=text(audience, "audience", limit=500),
            note=text(note, "note", required=False),
        )

    def close_review(self, *, audit: Audit, on: date, reason: str) -> None:
        self._act(on, audit, "date closed")
        if self.open_actions:
            ids = ", ".join(a.action_id for a in self.open_actions)
            raise ActionsOutstandingError(f"actions still open: {ids}")
        self.trigger_event(self.ReviewClosed, audit=audit, on=on, reason=text(reason, "reason"))
