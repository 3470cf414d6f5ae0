"""Deadlines read model: one row per clock instance (per agency for scoping, per action).

Rows are the domain's own clocks (``domain.clocks``), computed when the case changes. What
is settled is stored (met, met late, cancelled, a breach fixed by closure); an open clock
is stored as open, and its status is decided when it is read: breached once the end of its
due day has passed, pending until then. So the read side answers for today even when no new
event arrives. A deferred review's publication clock keeps its pause open until read.

Its queries (``deadlines``: filtered, ordered, a keyset page at a time; ``deadlines_of`` a
page of streams; ``open_deadlines`` of a partnership, for the digest) are at the end of
this module, with ``deadline_status_sql``, the same status decided in SQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from application.service import Safeguarding
from domain.base import notice_key
from domain.calendar import CalendarOf
from domain.case import Case
from domain.clocks import Clock, ClockStatus
from domain.review import Review
from projections.fold import Fold, FoldedModel
from projections.paging import Page, Where, keyset_page
from projections.store import (
    Cursor,
    add_counts,
    delete_where_in,
    insert_rows,
    is_empty,
    iso,
    rows_where_in,
)

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
    # 2: reminded_on, breach_recorded_on (the scheduler's notices); 3: an index for every
    # ordering; 4: each clock's tallies for the statistics
    version = 4

    def __init__(self, app: Safeguarding, prefix: str = "rm_", fold: Fold | None = None) -> None:
        self.base = "deadlines"
        self.table = f"{prefix}deadlines"
        # each clock counted by what the statistics count it in (kept as the clocks are
        # written: ``projections.statistics``): a case's clocks in its partnership and the
        # month it was received, a review's in the month each clock started
        self.tallies_table = f"{prefix}deadline_tallies"
        self.tables: tuple[str, ...] = (self.table, self.tallies_table)
        self.name = self.table.removeprefix("rm_")
        self.app = app
        self.fold = fold or Fold(app)

    def create(self, c: Cursor) -> None:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "stream_id TEXT NOT NULL, reference TEXT NOT NULL, partnership TEXT NOT NULL, "
            "clock TEXT NOT NULL, subject TEXT NOT NULL, started_on TEXT NOT NULL, "
            "due_on TEXT NOT NULL, stopped_on TEXT, settled_status TEXT, "
            "settled_days_late INTEGER NOT NULL, watch_only INTEGER NOT NULL, paused_since TEXT, "
            "reminded_on TEXT, breach_recorded_on TEXT, counted_as TEXT NOT NULL, "
            "counted_in TEXT NOT NULL, PRIMARY KEY (stream_id, clock, subject))"
        )
        # state: the settled status, or the status a paused clock keeps, or 'open' (decided
        # when read, from due_on); due_on '' but for an open clock
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.tallies_table} ("
            "counted_as TEXT NOT NULL, partnership TEXT NOT NULL, month TEXT NOT NULL, "
            "clock TEXT NOT NULL, state TEXT NOT NULL, due_on TEXT NOT NULL, "
            "clocks INTEGER NOT NULL, "
            "PRIMARY KEY (counted_as, partnership, month, clock, state, due_on))"
        )

    def index(self, c: Cursor) -> None:
        c.execute(
            f"CREATE INDEX IF NOT EXISTS {self.table}_open ON {self.table} "
            "(partnership, settled_status, due_on)"
        )
        # one index per ordering ``deadlines`` offers, led by the partnership
        for order in DeadlineOrder:
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {self.table}_by_{order.value} ON {self.table} "
                f"(partnership, {order.value}, {_TIEBREAK})"
            )
        c.execute(
            f"CREATE INDEX IF NOT EXISTS {self.tallies_table}_by_month ON {self.tallies_table} "
            "(partnership, month)"
        )
        if is_empty(c, self.tallies_table):  # a rebuild's fresh tables, or older ones
            c.execute(
                f"INSERT INTO {self.tallies_table} "  # noqa: S608 - our tables
                "(counted_as, partnership, month, clock, state, due_on, clocks) "
                f"SELECT counted_as, partnership, counted_in, clock, {_STATE}, {_OPEN_DUE}, "
                f"COUNT(*) FROM {self.table} GROUP BY 1, 2, 3, 4, 5, 6"
            )

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None:
        rows: list[tuple[Any, ...]] = []
        ids: list[str] = []
        for state in states:
            ids.append(str(state.id))
            if isinstance(state, Case):
                month = state.received_on.isoformat()[:7]
                rows += [(*r, "case", month) for r in _rows(state, self.fold.clocks(state), None)]
            elif isinstance(state, Review):
                clocks = self.fold.clocks(state)
                paused = state.deferrals[-1].deferred_on if state.is_deferred else None
                due = next((c.due_on for c in clocks if c.name.value == "review_publication"), None)
                if paused is not None and due is not None and paused > due:
                    paused = None  # deferred once already past due: the clock stays breached
                rows += [(*r, "review", r[5][:7]) for r in _rows(state, clocks, paused)]
        if replace:  # following the log: the tallies follow the rows (a rebuild's are
            # counted at its swap, by ``index``)
            old = rows_where_in(c, self.table, _TALLIED, "stream_id", ids)
            delete_where_in(c, self.table, "stream_id", ids)
            delta: Counter[tuple[Any, ...]] = Counter()
            for rows_, n in ((old, -1), ([tuple(r[i] for i in _TALLIED_AT) for r in rows], 1)):
                for counted_as, p, month, clock, settled, paused_since, due_on in rows_:
                    if settled:
                        kept, open_due = settled, ""
                    elif paused_since:
                        kept = "breached" if due_on < paused_since else "pending"
                        open_due = ""
                    else:
                        kept, open_due = "open", due_on
                    delta[(counted_as, p, month, clock, kept, open_due)] += n
            add_counts(
                c,
                self.tallies_table,
                "counted_as, partnership, month, clock, state, due_on",
                "clocks",
                delta,
            )
        insert_rows(c, self.table, f"{COLUMNS}, counted_as, counted_in", rows)

    def query(
        self,
        c: Cursor,
        today: date,
        calendar_of: CalendarOf,
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
        return [_deadline(r, today, calendar_of) for r in c.fetchall()]

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


def _deadline(r: Sequence[Any], today: date, calendar_of: CalendarOf) -> Deadline:
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
        late = calendar_of(partnership).working_days_between(due_on, today)
        status = ClockStatus.BREACHED.value
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


# --- queries -------------------------------------------------------------------------------


def deadline_status_sql(today: date) -> tuple[str, list[Any]]:
    """SQL for a deadline's status as of ``today`` (as ``_deadline`` decides it)."""
    return (
        "(CASE WHEN settled_status IS NOT NULL THEN settled_status "
        "WHEN paused_since IS NOT NULL THEN "
        "(CASE WHEN due_on < paused_since THEN 'breached' ELSE 'pending' END) "
        "WHEN due_on < ? THEN 'breached' ELSE 'pending' END)",
        [today.isoformat()],
    )


