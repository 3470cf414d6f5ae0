"""The statistics feature's root fields: the statistics of the cases received in a period,
and how far each read model has got."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.graph.arguments import AfterPosition
from api.graph.context import GraphContext
from api.graph.statistics.types import (
    Period,
    ReadModelPosition,
    StatisticsGroup,
    statistics_group,
)
from domain.values import Role
from projections import statistics as stats


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="Counts, timeliness and medians of the cases received in a period; "
        "for analysts, counts of 1 to 4 are suppressed"
    )
    def statistics(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        received_from: date | None = None,
        received_to: date | None = None,
        period: Period = Period.ALL,
        by_partnership: bool = False,
        after_position: AfterPosition = None,
    ) -> list[StatisticsGroup]:
        ctx = info.context
        partnerships = ctx.partnerships(partnership)
        found = stats.grouped(
            ctx.cursor(after_position),
            ctx.tracker_model,
            ctx.deadlines_model,
            ctx.today(),
            ctx.safeguarding.calendar_of,
            partnerships=partnerships,
            received_from=received_from,
            received_to=received_to,
            by_partnership=by_partnership,
            period=stats.Period(period.value),
        )
        analyst = ctx.caller().role is Role.ANALYST
        return [statistics_group(s, analyst) for s in found]

    @strawberry.field(description="Each read model's position in the log and its lag")
    def read_models(self, info: Info[GraphContext, None]) -> list[ReadModelPosition]:
        ctx = info.context
        ctx.reader()
        end = ctx.safeguarding.recorder.max_notification_id() or 0
        return [
            ReadModelPosition(name=name, position=pos, lag=end - max(pos, 0))
            for name, pos in ctx.projector.positions().items()
        ]
