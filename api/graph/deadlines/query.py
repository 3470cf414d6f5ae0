"""The deadlines feature's root field: every clock instance, filtered and ordered, a page at
a time."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graph.arguments import AfterPosition, enum_values, parse_id
from api.graph.connections import Connection, Direction, page_connection
from api.graph.context import GraphContext
from api.graph.deadlines.types import DeadlineFilter, DeadlineNode, DeadlineOrder
from api.graph.limits import window
from domain.values import Role
from projections import deadlines as rm_deadlines


@strawberry.type
class DeadlinesQuery:
    @strawberry.field(description="Every clock instance, filtered, soonest due first")
    def deadlines(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        filter: DeadlineFilter | None = None,
        order_by: DeadlineOrder = DeadlineOrder.DUE_ON,
        direction: Direction = Direction.ASC,
        first: int = 50,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[DeadlineNode]:
        ctx = info.context
        f = filter or DeadlineFilter()
        wanted = rm_deadlines.DeadlineFilter(
            partnerships=ctx.partnerships(partnership),
            stream_ids=[str(parse_id(i)) for i in f.case_id] if f.case_id is not None else None,
            references=f.reference,
            clocks=enum_values(f.clock),
            statuses=enum_values(f.status),
            subjects=f.agency,
            watch_only=f.watch_only,
            overdue=f.overdue,
            due_from=f.due_from,
            due_to=f.due_to,
            started_from=f.started_from,
            started_to=f.started_to,
        )
        page = rm_deadlines.deadlines(
            ctx.cursor(after_position),
            ctx.deadlines_model,
            wanted,
            ctx.today(),
            ctx.safeguarding.calendar_of,
            order=rm_deadlines.DeadlineOrder(order_by.value),
            descending=direction is Direction.DESC,
            **window(first, after, last, before),
        )
        nodes = [DeadlineNode.of(d) for d in page.rows]
        return page_connection(  # type: ignore[no-any-return]
            nodes, page, analyst=ctx.caller().role is Role.ANALYST, what="clocks"
        )
