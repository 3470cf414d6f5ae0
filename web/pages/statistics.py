"""Statistics: timeliness per clock and the median working days to decision and to
submission, by period, as charts drawn on the server with every number in a table too.
For analysts the counts of 1 to 4 (and medians over fewer than 5 cases) are suppressed,
as GraphQL suppresses them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.auth import CurrentVisitor
from web.charts import grouped_columns, stacked_bars
from web.graph import ask
from web.templates import page, words

router = APIRouter()

PERIODS = ("YEAR", "QUARTER", "MONTH")
COUNT = "{ value suppressed }"
MEDIAN = f"{{ value suppressed over {COUNT} }}"
STATISTICS = f"""
query WebStatistics($period: Period!) {{
  overall: statistics {{
    cases {COUNT}
    byStage {{ key count {COUNT} }}
    timeliness {{
      clock onTime {COUNT} late {COUNT} breached {COUNT} pending {COUNT} cancelled {COUNT}
    }}
    medianWorkingDaysToDecision {MEDIAN}
    medianWorkingDaysToSubmission {MEDIAN}
  }}
  periods: statistics(period: $period) {{
    period
    cases {COUNT}
    medianWorkingDaysToDecision {MEDIAN}
    medianWorkingDaysToSubmission {MEDIAN}
  }}
}}
"""
PARTS = (
    ("MET", "onTime"),
    ("MET_LATE", "late"),
    ("BREACHED", "breached"),
    ("PENDING", "pending"),
    ("CANCELLED", "cancelled"),
)


def _median(m: dict[str, Any]) -> float | None:
    return None if m["suppressed"] or m["value"] is None else round(float(m["value"]), 1)


@router.get("/statistics")
async def statistics(request: Request, visitor: CurrentVisitor, period: str = "YEAR") -> Response:
    period = period if period in PERIODS else "YEAR"
    data = await ask(request, visitor.principal, STATISTICS, period=period)
    overall = data["overall"][0] if data["overall"] else None
    timeliness = overall["timeliness"] if overall else []
    periods = sorted(data["periods"], key=lambda g: str(g["period"]))
    return page(
        request,
        "statistics.html",
        title="Statistics",
        section="statistics",
        visitor=visitor,
        overall=overall,
        timeliness=timeliness,
        periods=periods,
        period=period,
        choices=PERIODS,
        parts=PARTS,
        timeliness_chart=stacked_bars(
            [(words(t["clock"]), [(s, t[f]) for s, f in PARTS]) for t in timeliness],
            "How each clock's instances ended, or stand today",
            "timeliness",
        ),
        medians_chart=grouped_columns(
            [
                (
                    str(g["period"]),
                    [
                        ("decision", _median(g["medianWorkingDaysToDecision"])),
                        ("submission", _median(g["medianWorkingDaysToSubmission"])),
                    ],
                )
                for g in periods
            ],
            [("decision", "#1d70b8"), ("submission", "#4c2c92")],
            f"Median working days to the criteria decision and to submission, by {period.lower()}",
            "medians",
            "working days",
        ),
        median=_median,
    )
