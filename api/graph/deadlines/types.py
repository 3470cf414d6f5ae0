"""The deadlines feature's types: a clock instance, and how the deadlines are filtered and
ordered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import ClassVar

import strawberry

from api.graph.context import GraphContext
from api.graph.enums import ClockKind, ClockState
from domain.clocks import ClockName, ClockStatus
from projections import deadlines as rm_deadlines
from projections.deadlines import Deadline


@strawberry.enum
class DeadlineOrder(Enum):
    DUE_ON = "due_on"
    STARTED_ON = "started_on"
    REFERENCE = "reference"


@strawberry.input
class DeadlineFilter:
    case_id: list[strawberry.ID] | None = None
    reference: list[str] | None = None
    clock: list[ClockKind] | None = None  # type: ignore[valid-type]
    status: list[ClockState] | None = None  # type: ignore[valid-type]
    agency: list[str] | None = strawberry.field(
        default=None, description="the agency asked (scoping clocks)"
    )
    watch_only: bool | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="still open and past its due day, today"
    )
    due_from: date | None = None
    due_to: date | None = None
    started_from: date | None = None
    started_to: date | None = None


@strawberry.type(
    name="Deadline", description="One clock instance (per agency for scoping, per action)"
)
class DeadlineNode:
    fast: ClassVar[bool] = True  # a page of clocks completed by api.graph.fast's plan
    stream_id: strawberry.ID
    reference: str
    partnership: str
    clock: ClockKind  # type: ignore[valid-type]
    subject: str = strawberry.field(description="the agency (scoping), action id, or empty")
    started_on: date
    due_on: date
    stopped_on: date | None
    status: ClockState  # type: ignore[valid-type]
    working_days_late: int
    watch_only: bool = strawberry.field(description="the Panel's clock, not the partnership's")

    @staticmethod
    def of(d: Deadline) -> DeadlineNode:
        return DeadlineNode(
            stream_id=strawberry.ID(d.stream_id),
            reference=d.reference,
            partnership=d.partnership,
            clock=ClockName(d.clock),
            subject=d.subject,
            started_on=d.started_on,
            due_on=d.due_on,
            stopped_on=d.stopped_on,
            status=ClockStatus(d.status),
            working_days_late=d.working_days_late,
            watch_only=d.watch_only,
        )


def deadlines_of_page(ctx: GraphContext, page: Sequence[str], stream_id: str) -> list[DeadlineNode]:
    """The clocks of ``stream_id``, loaded with those of every stream of its ``page`` (one
    statement for the page: no N+1)."""
    found = ctx.batch(
        "deadlines",
        page,
        lambda ids: rm_deadlines.deadlines_of(
            ctx.cursor(), ctx.deadlines_model, ids, ctx.today(), ctx.safeguarding.calendar_of
        ),
    )
    return [DeadlineNode.of(d) for d in found[stream_id]]
