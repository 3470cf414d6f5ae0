"""The cases feature's root fields: the tracker's cases, filtered and ordered a page at a
time, and one case by id or reference."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graph.arguments import AfterPosition, enum_values, parse_id
from api.graph.cases.types import CaseFilter, CaseNode, CaseOrder
from api.graph.connections import Connection, Direction, page_connection
from api.graph.context import GraphContext
from api.graph.errors import BadArgumentError
from api.graph.limits import window
from application.errors import refuse_small_counts
from domain.values import Role
from projections import tracker as rm_tracker


@strawberry.type
class CasesQuery:
    @strawberry.field(description="The tracker: cases filtered, ordered, a page at a time")
    def cases(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        filter: CaseFilter | None = None,
        order_by: CaseOrder = CaseOrder.RECEIVED_ON,
        direction: Direction = Direction.ASC,
        first: int = 50,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[CaseNode]:
        ctx = info.context
        f = filter or CaseFilter()
        wanted = rm_tracker.CaseFilter(
            partnerships=ctx.partnerships(partnership),
            references=f.reference,
            areas=f.area,
            kinds=enum_values(f.kind),
            stages=f.stage,
            statuses=enum_values(f.status),
            incident_kinds=f.incident_kind,
            decisions=f.decision,
            recommendations=f.recommendation,
            review_types=f.review_type,
            next_clocks=enum_values(f.next_clock),
            looked_after=f.looked_after,
            overdue=f.overdue,
            received_from=f.received_from,
            received_to=f.received_to,
            incident_from=f.incident_from,
            incident_to=f.incident_to,
            next_due_from=f.next_due_from,
            next_due_to=f.next_due_to,
        )
        page = rm_tracker.cases(
            ctx.cursor(after_position),
            ctx.tracker_model,
            wanted,
            ctx.today(),
            order=rm_tracker.CaseOrder(order_by.value),
            descending=direction is Direction.DESC,
            **window(first, after, last, before),
        )
        analyst = ctx.caller().role is Role.ANALYST
        if analyst and f != CaseFilter():
            # what the filter leaves out is a count too: all the cases minus those matched
            # must not single out 1 to 4 (else two allowed queries differ by a small count)
            everything = rm_tracker.cases(
                ctx.cursor(after_position),
                ctx.tracker_model,
                rm_tracker.CaseFilter(partnerships=wanted.partnerships),
                ctx.today(),
                first=1,
            )
            refuse_small_counts(True, everything.total - page.total, "cases left out")
        ids = [r.case_id for r in page.rows]
        nodes = [CaseNode.of(r, ids) for r in page.rows]
        return page_connection(  # type: ignore[no-any-return]
            nodes, page, analyst=analyst, what="cases"
        )

    @strawberry.field(description="One case from the tracker, by id or reference")
    def case(
        self,
        info: Info[GraphContext, None],
        id: strawberry.ID | None = None,
        reference: str | None = None,
        after_position: AfterPosition = None,
    ) -> CaseNode | None:
        if (id is None) == (reference is None):
            raise BadArgumentError("give either id or reference")
        return find_case(info.context, id=id, reference=reference, after_position=after_position)


def find_case(
    ctx: GraphContext,
    *,
    id: strawberry.ID | None = None,
    reference: str | None = None,
    after_position: int | None = None,
) -> CaseNode | None:
    """The case of this id or reference in the caller's partnerships, if any."""
    page = rm_tracker.cases(
        ctx.cursor(after_position),
        ctx.tracker_model,
        rm_tracker.CaseFilter(
            partnerships=ctx.partnerships(None),
            case_ids=[str(parse_id(id))] if id is not None else None,
            references=[reference] if reference is not None else None,
        ),
        ctx.today(),
        first=1,
        count=False,
    )
    return CaseNode.of(page.rows[0]) if page.rows else None
