"""The reviews feature's root fields: reviews commissioned and the actions agreed in them,
a page at a time."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graph.arguments import AfterPosition, enum_values, parse_id
from api.graph.connections import Connection, page_connection
from api.graph.context import GraphContext
from api.graph.limits import window
from api.graph.reviews.types import ActionFilter, ActionNode, ReviewNode
from domain.values import Role
from projections import reviews as rm_reviews


@strawberry.type
class ReviewsQuery:
    @strawberry.field(description="Reviews commissioned, oldest first")
    def reviews(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        review_type: list[str] | None = None,
        published: bool | None = None,
        first: int = 50,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[ReviewNode]:
        ctx = info.context
        page = rm_reviews.reviews(
            ctx.cursor(after_position),
            ctx.reviews_model,
            rm_reviews.ReviewFilter(
                partnerships=ctx.partnerships(partnership),
                review_types=review_type,
                published=published,
            ),
            **window(first, after, last, before),
        )
        nodes = [ReviewNode.of(r, page.rows) for r in page.rows]
        return page_connection(  # type: ignore[no-any-return]
            nodes, page, analyst=ctx.caller().role is Role.ANALYST, what="reviews"
        )

    @strawberry.field(description="Actions agreed in reviews, soonest due first")
    def actions(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        filter: ActionFilter | None = None,
        first: int = 50,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[ActionNode]:
        ctx = info.context
        f = filter or ActionFilter()
        page = rm_reviews.actions(
            ctx.cursor(after_position),
            ctx.reviews_model,
            rm_reviews.ActionFilter(
                partnerships=ctx.partnerships(partnership),
                review_ids=[str(parse_id(i, "review")) for i in f.review_id]
                if f.review_id is not None
                else None,
                owner_agencies=f.owner_agency,
                statuses=enum_values(f.status),
                due_from=f.due_from,
                due_to=f.due_to,
            ),
            ctx.today(),
            **window(first, after, last, before),
        )
        nodes = [ActionNode.of(a) for a in page.rows]
        return page_connection(  # type: ignore[no-any-return]
            nodes, page, analyst=ctx.caller().role is Role.ANALYST, what="actions"
        )


def find_review(ctx: GraphContext, id: strawberry.ID) -> ReviewNode | None:
    """The review of this id in the caller's partnerships, if any."""
    page = rm_reviews.reviews(
        ctx.cursor(None),
        ctx.reviews_model,
        rm_reviews.ReviewFilter(
            partnerships=ctx.partnerships(None), review_ids=[str(parse_id(id))]
        ),
        first=1,
    )
    return ReviewNode.of(page.rows[0]) if page.rows else None