_TIEBREAK = "(stream_id || '|' || clock || '|' || subject)"
# what the tallies count a clock by, and where it is in a row written
_TALLIED = "counted_as, partnership, counted_in, clock, settled_status, paused_since, due_on"
_TALLIED_AT = [
    f"{COLUMNS}, counted_as, counted_in".split(", ").index(column)
    for column in _TALLIED.split(", ")
]
# a clock's state in the tallies, in SQL (as ``write`` decides it)
_STATE = (
    "(CASE WHEN settled_status IS NOT NULL THEN settled_status "
    "WHEN paused_since IS NOT NULL THEN "
    "(CASE WHEN due_on < paused_since THEN 'breached' ELSE 'pending' END) ELSE 'open' END)"
)
_OPEN_DUE = "(CASE WHEN settled_status IS NULL AND paused_since IS NULL THEN due_on ELSE '' END)"


class DeadlineOrder(StrEnum):
    DUE_ON = "due_on"
    STARTED_ON = "started_on"
    REFERENCE = "reference"


@dataclass(frozen=True)
class DeadlineFilter:
    partnerships: Sequence[str]
    stream_ids: Sequence[str] | None = None
    references: Sequence[str] | None = None
    clocks: Sequence[str] | None = None
    statuses: Sequence[str] | None = None
    subjects: Sequence[str] | None = None  # the agency, for scoping clocks
    watch_only: bool | None = None
    overdue: bool | None = None  # open and past its due day
    due_from: date | None = None
    due_to: date | None = None
    started_from: date | None = None
    started_to: date | None = None


