"""Deadlines read model: one row per clock instance (per agency for scoping, per action).

Rows are the domain's own clocks (``domain.clocks``), computed when the case changes. What
is settled is stored (met, met late, cancelled, a breach fixed by closure); an open clock
is stored as open, and its status is decided when it is read: breached once the end of its
due day has passed, pending until then. So the read side answers for today even when no new
event arrives. A deferred review's publication clock keeps its pause open until read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from application.service import Safeguarding
from domain.base import notice_key
from domain.calendar import WorkingDayCalendar
from domain.case import Case
from domain.clocks import Clock, ClockStatus
from domain.review import Review
from projections.fold import Fold, FoldedModel
from projections.store import Cursor, delete_where_in, insert_rows, iso

COLUMNS = (
    "stream_id, reference, partnership, clock, subject, started_on, due_on, stopped_on, "
    "settled_status, settled_days_late, watch_only, paused_since, reminded_on, breach_recorded_on"
)


@dataclass(frozen=True)
class Deadline:
    stream_id: str
    reference: str
    partnership: str
    clock: str
    subject: str
    started_on: date
    due_on: date
    stopped_on: date | None
    status: str
    working_days_late: int
    watch_only: bool
    reminded_on: date | None = None  # the scheduler's ReminderIssued
    breach_recorded_on: date | None = None  # the scheduler's DeadlineBreached


def _rows(stream: Any, clocks: list[Clock], paused_since: date | None) -> list[tuple[Any, ...]]:
    rows = []
    notices = stream.clock_notices
    for c in clocks:
        settled = c.status is not ClockStatus.PENDING
        reminded = notices.get(notice_key("reminder", c.name.value, c.subject, c.started_on))
        breached = notices.get(notice_key("breach", c.name.value, c.subject, c.started_on))
        rows.append(
            (
                str(stream.id),
                stream.reference,
                stream.partnership,
                c.name.value,
                c.subject,
                c.started_on.isoformat(),
                c.due_on.isoformat(),
                iso(c.stopped_on),
                c.status.value if settled else None,
                c.working_days_late if settled else 0,
                1 if c.watch_only else 0,
                iso(paused_since) if c.name.value == "review_publication" else None,
                iso(reminded),
                iso(breached),
            )
        )
    return rows


class Deadlines(FoldedModel):
    version = 2  # 2: reminded_on, breach_recorded_on (the scheduler's notices)

    def __init__(
        self, tracker: Safeguarding, prefix: str = "rm_", fold: Fold | None = None
    ) -> None:
        self.base = "deadlines"
        self.table = f"{prefix}deadlines"
        self.tables: tuple[str, ...] = (self.table,)
        self.name = self.table.removeprefix("rm_")
        self.tracker = tracker
        self.fold = fold or Fold(tracker)

    def create(self, c: Cursor) -> None:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "stream_id TEXT NOT NULL, reference TEXT NOT NULL, partnership TEXT NOT NULL, "
            "clock TEXT NOT NULL, subject TEXT NOT NULL, started_on TEXT NOT NULL, "
            "due_on TEXT NOT NULL, stopped_on TEXT, settled_status TEXT, "
            "settled_days_late INTEGER NOT NULL, watch_only INTEGER NOT NULL, paused_since TEXT, "
            "reminded_on TEXT, breach_recorded_on TEXT, "
            "PRIMARY KEY (stream_id, clock, subject))"
        )

    def index(self, c: Cursor) -> None:
        c.execute(
            f"CREATE INDEX IF NOT EXISTS {self.table}_open ON {self.table} "
            "(partnership, settled_status, due_on)"
        )

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None:
        rows: list[tuple[Any, ...]] = []
        ids: list[str] = []
        for state in states:
            ids.append(str(state.id))
            if isinstance(state, Case):
                rows += _rows(state, self.fold.clocks(state), None)
            elif isinstance(state, Review):
                paused = state.deferrals[-1].deferred_on if state.is_deferred else None
                rows += _rows(state, self.fold.clocks(state), paused)
        if replace:
            delete_where_in(c, self.table, "stream_id", ids)
        insert_rows(c, self.table, COLUMNS, rows)

    def query(
        self,
        c: Cursor,
        today: date,
        calendar: WorkingDayCalendar,
        *,
        partnership: str | None = None,
        stream_id: str | None = None,
    ) -> list[Deadline]:
        """Every clock, with its status as of ``today``."""
        where, params = [], []
        if partnership:
            where.append("partnership = ?")
            params.append(partnership)
        if stream_id:
            where.append("stream_id = ?")
            params.append(stream_id)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        order = "ORDER BY due_on, stream_id, clock, subject"
        c.execute(
            f"SELECT {COLUMNS} FROM {self.table} {clause} {order}",  # noqa: S608 - our table
            tuple(params),
        )
        return [_deadline(r, today, calendar) for r in c.fetchall()]

    def watch_candidates(self, c: Cursor, *, today: date, remind_until: date) -> list[str]:
        """The streams with an open clock whose reminder (due by ``remind_until``) or
        breach (due before ``today``) the scheduler has not recorded. A superset is fine:
        the scheduler decides on each stream's events, this only narrows where it looks."""
        c.execute(
            f"SELECT DISTINCT stream_id FROM {self.table} "  # noqa: S608 - our table
            "WHERE settled_status IS NULL AND ("
            "(reminded_on IS NULL AND breach_recorded_on IS NULL AND due_on <= ?) "
            "OR (breach_recorded_on IS NULL AND due_on < ?) OR paused_since IS NOT NULL) "
            "ORDER BY stream_id",
            (remind_until.isoformat(), today.isoformat()),
        )
        return [str(r[0]) for r in c.fetchall()]


def _deadline(r: Sequence[Any], today: date, calendar: WorkingDayCalendar) -> Deadline:
    (
        stream_id,
        reference,
        partnership,
        clock,
        subject,
        started,
        due,
        stopped,
        settled,
        settled_late,
        watch_only,
        paused_since,
        reminded_on,
        breach_recorded_on,
    ) = r
    due_on = date.fromisoformat(due)
    if paused_since:  # publication deferred and not yet resumed: the clock is still paused
        due_on += timedelta(days=max(0, (today - date.fromisoformat(paused_since)).days))
    if settled:
        status, late = settled, int(settled_late)
    elif today > due_on:
        status, late = ClockStatus.BREACHED.value, calendar.working_days_between(due_on, today)
    else:
        status, late = ClockStatus.PENDING.value, 0
    return Deadline(
        stream_id=stream_id,
        reference=reference,
        partnership=partnership,
        clock=clock,
        subject=subject,
        started_on=date.fromisoformat(started),
        due_on=due_on,
        stopped_on=date.fromisoformat(stopped) if stopped else None,
        status=status,
        working_days_late=late,
        watch_only=bool(watch_only),
        reminded_on=date.fromisoformat(reminded_on) if reminded_on else None,
        breach_recorded_on=date.fromisoformat(breach_recorded_on) if breach_recorded_on else None,
    )
