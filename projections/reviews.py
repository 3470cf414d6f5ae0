"""Reviews and actions read model: every review with its publication state, every action
with its owner, due date and completion (DESIGN §7; seed 003: actions tracked to completion).
Whether an action is overdue is decided when read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from application.service import Safeguarding
from domain.review import Review
from projections.fold import Fold, FoldedModel
from projections.store import Cursor, delete_where_in, insert_rows, iso

REVIEW_COLUMNS = (
    "review_id, reference, partnership, review_type, case_ids, theme, commissioned_on, "
    "deferred, final_report_on, published_on, closed_on, version"
)
ACTION_COLUMNS = "review_id, action_id, partnership, owner_agency, agreed_on, due_on, completed_on"


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

    def __init__(
        self, tracker: Safeguarding, prefix: str = "rm_", fold: Fold | None = None
    ) -> None:
        self.base = "reviews"
        self.reviews_table = f"{prefix}reviews"
        self.actions_table = f"{prefix}actions"
        self.tables: tuple[str, ...] = (self.reviews_table, self.actions_table)
        self.name = self.reviews_table.removeprefix("rm_")
        self.fold = fold or Fold(tracker)

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
