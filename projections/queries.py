"""Filtered, ordered, paginated queries over the read models (for the GraphQL surface).

Pagination is by key, not offset: a page ends at a row whose ``(sort value, unique id)`` the
next page starts after, so pages stay stable while new cases arrive and a deep page costs
what the first one does. Every query is a single statement (and one more for the total), so
a page costs the same number of statements whatever its size.

Statuses that depend on the day (a clock breached at the end of its due day, an action
overdue) are decided in SQL for the day asked, exactly as the models' own ``query`` methods
decide them in Python.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from domain.calendar import WorkingDayCalendar
from projections.deadlines import COLUMNS as DEADLINE_COLUMNS
from projections.deadlines import Deadline, Deadlines, _deadline
from projections.reviews import ActionRow, Reviews, _action
from projections.store import Cursor
from projections.tracker import COLUMNS as TRACKER_COLUMNS
from projections.tracker import CaseTracker, TrackerRow, _tracker_row

FAR_FUTURE = "9999-12-31"
T = TypeVar("T")


def deadline_status_sql(today: date) -> tuple[str, list[Any]]:
    """SQL for a deadline's status as of ``today`` (see ``deadlines._deadline``)."""
    return (
        "(CASE WHEN settled_status IS NOT NULL THEN settled_status "
        "WHEN paused_since IS NOT NULL THEN "
        "(CASE WHEN due_on < paused_since THEN 'breached' ELSE 'pending' END) "
        "WHEN due_on < ? THEN 'breached' ELSE 'pending' END)",
        [today.isoformat()],
    )


def action_status_sql(today: date) -> tuple[str, list[Any]]:
    """SQL for an action's status as of ``today`` (see ``reviews._action``)."""
    return (
        "(CASE WHEN a.completed_on IS NOT NULL THEN "
        "(CASE WHEN a.completed_on <= a.due_on THEN 'completed' ELSE 'completed_late' END) "
        "WHEN a.due_on < ? THEN 'overdue' ELSE 'open' END)",
        [today.isoformat()],
    )


class BadCursorError(ValueError):
    """A pagination cursor that this server did not hand out (or for another ordering)."""


