"""Reviews and actions read model: every review with its publication state, every action
with its owner, due date and completion (DESIGN §7; seed 003: actions tracked to completion).
Whether an action is overdue is decided when read.

Its queries (``reviews`` and ``actions``: filtered, a keyset page at a time;
``reviews_of_cases`` and ``actions_of_reviews`` for a page of cases or reviews) are at the
end of this module, with ``action_status_sql``, an action's status decided in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from application.service import Safeguarding
from domain.review import Review
from projections.fold import Fold, FoldedModel
from projections.paging import Page, Where, keyset_page
from projections.store import Cursor, delete_where_in, insert_rows, iso

REVIEW_COLUMNS = (
    "review_id, reference, partnership, review_type, case_ids, theme, commissioned_on, "
    "deferred, final_report_on, published_on, closed_on, version"
)
ACTION_COLUMNS = "review_id, action_id, partnership, owner_agency, agreed_on, due_on, completed_on"


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


@dataclass(frozen=True)
class ActionRow:
    review_id: str
    reference: str
    action_id: str
    owner_agency: str
    due_on: date
    completed_on: date | None
    status: str  # open, overdue, completed, completed_late


class Reviews(FoldedModel):
    version = 1

    def __init__(self, app: Safeguarding, prefix: str = "rm_", fold: Fold | None = None) -> None:
        self.base = "reviews"
        self.reviews_table = f"{prefix}reviews"
        self.actions_table = f"{prefix}actions"
        self.tables: tuple[str, ...] = (self.reviews_table, self.actions_table)
        self.name = self.reviews_table.removeprefix("rm_")
        self.fold = fold or Fold(app)

    def create(self, c: Cursor) -> None:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.reviews_table} ("
            "review_id TEXT PRIMARY KEY, reference TEXT NOT NULL, partnership TEXT NOT NULL, "
            "review_type TEXT NOT NULL, case_ids TEXT NOT NULL, theme TEXT NOT NULL, "
            "commissioned_on TEXT NOT NULL, deferred INTEGER NOT NULL, final_report_on TEXT, "
            "published_on TEXT, closed_on TEXT, version INTEGER NOT NULL)"
        )
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.actions_table} ("
            "review_id TEXT NOT NULL, action_id TEXT NOT NULL, partnership TEXT NOT NULL, "
            "owner_agency TEXT NOT NULL, agreed_on TEXT NOT NULL, due_on TEXT NOT NULL, "
            "completed_on TEXT, PRIMARY KEY (review_id, action_id))"
        )

    def index(self, c: Cursor) -> None:
        c.execute(
            f"CREATE INDEX IF NOT EXISTS {self.actions_table}_due ON {self.actions_table} "
            "(partnership, due_on)"
        )

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None:
        reviews = [s for s in states if isinstance(s, Review)]
        if not reviews:
            return
        if replace:
            ids = [str(r.id) for r in reviews]
            delete_where_in(c, self.actions_table, "review_id", ids)
            delete_where_in(c, self.reviews_table, "review_id", ids)
        insert_rows(
            c,
            self.reviews_table,
            REVIEW_COLUMNS,
            [
                (
                    str(r.id),
                    r.reference,
                    r.partnership,
                    r.review_type,
                    ",".join(str(i) for i in r.case_ids),
                    r.theme,
                    r.commissioned_on.isoformat(),
                    int(r.is_deferred),
                    iso(r.final_report_on),
                    iso(r.published_on),
                    iso(r.closed_on),
                    r.version,
                )
                for r in reviews
            ],
        )
        actions = [
            (
                str(r.id),
                a.action_id,
                r.partnership,
                a.owner_agency,
                a.agreed_on.isoformat(),
                a.due_on.isoformat(),
                iso(a.completed_on),
            )
            for r in reviews
            for a in r.actions.values()
        ]
        insert_rows(c, self.actions_table, ACTION_COLUMNS, actions)

    def actions(
        self,
        c: Cursor,
        today: date,
        *,
        partnership: str | None = None,
        owner_agency: str | None = None,
        overdue_only: bool = False,
    ) -> list[ActionRow]:
        """Actions with their status as of ``today``, soonest due first."""
        where, params = [], []
        if partnership:
            where.append("a.partnership = ?")
            params.append(partnership)
        if owner_agency:
            where.append("a.owner_agency = ?")
            params.append(owner_agency)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        query = (
            "SELECT a.review_id, r.reference, a.action_id, a.owner_agency, a.due_on, "  # noqa: S608
            f"a.completed_on FROM {self.actions_table} a "
            f"JOIN {self.reviews_table} r ON r.review_id = a.review_id "
            f"{clause} ORDER BY a.due_on, r.reference, a.action_id"
        )
        c.execute(
            query,
            tuple(params),
        )
        rows = [_action(r, today) for r in c.fetchall()]
        return [r for r in rows if r.status == "overdue"] if overdue_only else rows


def _action(r: Sequence[Any], today: date) -> ActionRow:
    review_id, reference, action_id, owner, due, completed = r
    due_on = date.fromisoformat(due)
    done = date.fromisoformat(completed) if completed else None
    if done is not None:
        status = "completed" if done <= due_on else "completed_late"
    else:
        status = "overdue" if today > due_on else "open"
    return ActionRow(review_id, reference, action_id, owner, due_on, done, status)


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


# --- queries -------------------------------------------------------------------------------


def action_status_sql(today: date) -> tuple[str, list[Any]]:
    """SQL for an action's status as of ``today`` (as ``_action`` decides it)."""
    return (
        "(CASE WHEN a.completed_on IS NOT NULL THEN "
        "(CASE WHEN a.completed_on <= a.due_on THEN 'completed' ELSE 'completed_late' END) "
        "WHEN a.due_on < ? THEN 'overdue' ELSE 'open' END)",
        [today.isoformat()],
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
    before: str | None = None,
    last: int | None = None,
    count: bool = True,
) -> Page[ReviewRow]:
    """A page of the reviews ``f`` matches, oldest commissioned first."""
    w = Where()
    w.any_of("partnership", f.partnerships)
    w.any_of("review_id", f.review_ids)
    w.any_of("review_type", f.review_types)
    if f.published is not None:
        w.add(f"published_on IS {'NOT ' if f.published else ''}NULL")
    if f.closed is not None:
        w.add(f"closed_on IS {'NOT ' if f.closed else ''}NULL")
    w.between("commissioned_on", f.commissioned_from, f.commissioned_to)
    return keyset_page(
        c,
        select=REVIEW_COLUMNS,
        source=model.reviews_table,
        where=w,
        sort="commissioned_on",
        tiebreak="review_id",
        order="review",
        descending=False,
        after=after,
        first=first,
        count=count,
        before=before,
        last=last,
    ).map(lambda r: _review_row(r))


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
        f"SELECT {REVIEW_COLUMNS} FROM {model.reviews_table} "  # noqa: S608 - our table
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
    before: str | None = None,
    last: int | None = None,
    count: bool = True,
) -> Page[ActionRow]:
    """A page of the actions ``f`` matches, soonest due first, with today's status."""
    w = Where()
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
    return keyset_page(
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
        before=before,
        last=last,
    ).map(lambda r: _action(r, today))


def actions_of_reviews(
    c: Cursor, model: Reviews, review_ids: Sequence[str], today: date
) -> dict[str, list[ActionRow]]:
    """The actions of each of ``review_ids`` (one statement), soonest due first."""
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
