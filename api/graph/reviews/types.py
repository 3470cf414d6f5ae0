"""The reviews feature's types: reviews commissioned and the actions they agreed.

A review lists the cases it covers and a case its reviews: ``CaseNode`` is named lazily here
(``strawberry.lazy``), since ``api.graph.cases.types`` imports this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.graph.context import GraphContext
from api.graph.deadlines.types import DeadlineNode, deadlines_of_page
from api.graph.node import Node
from projections import reviews as rm_reviews
from projections import tracker as rm_tracker
from projections.reviews import ActionRow, ReviewRow

if TYPE_CHECKING:
    from api.graph.cases.types import CaseNode


@strawberry.enum
class ActionStatus(Enum):
    OPEN = "open"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    COMPLETED_LATE = "completed_late"


@strawberry.input
class ActionFilter:
    review_id: list[strawberry.ID] | None = None
    owner_agency: list[str] | None = None
    status: list[ActionStatus] | None = None
    due_from: date | None = None
    due_to: date | None = None


@strawberry.type(name="Action", description="An action agreed in a review")
class ActionNode:
    review_id: strawberry.ID
    review_reference: str
    action_id: str
    owner_agency: str
    due_on: date
    completed_on: date | None
    status: ActionStatus

    @staticmethod
    def of(a: ActionRow) -> ActionNode:
        return ActionNode(
            review_id=strawberry.ID(a.review_id),
            review_reference=a.reference,
            action_id=a.action_id,
            owner_agency=a.owner_agency,
            due_on=a.due_on,
            completed_on=a.completed_on,
            status=ActionStatus(a.status),
        )


@strawberry.type(name="Review", description="A review commissioned on one or more cases")
class ReviewNode(Node):
    id: strawberry.ID
    reference: str
    partnership: str
    review_type: str
    case_ids: list[strawberry.ID]
    commissioned_on: date
    deferred: bool
    final_report_on: date | None
    published_on: date | None
    closed_on: date | None
    version: int
    _ids: strawberry.Private[tuple[str, ...]] = ()
    _cases: strawberry.Private[tuple[str, ...]] = ()

    @staticmethod
    def of(r: ReviewRow, page: Sequence[ReviewRow] = ()) -> ReviewNode:
        return ReviewNode(
            id=strawberry.ID(r.review_id),
            reference=r.reference,
            partnership=r.partnership,
            review_type=r.review_type,
            case_ids=[strawberry.ID(i) for i in r.case_ids],
            commissioned_on=r.commissioned_on,
            deferred=r.deferred,
            final_report_on=r.final_report_on,
            published_on=r.published_on,
            closed_on=r.closed_on,
            version=r.version,
            _ids=tuple(p.review_id for p in page) or (r.review_id,),
            _cases=tuple(dict.fromkeys(i for p in page for i in p.case_ids)),
        )

    @strawberry.field(description="its actions, soonest due first")
    def actions(self, info: Info[GraphContext, None]) -> list[ActionNode]:
        ctx = info.context
        found = ctx.batch(
            "actions",
            self._ids,
            lambda ids: rm_reviews.actions_of_reviews(
                ctx.cursor(), ctx.reviews_model, ids, ctx.today()
            ),
        )
        return [ActionNode.of(a) for a in found[str(self.id)]]

    @strawberry.field(description="the cases it covers, as the tracker shows them")
    def cases(
        self, info: Info[GraphContext, None]
    ) -> list[Annotated[CaseNode, strawberry.lazy("api.graph.cases.types")]]:
        # imported here: the cases' types import this module (a case lists its reviews)
        from api.graph.cases.types import CaseNode

        ctx = info.context
        page = self._cases or tuple(str(i) for i in self.case_ids)
        found = ctx.batch(
            "review_cases",
            page,
            lambda ids: {
                r.case_id: r
                for r in rm_tracker.cases(
                    ctx.cursor(),
                    ctx.tracker_model,
                    rm_tracker.CaseFilter(partnerships=ctx.partnerships(None), case_ids=ids),
                    ctx.today(),
                    first=max(1, len(ids)),
                    count=False,
                ).rows
            },
        )
        return [CaseNode.of(found[i], page) for i in map(str, self.case_ids) if i in found]

    @strawberry.field(description="its clocks (publication), with today's status")
    def deadlines(self, info: Info[GraphContext, None]) -> list[DeadlineNode]:
        return deadlines_of_page(info.context, self._ids, str(self.id))