def encode_cursor(order: str, key: Sequence[Any]) -> str:
    raw = json.dumps([order, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: str, cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as e:
        raise BadCursorError("the cursor is not one this server handed out") from e
    if not isinstance(values, list) or len(values) != 3 or values[0] != order:
        raise BadCursorError("the cursor belongs to another query or ordering")
    return values[1:]


@dataclass
class _Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def any_of(self, column: str, values: Sequence[Any] | None) -> None:
        if values is None:
            return
        if not values:
            self.clauses.append("1 = 0")
            return
        self.clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
        self.params.extend(values)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def between(self, column: str, start: date | None, end: date | None) -> None:
        if start is not None:
            self.add(f"{column} >= ?", start.isoformat())
        if end is not None:
            self.add(f"{column} <= ?", end.isoformat())

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    total: int
    has_next: bool


def _page(
    c: Cursor,
    *,
    select: str,
    source: str,
    where: _Where,
    sort: str,
    tiebreak: str,
    order: str,
    descending: bool,
    after: str | None,
    first: int,
    count: bool,
) -> tuple[list[Any], list[str], int, bool]:
    """One page of ``select`` rows (plus their key), by key after ``after``; and the total."""
    total = -1
    if count:
        c.execute(f"SELECT COUNT(*) FROM {source} {where.sql()}", where.params)  # noqa: S608
        total = int(c.fetchone()[0])
    paged = _Where(list(where.clauses), list(where.params))
    if after:
        value, tie = decode_cursor(order, after)
        paged.add(f"({sort}, {tiebreak}) {'<' if descending else '>'} (?, ?)", value, tie)
    direction = "DESC" if descending else "ASC"
    c.execute(
        f"SELECT {select}, {sort}, {tiebreak} FROM {source} {paged.sql()} "  # noqa: S608
        f"ORDER BY {sort} {direction}, {tiebreak} {direction} LIMIT ?",
        [*paged.params, first + 1],
    )
    fetched = c.fetchall()
    rows = [tuple(r) for r in fetched[:first]]
    cursors = [encode_cursor(order, r[-2:]) for r in rows]
    return [r[:-2] for r in rows], cursors, total, len(fetched) > first


# --- cases (the tracker) -------------------------------------------------------------------


class CaseOrder(StrEnum):
    RECEIVED_ON = "received_on"
    NEXT_DUE_ON = "next_due_on"
    REFERENCE = "reference"
    LAST_ACTIVITY = "last_activity"


_CASE_SORT = {
    CaseOrder.RECEIVED_ON: "received_on",
    CaseOrder.NEXT_DUE_ON: f"COALESCE(next_due_on, '{FAR_FUTURE}')",
    CaseOrder.REFERENCE: "reference",
    CaseOrder.LAST_ACTIVITY: "last_activity",
}


@dataclass(frozen=True)
class CaseFilter:
    partnerships: Sequence[str]  # what the caller may read (always given)
    case_ids: Sequence[str] | None = None
    references: Sequence[str] | None = None
    areas: Sequence[str] | None = None
    kinds: Sequence[str] | None = None
    stages: Sequence[str] | None = None
    statuses: Sequence[str] | None = None
    incident_kinds: Sequence[str] | None = None
    decisions: Sequence[str] | None = None
    recommendations: Sequence[str] | None = None
    review_types: Sequence[str] | None = None
    next_clocks: Sequence[str] | None = None
    looked_after: bool | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    incident_from: date | None = None
    incident_to: date | None = None
    next_due_from: date | None = None
    next_due_to: date | None = None


def _case_where(f: CaseFilter, today: date) -> _Where:
    w = _Where()
    w.any_of("partnership", f.partnerships)
    w.any_of("case_id", f.case_ids)
    w.any_of("reference", f.references)
    w.any_of("area", f.areas)
    w.any_of("kind", f.kinds)
    w.any_of("stage", f.stages)
    w.any_of("status", f.statuses)
    w.any_of("incident_kind", f.incident_kinds)
    w.any_of("decision", f.decisions)
    w.any_of("recommendation", f.recommendations)
    w.any_of("review_type", f.review_types)
    if f.next_clocks is not None:  # stored as the clock's key: "name" or "name:subject"
        either = " OR ".join("next_clock = ? OR next_clock LIKE ?" for _ in f.next_clocks)
        w.add(f"({either or '1 = 0'})", *(v for n in f.next_clocks for v in (n, f"{n}:%")))
    if f.looked_after is not None:
        w.add("looked_after = ?", int(f.looked_after))
    if f.overdue is True:  # the soonest open clock is past its due day
        w.add("next_due_on < ?", today.isoformat())
    elif f.overdue is False:
        w.add("(next_due_on IS NULL OR next_due_on >= ?)", today.isoformat())
    w.between("received_on", f.received_from, f.received_to)
    w.between("incident_on", f.incident_from, f.incident_to)
    w.between("next_due_on", f.next_due_from, f.next_due_to)
    return w


def cases(
    c: Cursor,
    model: CaseTracker,
    f: CaseFilter,
    today: date,
    *,
    order: CaseOrder = CaseOrder.RECEIVED_ON,
    descending: bool = False,
    first: int = 50,
    after: str | None = None,
    count: bool = True,
) -> Page[TrackerRow]:
    rows, cursors, total, more = _page(
        c,
        select=TRACKER_COLUMNS,
        source=model.source,
        where=_case_where(f, today),
        sort=_CASE_SORT[order],
        tiebreak="case_id",
        order=f"case:{order.value}:{int(descending)}",
        descending=descending,
        after=after,
        first=first,
        count=count,
    )
    return Page([_tracker_row(r, today) for r in rows], cursors, total, more)


# --- deadlines -----------------------------------------------------------------------------


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


def _deadline_where(f: DeadlineFilter, today: date) -> _Where:
    w = _Where()
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
    calendar: WorkingDayCalendar,
    *,
    order: DeadlineOrder = DeadlineOrder.DUE_ON,
    descending: bool = False,
    first: int = 50,
    after: str | None = None,
    count: bool = True,
) -> Page[Deadline]:
    rows, cursors, total, more = _page(
        c,
        select=DEADLINE_COLUMNS,
        source=model.table,
        where=_deadline_where(f, today),
        sort=order.value,
        tiebreak="stream_id || '|' || clock || '|' || subject",
        order=f"deadline:{order.value}:{int(descending)}",
        descending=descending,
        after=after,
        first=first,
        count=count,
    )
    return Page([_deadline(r, today, calendar) for r in rows], cursors, total, more)


def deadlines_of(
    c: Cursor,
    model: Deadlines,
    stream_ids: Sequence[str],
    today: date,
    calendar: WorkingDayCalendar,
) -> dict[str, list[Deadline]]:
    """Every clock of each of ``stream_ids`` (one statement for them all), soonest first."""
    found: dict[str, list[Deadline]] = {s: [] for s in stream_ids}
    if not stream_ids:
        return found
    marks = ", ".join("?" * len(stream_ids))
    c.execute(
        f"SELECT {DEADLINE_COLUMNS} FROM {model.table} "  # noqa: S608 - our table
        f"WHERE stream_id IN ({marks}) ORDER BY due_on, clock, subject",
        list(stream_ids),
    )
    for r in c.fetchall():
        d = _deadline(r, today, calendar)
        found[d.stream_id].append(d)
    return found


# --- reviews and actions -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    review_id: str
    reference: str
    partnership: str
    review_type: str
    case_ids: tuple[str, ...]
    theme: str
    commissioned_on: date
    deferred: bool
    final_report_on: date | None
    published_on: date | None
    closed_on: date | None
    version: int


_REVIEW_SELECT = (
    "review_id, reference, partnership, review_type, case_ids, theme, commissioned_on, "
    "deferred, final_report_on, published_on, closed_on, version"
)


def _review_row(r: Sequence[Any]) -> ReviewRow:
    def day(v: Any) -> date | None:
        return date.fromisoformat(v) if v else None

    return ReviewRow(
        review_id=r[0],
        reference=r[1],
        partnership=r[2],
        review_type=r[3],
        case_ids=tuple(i for i in str(r[4]).split(",") if i),
        theme=r[5],
        commissioned_on=date.fromisoformat(r[6]),
        deferred=bool(r[7]),
        final_report_on=day(r[8]),
        published_on=day(r[9]),
        closed_on=day(r[10]),
        version=int(r[11]),
    )


@dataclass(frozen=True)
class ReviewFilter:
    partnerships: Sequence[str]
    review_ids: Sequence[str] | None = None
    review_types: Sequence[str] | None = None
    published: bool | None = None
    closed: bool | None = None
    commissioned_from: date | None = None
    commissioned_to: date | None = None


def reviews(
    c: Cursor,
    model: Reviews,
    f: ReviewFilter,
    *,
    first: int = 50,
    after: str | None = None,
    count: bool = True,
) -> Page[ReviewRow]:
    w = _Where()
    w.any_of("partnership", f.partnerships)
    w.any_of("review_id", f.review_ids)
    w.any_of("review_type", f.review_types)
    if f.published is not None:
        w.add(f"published_on IS {'NOT ' if f.published else ''}NULL")
    if f.closed is not None:
        w.add(f"closed_on IS {'NOT ' if f.closed else ''}NULL")
    w.between("commissioned_on", f.commissioned_from, f.commissioned_to)
    rows, cursors, total, more = _page(
        c,
        select=_REVIEW_SELECT,
        source=model.reviews_table,
        where=w,
        sort="commissioned_on",
        tiebreak="review_id",
        order="review",
        descending=False,
        after=after,
        first=first,
        count=count,
    )
    return Page([_review_row(r) for r in rows], cursors, total, more)


def reviews_of_cases(
    c: Cursor, model: Reviews, case_ids: Sequence[str], partnerships: Sequence[str]
) -> dict[str, list[ReviewRow]]:
    """The reviews covering each of ``case_ids`` (one statement), oldest commissioned first."""
    found: dict[str, list[ReviewRow]] = {i: [] for i in case_ids}
    if not case_ids or not partnerships:
        return found
    likes = " OR ".join("case_ids LIKE ?" for _ in case_ids)
    marks = ", ".join("?" * len(partnerships))
    c.execute(
        f"SELECT {_REVIEW_SELECT} FROM {model.reviews_table} "  # noqa: S608 - our table
        f"WHERE partnership IN ({marks}) AND ({likes}) ORDER BY commissioned_on, review_id",
        [*partnerships, *(f"%{i}%" for i in case_ids)],
    )
    for r in c.fetchall():
        review = _review_row(r)
        for case_id in review.case_ids:
            if case_id in found:
                found[case_id].append(review)
    return found


@dataclass(frozen=True)
class ActionFilter:
    partnerships: Sequence[str]
    review_ids: Sequence[str] | None = None
    owner_agencies: Sequence[str] | None = None
    statuses: Sequence[str] | None = None  # open, overdue, completed, completed_late
    due_from: date | None = None
    due_to: date | None = None


_ACTION_SELECT = "a.review_id, r.reference, a.action_id, a.owner_agency, a.due_on, a.completed_on"


def actions(
    c: Cursor,
    model: Reviews,
    f: ActionFilter,
    today: date,
    *,
    first: int = 50,
    after: str | None = None,
    count: bool = True,
) -> Page[ActionRow]:
    w = _Where()
    w.any_of("a.partnership", f.partnerships)
    w.any_of("a.review_id", f.review_ids)
    w.any_of("a.owner_agency", f.owner_agencies)
    if f.statuses is not None:
        status, status_params = action_status_sql(today)
        if f.statuses:
            w.add(f"{status} IN ({', '.join('?' * len(f.statuses))})", *status_params)
            w.params.extend(f.statuses)
        else:
            w.add("1 = 0")
    w.between("a.due_on", f.due_from, f.due_to)
    rows, cursors, total, more = _page(
        c,
        select=_ACTION_SELECT,
        source=(
            f"{model.actions_table} a JOIN {model.reviews_table} r ON r.review_id = a.review_id"
        ),
        where=w,
        sort="a.due_on",
        tiebreak="a.review_id || '|' || a.action_id",
        order="action",
        descending=False,
        after=after,
        first=first,
        count=count,
    )
    return Page([_action(r, today) for r in rows], cursors, total, more)


def actions_of_reviews(
    c: Cursor, model: Reviews, review_ids: Sequence[str], today: date
) -> dict[str, list[ActionRow]]:
    found: dict[str, list[ActionRow]] = {i: [] for i in review_ids}
    if not review_ids:
        return found
    marks = ", ".join("?" * len(review_ids))
    c.execute(
        f"SELECT {_ACTION_SELECT} FROM {model.actions_table} a "  # noqa: S608 - our tables
        f"JOIN {model.reviews_table} r ON r.review_id = a.review_id "
        f"WHERE a.review_id IN ({marks}) ORDER BY a.due_on, a.action_id",
        list(review_ids),
    )
    for r in c.fetchall():
        action = _action(r, today)
        found[action.review_id].append(action)
    return found