def _deadline_where(f: DeadlineFilter, today: date) -> Where:
    w = Where()
    status, status_params = deadline_status_sql(today)
    w.any_of("partnership", f.partnerships)
    w.any_of("stream_id", f.stream_ids)
    w.any_of("reference", f.references)
    w.any_of("clock", f.clocks)
    w.any_of("subject", f.subjects)
    if f.statuses is not None:
        if f.statuses:
            w.add(f"{status} IN ({', '.join('?' * len(f.statuses))})", *status_params)
            w.params.extend(f.statuses)
        else:
            w.add("1 = 0")
    if f.watch_only is not None:
        w.add("watch_only = ?", int(f.watch_only))
    if f.overdue is not None:
        overdue = f"(settled_status IS NULL AND {status} = 'breached')"
        w.add(overdue if f.overdue else f"NOT {overdue}", *status_params)
    w.between("due_on", f.due_from, f.due_to)
    w.between("started_on", f.started_from, f.started_to)
    return w


def deadlines(
    c: Cursor,
    model: Deadlines,
    f: DeadlineFilter,
    today: date,
    calendar_of: CalendarOf,
    *,
    order: DeadlineOrder = DeadlineOrder.DUE_ON,
    descending: bool = False,
    first: int = 50,
    after: str | None = None,
    before: str | None = None,
    last: int | None = None,
    count: bool = True,
) -> Page[Deadline]:
    """A page of the clocks ``f`` matches, with their status as of ``today``."""
    return keyset_page(
        c,
        select=COLUMNS,
        source=model.table,
        where=_deadline_where(f, today),
        sort=order.value,
        tiebreak=_TIEBREAK,
        order=f"deadline:{order.value}:{int(descending)}",
        descending=descending,
        after=after,
        first=first,
        count=count,
        before=before,
        last=last,
    ).map(lambda r: _deadline(r, today, calendar_of))


def deadlines_of(
    c: Cursor,
    model: Deadlines,
    stream_ids: Sequence[str],
    today: date,
    calendar_of: CalendarOf,
) -> dict[str, list[Deadline]]:
    """Every clock of each of ``stream_ids`` (one statement for them all), soonest first."""
    found: dict[str, list[Deadline]] = {s: [] for s in stream_ids}
    if not stream_ids:
        return found
    marks = ", ".join("?" * len(stream_ids))
    c.execute(
        f"SELECT {COLUMNS} FROM {model.table} "  # noqa: S608 - our table
        f"WHERE stream_id IN ({marks}) ORDER BY due_on, clock, subject",
        list(stream_ids),
    )
    for r in c.fetchall():
        d = _deadline(r, today, calendar_of)
        found[d.stream_id].append(d)
    return found


def open_deadlines(
    c: Cursor, model: Deadlines, partnership: str, today: date, calendar_of: CalendarOf
) -> list[Deadline]:
    """The partnership's clocks not yet settled, with their status as of ``today``, soonest
    due first (then by reference and clock)."""
    c.execute(
        f"SELECT {COLUMNS} FROM {model.table} "  # noqa: S608 - our table, bound values
        "WHERE partnership = ? AND settled_status IS NULL ORDER BY due_on, reference, clock",
        (partnership,),
    )
    return [_deadline(r, today, calendar_of) for r in c.fetchall()]
