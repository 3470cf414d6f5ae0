"""The use cases: one method per act of the safeguarding process (DESIGN §3).

Each command loads the aggregate, checks the caller may act, lets the domain decide and
saves the new events -- with the reference counter and the idempotency record, when there
are any, in the same transaction. It answers with the id, reference, new version and log
position of its last event.

- Idempotency: a key already used by the same principal returns the first answer and
  records nothing; the same key with different content is refused.
- Concurrency: a stale ``expected_version`` is refused with the current version; without
  one, a conflicting concurrent write is retried (``Settings.command_retries`` attempts),
  re-running the domain's guards against the newer state each time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording

from application.config import Partnerships, load_partnerships
from application.context import CommandContext, CommandResult, Principal
from application.errors import (
    ConcurrentWriteError,
    IdempotencyKeyReusedError,
    NotFoundError,
    NotPermittedError,
    VersionConflictError,
)
from application.eventstore import position_of
from application.policy import authorise
from application.records import IdempotencyRecord, ReferenceCounter, series_for
from application.settings import Settings
from application.transcodings import register_domain_transcodings
from application.views import CaseView, ScopingView, case_view, scoping_view
from domain.base import LONDON, AuditedAggregate
from domain.calendar import WorkingDayCalendar, england_and_wales
from domain.case import Case
from domain.chain import fingerprint
from domain.clocks import Clock, Timescales, case_clocks, review_clocks
from domain.errors import DomainError
from domain.review import Review
from domain.values import (
    Audit,
    Contact,
    Incident,
    Participant,
    ReferralDetails,
    Role,
)

A = TypeVar("A", bound=AuditedAggregate)


def utc_now() -> datetime:
    return datetime.now(UTC)


def back_off(attempt: int) -> None:
    """Sleep a random while, longer after each lost race, so that writers contending for
    one case spread out instead of colliding again (at most 50 ms)."""
    time.sleep(random.uniform(0, min(0.05, 0.002 * 2**attempt)))


class Safeguarding(Application[UUID]):
    """The safeguarding review tracker's write side."""

    name = "Tracker"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        partnerships: Partnerships | None = None,
        clock: Callable[[], datetime] = utc_now,
        calendar: WorkingDayCalendar | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.partnerships = partnerships or load_partnerships(self.settings.partnerships_file)
        self.clock = clock
        self.calendar = calendar or england_and_wales()
        super().__init__(env=self.settings.eventsourcing_env())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    # ------------------------------------------------------------------ machinery

    @property
    def datastore(self) -> Any:
        """The event store's connections (for tables kept beside the events)."""
        return cast(Any, self.recorder).datastore

    def today(self) -> date:
        return self.clock().astimezone(LONDON).date()

    def timescales(self, partnership: str) -> Timescales:
        return self.partnerships.timescales(partnership)

    def _audit(self, ctx: CommandContext, partnership: str) -> Audit:
        p = ctx.principal
        return Audit(
            actor_id=p.id,
            role=p.role.value,
            recorded_at=self.clock(),
            agency=p.agency,
            person=ctx.person,
            request_id=ctx.request_id,
            idempotency_key=ctx.idempotency_key,
            source=ctx.source.value,
            partnership=partnership,
        )

    def _prior_answer(self, ctx: CommandContext, print_: str) -> CommandResult | None:
        """The first answer to this principal's idempotency key, if it was used before."""
        if not ctx.idempotency_key:
            return None
        record_id = IdempotencyRecord.create_id(ctx.principal.id, ctx.idempotency_key)
        try:
            record: IdempotencyRecord = self.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        if record.fingerprint != print_:
            raise IdempotencyKeyReusedError(
                f"idempotency key {ctx.idempotency_key!r} was already used for a different "
                f"{record.command} request"
            )
        position = position_of(self.recorder, record.aggregate_id, record.answer_version)
        return CommandResult(
            id=record.aggregate_id,
            reference=record.reference,
            version=record.answer_version,
            position=position or 0,
            replayed=True,
        )

    def _save_command(
        self, *objs: Aggregate, ctx: CommandContext, command: str, print_: str
    ) -> Any:
        """Save the aggregates (the first one is the command's subject) in one transaction,
        with the idempotency record when the command carries a key."""
        subject = objs[0]
        assert isinstance(subject, AuditedAggregate)
        extra: list[Aggregate] = []
        if ctx.idempotency_key:
            extra.append(
                IdempotencyRecord(
                    principal_id=ctx.principal.id,
                    key=ctx.idempotency_key,
                    command=command,
                    fingerprint=print_,
                    aggregate_id=subject.id,
                    reference=subject.reference,
                    version=subject.version,
                )
            )
        recordings: list[Recording[UUID]] = self.save(*objs, *extra)
        position = max(
            r.notification.id for r in recordings if r.domain_event.originator_id == subject.id
        )
        return CommandResult(
            id=subject.id,
            reference=subject.reference,
            version=subject.version,
            position=position,
        )

    def _get(self, aggregate_id: UUID, *, fresh: bool) -> Any:
        """The aggregate from the cache, or (``fresh``) brought up to date with any events
        stored since the cached copy was made."""
        aggregate: Any = self.repository.get(aggregate_id)
        if fresh and self.repository.cache is not None:
            for event in self.events.get(aggregate_id, gt=aggregate.version):
                aggregate = cast(Any, event).mutate(aggregate)
        return aggregate

    def latest(self, aggregate_id: UUID) -> Any:
        """The aggregate as stored now (the cached copy brought up to date): for the
        tracker's own processes, which act on every partnership."""
        return self._get(aggregate_id, fresh=True)

    def _load(
        self, cls: type[A], aggregate_id: UUID, principal: Principal, *, fresh: bool = True
    ) -> A:
        """The aggregate, or NotFoundError when absent or in another partnership (whose
        existence is not revealed)."""
        agg: object
        try:
            agg = self._get(aggregate_id, fresh=fresh)
        except AggregateNotFoundError:
            agg = None
        if not isinstance(agg, cls) or not principal.may_see(agg.partnership):
            raise NotFoundError(f"no {cls.__name__.lower()} {aggregate_id}")
        return agg

    def _run(
        self,
        ctx: CommandContext,
        command: str,
        print_: str,
        once: Callable[[bool], CommandResult],
    ) -> CommandResult:
        """Run attempts of a command until one records, retrying lost races.

        ``once(fresh)`` decides on the cached aggregate (``fresh=False``) or on one just
        read from the store. The cache is trusted without reading ahead: a copy made stale
        by another process is caught by the store's version check (IntegrityError) or
        makes the domain refuse, and either way the attempt is repeated on fresh state
        before anything is refused.

        Idempotency is checked only when an attempt fails: a retried request whose first
        attempt was recorded fails here (its idempotency record already exists, or the
        domain refuses the repeat) and then answers with the first result. The record is
        saved in the same transaction as the events, so a repeat can never be recorded.
        """
        fresh = False
        lost = 0
        while lost < self.settings.command_retries:
            try:
                return once(fresh)
            except IntegrityError:
                prior = self._prior_answer(ctx, print_)
                if prior is not None:
                    return prior
                lost += 1  # someone else wrote first: reload, decide again, after a pause
                fresh = True
                back_off(lost)
            except (DomainError, VersionConflictError):
                prior = self._prior_answer(ctx, print_)
                if prior is not None:
                    return prior
                if not fresh:
                    fresh = True  # the refusal may come from a stale copy: ask again
                    continue
                raise
        raise ConcurrentWriteError(
            f"{command} met a concurrent write {self.settings.command_retries} times; "
            "nothing was recorded, try again"
        )

    def _act(
        self,
        ctx: CommandContext,
        command: str,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A, Audit], object],
        *,
        acting_for: str | None = None,
        payload: dict[str, Any],
    ) -> CommandResult:
        authorise(ctx.principal, command, acting_for=acting_for)
        print_ = fingerprint({"command": command, "id": aggregate_id, "payload": payload})

        def once(fresh: bool) -> CommandResult:
            agg = self._load(cls, aggregate_id, ctx.principal, fresh=fresh)
            if ctx.expected_version is not None and agg.version != ctx.expected_version:
                raise VersionConflictError(ctx.expected_version, agg.version)
            decide(agg, self._audit(ctx, agg.partnership))
            result: CommandResult = self._save_command(agg, ctx=ctx, command=command, print_=print_)
            return result

        return self._run(ctx, command, print_, once)

    def _create(
        self,
        ctx: CommandContext,
        command: str,
        *,
        partnership: str,
        series_prefix: str,
        year: int,
        build: Callable[[UUID, str, Audit], AuditedAggregate],
        payload: dict[str, Any],
    ) -> CommandResult:
        authorise(ctx.principal, command)
        if not ctx.principal.may_see(partnership):
            raise NotFoundError(f"no partnership {partnership} for this principal")
        self.partnerships.get(partnership)
        print_ = fingerprint({"command": command, "payload": payload})
        series = series_for(series_prefix, year)

        def once(fresh: bool) -> CommandResult:
            counter_id = ReferenceCounter.create_id(series)
            try:
                counter: ReferenceCounter = self._get(counter_id, fresh=fresh)
            except AggregateNotFoundError:
                counter = ReferenceCounter(series=series)
            new_id = uuid4()
            reference = counter.next_reference(new_id)
            agg = build(new_id, reference, self._audit(ctx, partnership))
            result: CommandResult = self._save_command(
                agg, counter, ctx=ctx, command=command, print_=print_
            )
            return result

        return self._run(ctx, command, print_, once)

    def _case(
        self,
        ctx: CommandContext,
        command: str,
        case_id: UUID,
        method: Callable[..., object],
        *,
        acting_for: str | None = None,
        **kwargs: Any,
    ) -> CommandResult:
        """Run one Case command method (an unbound ``Case.xxx``) with ``kwargs``."""
        return self._act(
            ctx,
            command,
            Case,
            case_id,
            lambda case, audit: method(case, audit=audit, **kwargs),
            acting_for=acting_for,
            payload=kwargs,
        )

    def _review(
        self,
        ctx: CommandContext,
        command: str,
        review_id: UUID,
        method: Callable[..., object],
        **kwargs: Any,
    ) -> CommandResult:
        return self._act(
            ctx,
            command,
            Review,
            review_id,
            lambda review, audit: method(review, audit=audit, **kwargs),
            payload=kwargs,
        )

    # ------------------------------------------------------------------ referrals

    def refer_serious_incident(
        self,
        ctx: CommandContext,
        *,
        partnership: str,
        area: str,
        received_on: date,
        details: ReferralDetails,
        incident: Incident,
        aware_on: date | None = None,
        siblings_action: str = "",
    ) -> CommandResult:
        """A serious incident referral received (seed 001 appendix i)."""
        self.partnerships.check_area(partnership, area)
        payload: dict[str, Any] = {
            "partnership": partnership,
            "area": area,
            "received_on": received_on,
            "aware_on": aware_on,
            "details": details,
            "incident": incident,
            "siblings_action": siblings_action,
        }
        return self._create(
            ctx,
            "refer_serious_incident",
            partnership=partnership,
            series_prefix=partnership,
            year=received_on.year,
            build=lambda id_, ref, audit: Case.refer_serious_incident(
                id=id_, audit=audit, reference=ref, **payload
            ),
            payload=payload,
        )

    def refer_practice_learning(
        self,
        ctx: CommandContext,
        *,
        partnership: str,
        area: str,
        received_on: date,
        details: ReferralDetails,
        category: str,
        learning: str,
        incident: Incident | None = None,
    ) -> CommandResult:
        """A referral for practice learning received (seed 001 appendix vi)."""
        self.partnerships.check_area(partnership, area)
        payload: dict[str, Any] = {
            "partnership": partnership,
            "area": area,
            "received_on": received_on,
            "details": details,
            "category": category,
            "learning": learning,
            "incident": incident,
        }
        return self._create(
            ctx,
            "refer_practice_learning",
            partnership=partnership,
            series_prefix=partnership,
            year=received_on.year,
            build=lambda id_, ref, audit: Case.refer_practice_learning(
                id=id_, audit=audit, reference=ref, **payload
            ),
            payload=payload,
        )

    # ------------------------------------------------------- serious incident acts

    def alert_partners(
        self, ctx: CommandContext, case_id: UUID, *, on: date, recipients: Iterable[str]
    ) -> CommandResult:
        return self._case(
            ctx,
            "alert_partners",
            case_id,
            Case.alert_partners,
            on=on,
            recipients=tuple(recipients),
        )

    def recommend_criteria(
        self, ctx: CommandContext, case_id: UUID, *, on: date, recommendation: str, rationale: str
    ) -> CommandResult:
        return self._case(
            ctx,
            "recommend_criteria",
            case_id,
            Case.recommend_criteria,
            on=on,
            recommendation=recommendation,
            rationale=rationale,
        )

    def record_partner_decision(
        self,
        ctx: CommandContext,
        case_id: UUID,
        *,
        on: date,
        partner: str,
        decision: str,
        rationale: str,
    ) -> CommandResult:
        return self._case(
            ctx,
            "record_partner_decision",
            case_id,
            Case.record_partner_decision,
            acting_for=partner,
            on=on,
            partner=partner,
            decision=decision,
            rationale=rationale,
        )

    def dispute_criteria(
        self, ctx: CommandContext, case_id: UUID, *, on: date, summary: str
    ) -> CommandResult:
        return self._case(
            ctx, "dispute_criteria", case_id, Case.dispute_criteria, on=on, summary=summary
        )

    def request_mediation(
        self, ctx: CommandContext, case_id: UUID, *, on: date, mediator: str, reason: str = ""
    ) -> CommandResult:
        return self._case(
            ctx,
            "request_mediation",
            case_id,
            Case.request_mediation,
            on=on,
            mediator=mediator,
            reason=reason,
        )

    def conclude_mediation(
        self, ctx: CommandContext, case_id: UUID, *, on: date, outcome: str, summary: str
    ) -> CommandResult:
        return self._case(
            ctx,
            "conclude_mediation",
            case_id,
            Case.conclude_mediation,
            on=on,
            outcome=outcome,
            summary=summary,
        )

    def decide_criteria(
        self, ctx: CommandContext, case_id: UUID, *, on: date, outcome: str, rationale: str = ""
    ) -> CommandResult:
        return self._case(
            ctx,
            "decide_criteria",
            case_id,
            Case.decide_criteria,
            on=on,
            outcome=outcome,
            rationale=rationale,
        )

    def refer_to_learning_from_practice(
        self,
        ctx: CommandContext,
        case_id: UUID,
        *,
        on: date,
        meeting: str = "next_scheduled",
        meeting_on: date | None = None,
    ) -> CommandResult:
        return self._case(
            ctx,
            "refer_to_learning_from_practice",
            case_id,
            Case.refer_to_learning_from_practice,
            on=on,
            meeting=meeting,
            meeting_on=meeting_on,
        )

    def notify_national_panel(
        self,
        ctx: CommandContext,
        case_id: UUID,
        *,
        on: date,
        notified_by: str,
        panel_reference: str = "",
        secretary_of_state_and_ofsted: bool = False,
    ) -> CommandResult:
        return self._case(
            ctx,
            "notify_national_panel",
            case_id,
            Case.notify_national_panel,
            on=on,
            notified_by=notified_by,
            panel_reference=panel_reference,
            secretary_of_state_and_ofsted=secretary_of_state_and_ofsted,
        )

    def start_rapid_review(
        self, ctx: CommandContext, case_id: UUID, *, on: date, meeting_on: date
    ) -> CommandResult:
        return self._case(
            ctx,
            "start_rapid_review",
            case_id,
            Case.start_rapid_review,
            on=on,
            meeting_on=meeting_on,
        )

    def request_scoping(
        self,
        ctx: CommandContext,
        case_id: UUID,
        *,
        on: date,
        agency: str,
        contact: str = "",
        due_on: date | None = None,
        period_from: date | None = None,
        period_to: date | None = None,
    ) -> CommandResult:
        """Scoping form sent to one agency; due in 5 working days unless a date is given
        (or the partnership's own target)."""

        def decide(case: Case, audit: Audit) -> None:
            due = due_on or self.calendar.add_working_days(
                on, self.timescales(case.partnership).scoping_returned
            )
            case.request_scoping(
                audit=audit,
                on=on,
                agency=agency,
                contact=contact,
                due_on=due,
                period_from=period_from,
                period_to=period_to,
            )

        payload: dict[str, Any] = {
            "on": on,
            "agency": agency,
            "contact": contact,
            "due_on": due_on,
            "period_from": period_from,
            "period_to": period_to,
        }
        return self._act(ctx, "request_scoping", Case, case_id, decide, payload=payload)

    def secure_records(
        self, ctx: CommandContext, case_id: UUID, *, on: date, agency: str, note: str = ""
    ) -> CommandResult:
        return self._case(
            ctx,
            "secure_records",
            case_id,
            Case.secure_records,
            acting_for=agency,
            on=on,
            agency=agency,
            note=note,
        )

    def return_scoping(
        self,
        ctx: CommandContext,
        case_id: UUID,
        *,
        on: date,
        agency: str,
        completed_by: Contact,
        involvement: bool,
        summary: str = "",
        analysis: str = "",
        inter_agency_concerns: str = "",
        other_agencies: str = "",
        further_information: str = "",
    ) -> CommandResult:
        return self._case(
            ctx,
            "return_scoping",
            case_id,
            Case.return_scoping,
            acting_for=agency,
            on=on,
            agency=agency,
            completed_by=completed_by,
            involvement=involvement,
            summary=summary,
            analysis=analysis,
            inter_agency_concerns=inter_agency_concerns,
            other_agencies=other_agencies,
            further_information=further_information,
        )

    def hold_meeting(
        self,
        ctx: CommandContext,
        case_id: UUID,
        *,
        on: date,
        format: str,
        participants: Sequence[Participant],
        immediate_action_taken: bool,
        recommendation: str,
        rationale: str,
        criteria: Iterable[str] = (),
        immediate_action_details: str = "",
        discussion: str = "",
        nature_of_harm: str = "",
        legal_advice_sought: bool = False,
        legal_advice_details: str = "",
        recommendation_other: str = "",
        unanimous: bool = True,
        dissent: str = "",
    ) -> CommandResult:
        return self._case(
            ctx,
            "hold_meeting",
            case_id,
            Case.hold_meeting,
            on=on,
            format=format,
            participants=tuple(participants),
            immediate_action_taken=immediate_action_taken,
            immediate_action_details=immediate_action_details,
            criteria=tuple(criteria),
            discussion=discussion,
            nature_of_harm=nature_of_harm,
            legal_advice_sought=legal_advice_sought,
            legal_advice_details=legal_advice_details,
            recommendation=recommendation,
            recommendation_other=recommendation_other,
            rationale=rationale,
            unanimous=unanimous,
            dissent=dissent,
        )

    def approve_report(
        self, ctx: CommandContext, case_id: UUID, *, on: date, partner: str, approver: str
    ) -> CommandResult:
        return self._case(
            ctx,
            "approve_report",
            case_id,
            Case.approve_report,
            acting_for=partner,
            on=on,
            partner=partner,
            approver=approver,
        )

    def submit_rapid_review(self, ctx: CommandContext, case_id: UUID, *, on: date) -> CommandResult:
        return self._case(ctx, "submit_rapid_review", case_id, Case.submit_rapid_review, on=on)

    def receive_panel_response(
        self, ctx: CommandContext, case_id: UUID, *, on: date, concurs: bool, view: str = ""
    ) -> CommandResult:
        return self._case(
            ctx,
            "receive_panel_response",
            case_id,
            Case.receive_panel_response,
            on=on,
            concurs=concurs,
            view=view,
        )

    # ------------------------------------------------------ practice learning acts

    def consider_learning_referral(
        self, ctx: CommandContext, case_id: UUID, *, on: date, outcome: str, notes: str = ""
    ) -> CommandResult:
        return self._case(
            ctx,
            "consider_learning_referral",
            case_id,
            Case.consider_learning_referral,
            on=on,
            outcome=outcome,
            notes=notes,
        )

    def inform_referrer(
        self, ctx: CommandContext, case_id: UUID, *, on: date, note: str = ""
    ) -> CommandResult:
        return self._case(ctx, "inform_referrer", case_id, Case.inform_referrer, on=on, note=note)

    # ------------------------------------------------------------------ common acts

    def close_case(
        self, ctx: CommandContext, case_id: UUID, *, on: date, reason: str
    ) -> CommandResult:
        return self._case(ctx, "close", case_id, Case.close_case, on=on, reason=reason)

    def reopen_case(
        self, ctx: CommandContext, case_id: UUID, *, on: date, reason: str
    ) -> CommandResult:
        return self._case(ctx, "reopen", case_id, Case.reopen_case, on=on, reason=reason)

    def correct_details(
        self, ctx: CommandContext, case_id: UUID, *, what: str, new_value: Any, reason: str
    ) -> CommandResult:
        return self._case(
            ctx,
            "correct_details",
            case_id,
            Case.correct_details,
            what=what,
            new_value=new_value,
            reason=reason,
        )

    # ---------------------------------------------------------------------- reviews

    def commission_review(
        self,
        ctx: CommandContext,
        *,
        partnership: str,
        review_type: str,
        on: date,
        case_ids: Sequence[UUID] = (),
        theme: str = "",
    ) -> CommandResult:
        """Commission a review of one case or a theme; every case must be the caller's."""
        for case_id in case_ids:
            case = self._load(Case, case_id, ctx.principal)
            if case.partnership != partnership:
                raise NotFoundError(f"no case {case_id} in {partnership}")
        payload: dict[str, Any] = {
            "partnership": partnership,
            "review_type": review_type,
            "on": on,
            "case_ids": tuple(case_ids),
            "theme": theme,
        }
        return self._create(
            ctx,
            "commission_review",
            partnership=partnership,
            series_prefix=f"{partnership}-R",
            year=on.year,
            build=lambda id_, ref, audit: Review.commission_review(
                id=id_, audit=audit, reference=ref, **payload
            ),
            payload=payload,
        )

    def agree_terms_of_reference(
        self, ctx: CommandContext, review_id: UUID, *, on: date, summary: str
    ) -> CommandResult:
        return self._review(
            ctx,
            "agree_terms_of_reference",
            review_id,
            Review.agree_terms_of_reference,
            on=on,
            summary=summary,
        )

    def appoint_reviewer(
        self,
        ctx: CommandContext,
        review_id: UUID,
        *,
        on: date,
        name: str,
        role: str,
        independent: bool = True,
    ) -> CommandResult:
        return self._review(
            ctx,
            "appoint_reviewer",
            review_id,
            Review.appoint_reviewer,
            on=on,
            name=name,
            role=role,
            independent=independent,
        )

    def record_family_participation(
        self, ctx: CommandContext, review_id: UUID, *, on: date, participated: bool, note: str = ""
    ) -> CommandResult:
        return self._review(
            ctx,
            "record_family_participation",
            review_id,
            Review.record_family_participation,
            on=on,
            participated=participated,
            note=note,
        )

    def check_progress(
        self, ctx: CommandContext, review_id: UUID, *, on: date, on_track: bool, note: str = ""
    ) -> CommandResult:
        return self._review(
            ctx,
            "check_progress",
            review_id,
            Review.check_progress,
            on=on,
            on_track=on_track,
            note=note,
        )

    def defer_publication(
        self, ctx: CommandContext, review_id: UUID, *, on: date, reason: str
    ) -> CommandResult:
        return self._review(
            ctx, "defer_publication", review_id, Review.defer_publication, on=on, reason=reason
        )

    def resume_publication(
        self, ctx: CommandContext, review_id: UUID, *, on: date, reason: str
    ) -> CommandResult:
        return self._review(
            ctx, "resume_publication", review_id, Review.resume_publication, on=on, reason=reason
        )

    def receive_final_report(
        self, ctx: CommandContext, review_id: UUID, *, on: date
    ) -> CommandResult:
        return self._review(
            ctx, "receive_final_report", review_id, Review.receive_final_report, on=on
        )

    def send_pre_publication_copy(
        self, ctx: CommandContext, review_id: UUID, *, on: date, recipients: Iterable[str]
    ) -> CommandResult:
        return self._review(
            ctx,
            "send_pre_publication_copy",
            review_id,
            Review.send_pre_publication_copy,
            on=on,
            recipients=tuple(recipients),
        )

    def publish_review(
        self, ctx: CommandContext, review_id: UUID, *, on: date, link: str
    ) -> CommandResult:
        return self._review(ctx, "publish", review_id, Review.publish_review, on=on, link=link)

    def agree_action(
        self,
        ctx: CommandContext,
        review_id: UUID,
        *,
        on: date,
        description: str,
        owner_agency: str,
        due_on: date,
    ) -> CommandResult:
        """Agree an action; its id is ``A<n>`` where n is the new action's number."""
        return self._review(
            ctx,
            "agree_action",
            review_id,
            Review.agree_action,
            on=on,
            description=description,
            owner_agency=owner_agency,
            due_on=due_on,
        )

    def complete_action(
        self, ctx: CommandContext, review_id: UUID, *, on: date, action_id: str, evidence: str
    ) -> CommandResult:
        return self._review(
            ctx,
            "complete_action",
            review_id,
            Review.complete_action,
            on=on,
            action_id=action_id,
            evidence=evidence,
        )

    def disseminate_learning(
        self,
        ctx: CommandContext,
        review_id: UUID,
        *,
        on: date,
        format: str,
        audience: str,
        note: str = "",
    ) -> CommandResult:
        return self._review(
            ctx,
            "disseminate_learning",
            review_id,
            Review.disseminate_learning,
            on=on,
            format=format,
            audience=audience,
            note=note,
        )

    def close_review(
        self, ctx: CommandContext, review_id: UUID, *, on: date, reason: str
    ) -> CommandResult:
        return self._review(
            ctx, "close_review", review_id, Review.close_review, on=on, reason=reason
        )

    # ------------------------------------------------------------------------ reads

    def case_clocks(
        self, principal: Principal, case_id: UUID, today: date | None = None
    ) -> list[Clock]:
        """The case's clocks as of ``today`` (default: the app's today)."""
        case = self._load(Case, case_id, principal)
        return self._clocks_of(case, today)

    def _clocks_of(self, case: Case, today: date | None = None) -> list[Clock]:
        when = today or self.today()
        return case_clocks(case, when, self.timescales(case.partnership), self.calendar)

    def case(self, principal: Principal, case_id: UUID) -> Case:
        """The case's current state, if ``principal``'s partnerships include it (reads only:
        what a role may see of it is the surface's business)."""
        return self._load(Case, case_id, principal)

    def case_view(self, principal: Principal, case_id: UUID) -> CaseView:
        """The case as the caller's role may see it (application/views.py)."""
        case = self._load(Case, case_id, principal)
        return case_view(principal, case, self._clocks_of(case))

    def scoping_requests_for(self, principal: Principal) -> list[ScopingView]:
        """Every scoping request addressed to the caller's agency, with its status.

        Scans the log for scoping requests; the Read models issue replaces this with a
        query of the deadlines read model.
        """
        if principal.role is not Role.AGENCY:
            raise NotPermittedError("scoping requests are listed for agencies")
        topic = f"{Case.__module__}:{Case.ScopingRequested.__qualname__}"
        case_ids: dict[UUID, None] = {}
        start = 1
        while True:
            batch = self.recorder.select_notifications(start=start, limit=500, topics=[topic])
            if not batch:
                break
            for n in batch:
                event = self.mapper.to_domain_event(n)
                if getattr(event, "agency", None) == principal.agency:
                    case_ids[UUID(str(n.originator_id))] = None
            start = batch[-1].id + 1
        views: list[ScopingView] = []
        for case_id in case_ids:
            case: Case = self._get(case_id, fresh=True)
            if not principal.may_see(case.partnership):
                continue
            clocks = case_clocks(
                case, self.today(), self.timescales(case.partnership), self.calendar
            )
            views.append(scoping_view(case, case.scoping[principal.agency], clocks))
        return views

    def review_clocks(
        self, principal: Principal, review_id: UUID, today: date | None = None
    ) -> list[Clock]:
        review = self._load(Review, review_id, principal)
        when = today or self.today()
        return review_clocks(review, when, self.timescales(review.partnership), self.calendar)
