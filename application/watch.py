"""The clock watch: the scheduler's use case (DESIGN §4; issue #6).

For one case or review, as of the tracker's today, the reminders and breaches that are due
(``domain.clocks.notices_due``) and not yet recorded are appended to its stream in one save,
with ``source=scheduler`` and the system role in their audit.

Exactly once per clock instance: the aggregate refuses a second reminder or breach of one
instance, and the event store refuses a save made on a stale version. So two watchers (or a
watcher restarted in the middle of a run) cannot record one twice: the loser of a race
decides again on the newer state, which then holds the notice, and records nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.errors import ConcurrentWriteError
from application.service import Safeguarding, back_off
from domain.base import AuditedAggregate, local_date
from domain.case import Case
from domain.clocks import Clock, case_clocks, review_clocks
from domain.notices import Notice, NoticeKind, notices_due
from domain.review import Review
from domain.values import Audit, Role, Source

SCHEDULER_ACTOR = "scheduler"


@dataclass(frozen=True)
class RecordedNotice:
    """One ReminderIssued or DeadlineBreached the watch appended."""

    stream_id: UUID
    reference: str
    partnership: str
    kind: NoticeKind
    clock: str
    subject: str
    started_on: date
    due_on: date
    version: int
    position: int


@dataclass
class WatchReport:
    run_id: str
    today: date
    streams_checked: int = 0
    recorded: list[RecordedNotice] = field(default_factory=list)
    lost_races: int = 0

    def count(self, kind: NoticeKind) -> int:
        return sum(1 for r in self.recorded if r.kind is kind)


class ClockWatch:
    """Records the notices due on cases and reviews, as the tracker's scheduler."""

    def __init__(self, app: Safeguarding, *, actor_id: str = SCHEDULER_ACTOR) -> None:
        self.app = app
        self.actor_id = actor_id

    def clocks(self, agg: Case | Review, today: date) -> list[Clock]:
        t = self.app.timescales(agg.partnership)
        if isinstance(agg, Case):
            return case_clocks(agg, today, t, self.app.calendar_of(agg.partnership))
        return review_clocks(agg, today, t, self.app.calendar_of(agg.partnership))

    def due(self, agg: Case | Review, today: date) -> list[Notice]:
        """What the watch would record on ``agg`` today (nothing once it is closed)."""
        if agg.closed_on is not None:
            return []
        return notices_due(
            self.clocks(agg, today),
            agg.clock_notices,
            today,
            self.app.calendar_of(agg.partnership),
            remind_working_days_before=self.app.settings.remind_working_days_before,
        )

    def check(self, stream_id: UUID, *, run_id: str) -> tuple[list[RecordedNotice], int]:
        """Record what is due on one stream now; returns the notices and the races lost."""
        lost = 0
        while lost < self.app.settings.command_retries:
            try:
                agg: Any = self.app.latest(stream_id)
            except AggregateNotFoundError:
                return [], lost
            if not isinstance(agg, (Case, Review)):
                return [], lost
            due = self.due(agg, self.app.today())
            if not due:
                return [], lost
            audit = Audit(
                actor_id=self.actor_id,
                role=Role.SYSTEM.value,
                recorded_at=self.app.clock(),
                request_id=run_id,
                source=Source.SCHEDULER.value,
                partnership=agg.partnership,
            )
            for notice in due:
                _record(agg, notice, audit)
            try:
                recordings = self.app.save(agg)
            except IntegrityError:
                lost += 1  # another writer (or watcher) got there first: decide again
                back_off(lost)
                continue
            return [
                _recorded(agg, notice, r.domain_event.originator_version, r.notification.id)
                for notice, r in zip(due, recordings, strict=True)
            ], lost
        raise ConcurrentWriteError(
            f"the clock watch met a concurrent write on {stream_id} "
            f"{self.app.settings.command_retries} times; it will look again next run"
        )

    def run(
        self,
        stream_ids: Iterable[UUID | str],
        *,
        run_id: str | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> WatchReport:
        """Check every one of ``stream_ids`` (the candidates the read models point at)."""
        report = WatchReport(run_id=run_id or f"watch-{uuid.uuid4()}", today=self.app.today())
        for stream_id in stream_ids:
            recorded, lost = self.check(UUID(str(stream_id)), run_id=report.run_id)
            report.streams_checked += 1
            report.recorded += recorded
            report.lost_races += lost
            if progress is not None:
                progress(1)
        return report


def _record(agg: AuditedAggregate, notice: Notice, audit: Audit) -> None:
    c = notice.clock
    facts: dict[str, Any] = {
        "audit": audit,
        "clock": c.name.value,
        "subject": c.subject,
        "started_on": c.started_on,
        "due_on": c.due_on,
    }
    if notice.kind is NoticeKind.REMINDER:
        agg.issue_reminder(on=local_date(audit), **facts)
    else:
        agg.record_breach(**facts)


def _recorded(agg: Case | Review, notice: Notice, version: int, position: int) -> RecordedNotice:
    c = notice.clock
    return RecordedNotice(
        stream_id=agg.id,
        reference=agg.reference,
        partnership=agg.partnership,
        kind=notice.kind,
        clock=c.name.value,
        subject=c.subject,
        started_on=c.started_on,
        due_on=c.due_on,
        version=version,
        position=position,
    )
