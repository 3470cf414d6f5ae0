"""The write side: one command path for every act of the safeguarding process (DESIGN §3).

``execute(ctx, act)`` takes an act (application/acts/: ``AlertPartners(case_id=..., on=...,
recipients=...)``), checks it against the configuration, checks the caller may perform it,
loads the aggregate, lets the domain decide and saves the new events -- with the reference
counter and the idempotency record, when there are any, in the same transaction. It answers
with the id, reference, new version and log position of its last event.

- Idempotency: a key already used by the same principal returns the first answer and
  records nothing; the same key with different content is refused.
- Concurrency: a stale ``expected_version`` is refused with the current version; without
  one, a conflicting concurrent write is retried (``Settings.command_retries`` attempts),
  re-running the domain's guards against the newer state each time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording

from application.acts import Act, Creation, SubjectAct
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
from application.views import (
    CaseView,
    ReviewView,
    ScopingView,
    case_view,
    review_view,
    scoping_view,
)
from domain.base import LONDON, AuditedAggregate
from domain.calendar import WorkingDayCalendar, england_and_wales
from domain.case import Case
from domain.chain import fingerprint
from domain.clocks import Clock, case_clocks, review_clocks
from domain.errors import DomainError
from domain.review import Review
from domain.timescales import Timescales
from domain.values import Audit, Role

A = TypeVar("A", bound=AuditedAggregate)


def utc_now() -> datetime:
    return datetime.now(UTC)


def back_off(attempt: int) -> None:
    """Sleep a random while, longer after each lost race, so that writers contending for
    one case spread out instead of colliding again (at most 50 ms)."""
    time.sleep(random.uniform(0, min(0.05, 0.002 * 2**attempt)))


def _copy(aggregate: Any) -> Any:
    """A copy of a cached aggregate that a command may change without changing the cached
    one: a new object holding the same attribute values. Enough because the domain never
    changes a value it holds in place: its events replace attributes (``{**old, k: v}``,
    ``dataclasses.replace``, new tuples), which tests/integration/application/test_copy_on_write.py
    pins; the library's deep copy of every cached aggregate cost a large share of a
    command."""
    copied = object.__new__(type(aggregate))
    state = copied.__dict__
    state.update(aggregate.__dict__)
    state["_pending_events"] = []
    return copied


class Safeguarding(Application[UUID]):
    """The safeguarding review tracker's write side, and the reads of one case or review
    that go through its aggregates."""

    name = "Tracker"  # pinned: the event store's tables are named for it (tracker_events)

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
        self._calendars: dict[str, WorkingDayCalendar] = {}
        super().__init__(env=self.settings.eventsourcing_env())
        enable = getattr(self.recorder, "enable_group_commit", None)
        if enable is not None and self.settings.group_commit:
            enable()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    @property
    def datastore(self) -> Any:
        """The event store's connections (for tables kept beside the events)."""
        return cast(Any, self.recorder).datastore

    def today(self) -> date:
        return self.clock().astimezone(LONDON).date()

    def timescales(self, partnership: str) -> Timescales:
        return self.partnerships.timescales(partnership)

    def calendar_of(self, partnership: str) -> WorkingDayCalendar:
        """The working days of ``partnership``'s clocks: the application's calendar, closed
        also on the partnership's own closure days (``closures`` in its configuration)."""
        found = self._calendars.get(partnership)
        if found is None:
            found = self.calendar.with_closures(self.partnerships.closures(partnership))
            self._calendars[partnership] = found
        return found

    # ------------------------------------------------------------- the command path

    def execute(self, ctx: CommandContext, act: Act) -> CommandResult:
        """Perform ``act`` for ``ctx``'s principal: the one way anything is recorded."""
        act.check_dates(self.today())
        act.check(self, ctx.principal)
        authorise(ctx.principal, act)
        if isinstance(act, Creation):
            return self._create(ctx, act)
        assert isinstance(act, SubjectAct)
        return self._act(ctx, act)

    def _act(self, ctx: CommandContext, act: SubjectAct) -> CommandResult:
        print_ = fingerprint(
            {
                "command": act.stored_as or act.act_name,
                "id": act.subject_id,
                "payload": act.payload(),
            }
        )

        def once(fresh: bool) -> CommandResult:
            agg = self._load(act.aggregate, act.subject_id, ctx.principal, fresh=fresh)
            if ctx.expected_version is not None and agg.version != ctx.expected_version:
                raise VersionConflictError(ctx.expected_version, agg.version)
            act.perform(agg, self._audit(ctx, agg.partnership), self)
            return self._save_command(agg, ctx=ctx, act=act, print_=print_)

        return self._run(ctx, act, print_, once)

    def _create(self, ctx: CommandContext, act: Creation) -> CommandResult:
        if not ctx.principal.may_see(act.partnership):
            raise NotFoundError(f"no partnership {act.partnership} for this principal")
        self.partnerships.get(act.partnership)
        print_ = fingerprint({"command": act.stored_as or act.act_name, "payload": act.payload()})
        series = series_for(act.partnership + act.series_suffix, act.year())

        def once(fresh: bool) -> CommandResult:
            counter_id = ReferenceCounter.create_id(series)
            try:
                counter: ReferenceCounter = self._get(counter_id, fresh=fresh)
            except AggregateNotFoundError:
                counter = ReferenceCounter(series=series)
            new_id = uuid4()
            reference = counter.next_reference(new_id)
            agg = act.create(new_id, reference, self._audit(ctx, act.partnership))
            return self._save_command(agg, counter, ctx=ctx, act=act, print_=print_)

        return self._run(ctx, act, print_, once)

    def _run(
        self,
        ctx: CommandContext,
        act: Act,
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
            f"{act.act_name} met a concurrent write {self.settings.command_retries} times; "
            "nothing was recorded, try again"
        )

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
        answered = list(
            self.events.get(
                record.aggregate_id, gt=record.answer_version - 1, lte=record.answer_version
            )
        )
        return CommandResult(
            id=record.aggregate_id,
            reference=record.reference,
            version=record.answer_version,
            position=position or 0,
            replayed=True,
            action_id=getattr(answered[-1], "action_id", None) if answered else None,
        )

    def _save_command(
        self, *objs: Aggregate, ctx: CommandContext, act: Act, print_: str
    ) -> CommandResult:
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
                    command=act.stored_as or act.act_name,
                    fingerprint=print_,
                    aggregate_id=subject.id,
                    reference=subject.reference,
                    version=subject.version,
                )
            )
        recordings: list[Recording[UUID]] = self.save(*objs, *extra)
        last = max(
            (r for r in recordings if r.domain_event.originator_id == subject.id),
            key=lambda r: r.notification.id,
        )
        return CommandResult(
            id=subject.id,
            reference=subject.reference,
            version=subject.version,
            position=last.notification.id,
            action_id=getattr(last.domain_event, "action_id", None),
        )

    # ----------------------------------------------------------------- loading

    def _get(self, aggregate_id: UUID, *, fresh: bool) -> Any:
        """The aggregate from the cache, or (``fresh``) brought up to date with any events
        stored since the cached copy was made."""
        aggregate: Any = _copy(self.repository.get(aggregate_id, deepcopy_from_cache=False))
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

    # ------------------------------------------------------------------------ reads

    def case(self, principal: Principal, case_id: UUID) -> Case:
        """The case's current state, if ``principal``'s partnerships include it (reads only:
        what a role may see of it is the surface's business)."""
        return self._load(Case, case_id, principal)

    def case_clocks(
        self, principal: Principal, case_id: UUID, today: date | None = None
    ) -> list[Clock]:
        """The case's clocks as of ``today`` (default: the app's today)."""
        case = self._load(Case, case_id, principal)
        return self._clocks_of(case, today)

    def _clocks_of(self, case: Case, today: date | None = None) -> list[Clock]:
        when = today or self.today()
        p = case.partnership
        return case_clocks(case, when, self.timescales(p), self.calendar_of(p))

    def case_view(self, principal: Principal, case_id: UUID) -> CaseView:
        """The case as the caller's role may see it (application/views.py)."""
        case = self._load(Case, case_id, principal)
        return case_view(principal, case, self._clocks_of(case))

    def scoping_requests_for(self, principal: Principal) -> list[ScopingView]:
        """Every scoping request addressed to the caller's agency, with its status (from a
        scan of the log's scoping requests)."""
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
            clocks = self._clocks_of(case)
            views.append(scoping_view(case, case.scoping[principal.agency], clocks))
        return views

    def review_view(self, principal: Principal, review_id: UUID) -> ReviewView:
        """The review, with its clocks and its actions, as the caller's role may see it."""
        review = self._load(Review, review_id, principal)
        return review_view(principal, review, self.review_clocks(principal, review_id))

    def review_clocks(
        self, principal: Principal, review_id: UUID, today: date | None = None
    ) -> list[Clock]:
        review = self._load(Review, review_id, principal)
        when = today or self.today()
        p = review.partnership
        return review_clocks(review, when, self.timescales(p), self.calendar_of(p))
