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

from application.app import Tracker
from domain.calendar import WorkingDayCalendar
from domain.case import Case
from domain.clocks import Clock, ClockStatus
from domain.review import Review
from projections.fold import Fold, FoldedModel
from projections.store import Cursor, delete_where_in, insert_rows, iso

COLUMNS = (
    "stream_id, reference, partnership, clock, subject, started_on, due_on, stopped_on, "
    "settled_status, settled_days_late, watch_only, paused_since"
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


def _rows(stream: Any, clocks: list[Clock], paused_since: date | None) -> list[tuple[Any, ...]]:
    rows = []
    for c in clocks:
        settled = c.status is not ClockStatus.PENDING
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
            )
        )
    return rows


class Deadlines(FoldedModel):
    version = 1

    def __init__(self, tracker: Tracker, prefix: str = "rm_", fold: Fold | None = None) -> None:
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
    )
