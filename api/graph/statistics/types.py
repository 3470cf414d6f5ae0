"""The statistics feature's types: counts, timeliness and medians, with small counts
suppressed for analysts (the read model counts; who is asking is known here); and each
read model's position."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

import strawberry

from api.graph.enums import ClockKind
from domain.clocks import ClockName
from projections import statistics as stats

SUPPRESS_BELOW = 5


@strawberry.enum(description="Statistics per period of the day cases were received")
class Period(Enum):
    ALL = "all"
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


@strawberry.type(description="A count; for analysts, counts of 1 to 4 are suppressed (null)")
class Count:
    fast: ClassVar[bool] = True  # completed by api.graph.fast's plan in a list
    value: int | None
    suppressed: bool


@strawberry.type
class KeyCount:
    fast: ClassVar[bool] = True  # completed by api.graph.fast's plan in a list
    key: str
    count: Count


@strawberry.type(description="How a clock's instances ended, or stand today")
class Timeliness:
    fast: ClassVar[bool] = True  # completed by api.graph.fast's plan in a list
    clock: ClockKind  # type: ignore[valid-type]
    on_time: Count
    late: Count
    breached: Count
    pending: Count
    cancelled: Count


@strawberry.type(description="A median; suppressed for analysts when taken over fewer than 5")
class Median:
    fast: ClassVar[bool] = True  # completed by api.graph.fast's plan in a list
    value: float | None
    suppressed: bool
    over: Count


@strawberry.type
class StatisticsGroup:
    fast: ClassVar[bool] = True  # completed by api.graph.fast's plan in a list
    partnership: str | None
    period: str | None
    cases: Count
    by_stage: list[KeyCount]
    by_kind: list[KeyCount]
    by_recommendation: list[KeyCount]
    by_decision: list[KeyCount]
    timeliness: list[Timeliness]
    median_working_days_to_decision: Median
    median_working_days_to_submission: Median


@strawberry.type
class ReadModelPosition:
    fast: ClassVar[bool] = True  # completed by api.graph.fast's plan in a list
    name: str
    position: int
    lag: int


def _count(n: int, analyst: bool) -> Count:
    if analyst and 0 < n < SUPPRESS_BELOW:
        return Count(value=None, suppressed=True)
    return Count(value=n, suppressed=False)


def _keyed(counts: dict[str, int], analyst: bool) -> list[KeyCount]:
    return [KeyCount(key=k, count=_count(n, analyst)) for k, n in sorted(counts.items())]


def _median(value: float | None, over: int, analyst: bool) -> Median:
    hidden = analyst and 0 < over < SUPPRESS_BELOW
    return Median(value=None if hidden else value, suppressed=hidden, over=_count(over, analyst))


def statistics_group(s: stats.Statistics, analyst: bool) -> StatisticsGroup:
    """A group of the statistics as the caller may see it: for analysts, counts of 1 to 4
    and medians over fewer than 5 cases suppressed."""
    return StatisticsGroup(
        partnership=s.partnership,
        period=s.period,
        cases=_count(s.cases, analyst),
        by_stage=_keyed(s.by_stage, analyst),
        by_kind=_keyed(s.by_kind, analyst),
        by_recommendation=_keyed(s.by_recommendation, analyst),
        by_decision=_keyed(s.by_decision, analyst),
        timeliness=[
            Timeliness(
                clock=ClockName(clock),
                on_time=_count(n.get("met", 0), analyst),
                late=_count(n.get("met_late", 0), analyst),
                breached=_count(n.get("breached", 0), analyst),
                pending=_count(n.get("pending", 0), analyst),
                cancelled=_count(n.get("cancelled", 0), analyst),
            )
            for clock, n in s.timeliness.items()
        ],
        median_working_days_to_decision=_median(
            s.median_working_days_to_decision, s.decisions_measured, analyst
        ),
        median_working_days_to_submission=_median(
            s.median_working_days_to_submission, s.submissions_measured, analyst
        ),
    )
