"""Statistics: counts by stage, kind, recommendation and outcome; timeliness per clock;
median working days to decision and to submission -- per partnership and period.

Computed from the tracker and deadlines read models when asked, for the day asked (a clock
still open past its due day counts as breached). Suppression of small counts for analysts
belongs to the GraphQL surface, which knows who is asking.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from domain.calendar import WorkingDayCalendar
from projections.deadlines import Deadlines
from projections.store import Cursor
from projections.tracker import CaseTracker, TrackerRow


@dataclass(frozen=True)
class Statistics:
    cases: int
    by_stage: dict[str, int]
    by_kind: dict[str, int]
    by_recommendation: dict[str, int]
    by_decision: dict[str, int]
    timeliness: dict[str, dict[str, int]] = field(default_factory=dict)
    median_working_days_to_decision: float | None = None
    median_working_days_to_submission: float | None = None


def compute(
    c: Cursor,
    tracker: CaseTracker,
    deadlines: Deadlines,
    today: date,
    calendar: WorkingDayCalendar,
    *,
    partnership: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> Statistics:
    """Statistics of the cases received in [received_from, received_to] (inclusive)."""
    rows = [
        r
        for r in tracker.query(c, today, partnership=partnership)
        if (received_from is None or r.received_on >= received_from)
        and (received_to is None or r.received_on <= received_to)
    ]
    in_scope = {r.case_id for r in rows}
    timeliness: dict[str, Counter[str]] = {}
    for d in deadlines.query(c, today, calendar, partnership=partnership):
        if d.stream_id in in_scope:
            timeliness.setdefault(d.clock, Counter())[d.status] += 1
    return Statistics(
        cases=len(rows),
        by_stage=dict(Counter(r.stage for r in rows)),
        by_kind=dict(Counter(r.kind for r in rows)),
        by_recommendation=dict(Counter(r.recommendation for r in rows if r.recommendation)),
        by_decision=dict(Counter(r.decision for r in rows if r.decision)),
        timeliness={clock: dict(counts) for clock, counts in sorted(timeliness.items())},
        median_working_days_to_decision=_median(
            rows, calendar, lambda r: (r.received_on, r.decided_on)
        ),
        median_working_days_to_submission=_median(
            rows, calendar, lambda r: (r.notified_on, r.submitted_on)
        ),
    )


def _median(
    rows: list[TrackerRow],
    calendar: WorkingDayCalendar,
    span: Callable[[TrackerRow], tuple[date | None, date | None]],
) -> float | None:
    days = [
        calendar.working_days_between(start, end)
        for start, end in (span(r) for r in rows)
        if start is not None and end is not None
    ]
    return float(stats.median(days)) if days else None
