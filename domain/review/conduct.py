"""A review commissioned, its terms agreed, its reviewer appointed, the family's
participation and the partners' regular checks on its progress (SI 2018/789 reg 14)."""

from __future__ import annotations

import typing
from datetime import date
from typing import Any, Self
from uuid import UUID

from domain.base import AuditedAggregate, check_not_future
from domain.errors import AlreadyRecordedError, InvalidValueError
from domain.review.state import ReviewState
from domain.values import Audit, ReviewerRole, ReviewType, parse, text


class Conduct(ReviewState):
    """How a review begins and is conducted."""

    class ReviewCommissioned(AuditedAggregate.Created):
        reference: str
        partnership: str
        review_type: str
        case_ids: tuple[UUID, ...]
        theme: str
        on: date

        def apply(self, aggregate: Any) -> None:
            review: ReviewState = aggregate
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
    ) -> Self:
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

    class TermsOfReferenceAgreed(AuditedAggregate.Event):
        on: date
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.terms_agreed_on = self.on

    def agree_terms_of_reference(self, *, audit: Audit, on: date, summary: str) -> None:
        self._act(on, audit, "date terms of reference agreed")
        if self.terms_agreed_on is not None:
            raise AlreadyRecordedError("terms of reference are already agreed")
        self.trigger_event(
            self.TermsOfReferenceAgreed, audit=audit, on=on, summary=text(summary, "summary")
        )

    class ReviewerAppointed(AuditedAggregate.Event):
        on: date
        name: str
        role: str
        independent: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.reviewers = (*aggregate.reviewers, self.name)

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

    class FamilyParticipationRecorded(AuditedAggregate.Event):
        on: date
        participated: bool
        note: str

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

    class ReviewProgressChecked(AuditedAggregate.Event):
        on: date
        on_track: bool
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.last_progress_check_on = self.on

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
