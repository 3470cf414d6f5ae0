"""Statistics: counts by stage, kind, recommendation and decision; timeliness per clock;
median working days to decision and to submission -- per partnership and period.

Computed from the tracker and deadlines read models when asked, for the day asked (a clock
still open past its due day counts as breached), with the counting done by the database
(``GROUP BY``): a year of a partnership's cases costs three statements, not a row each.
A case belongs to the period in which it was received. Suppression of small counts for
analysts belongs to the GraphQL surface, which knows who is asking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from domain.calendar import CalendarOf
from projections.deadlines import Deadlines, deadline_status_sql
from projections.paging import Where
from projections.store import Cursor
from projections.tracker import CaseTracker


class Period(StrEnum):
    ALL = "all"
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


_PERIOD_SQL = {
    Period.ALL: "''",
    Period.YEAR: "substr(t.received_on, 1, 4)",
    Period.QUARTER: (
        "substr(t.received_on, 1, 4) || '-Q' || "
        "CAST((CAST(substr(t.received_on, 6, 2) AS INTEGER) + 2) / 3 AS TEXT)"
    ),
    Period.MONTH: "substr(t.received_on, 1, 7)",
}


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
    decisions_measured: int = 0  # how many cases each median is taken over
    submissions_measured: int = 0
    partnership: str | None = None  # the group, when grouped by partnership
    period: str | None = None  # the group, when grouped by period (e.g. 2027, 2027-Q1)


def compute(
    c: Cursor,
    tracker: CaseTracker,
    deadlines: Deadlines,
    today: date,
    calendar_of: CalendarOf,
    *,
    partnership: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> Statistics:
    """Statistics of the cases received in [received_from, received_to] (inclusive)."""
    found = grouped(
        c,
        tracker,
        deadlines,
        today,
        calendar_of,
        partnerships=[partnership] if partnership else None,
        received_from=received_from,
        received_to=received_to,
    )
    return found[0] if found else Statistics(0, {}, {}, {}, {})


def whole_months(received_from: date | None, received_to: date | None) -> bool:
    """Whether the range starts on a month's first day and ends on one's last (either end
    open): what the kept tallies, counted by month, can answer."""
    return (received_from is None or received_from.day == 1) and (
        received_to is None or (received_to + timedelta(days=1)).day == 1
    )


def grouped(
    c: Cursor,
    tracker: CaseTracker,
    deadlines: Deadlines,
    today: date,
    calendar_of: CalendarOf,
    *,
    partnerships: list[str] | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    by_partnership: bool = False,
    period: Period = Period.ALL,
) -> list[Statistics]:
    """One ``Statistics`` per group (partnership and/or period), in key order; none when
    no case is in scope.

    Whole months (a year, a quarter, all time) are counted from the tallies the tracker
    and deadlines keep by month as they follow the log: four statements over a few rows a
    month, whatever the number of cases. Any other range is counted from the rows."""
    if whole_months(received_from, received_to):
        return from_tallies(
            c,
            tracker,
            deadlines,
            today,
            partnerships=partnerships,
            received_from=received_from,
            received_to=received_to,
            by_partnership=by_partnership,
            period=period,
        )
    return from_rows(
        c,
        tracker,
        deadlines,
        today,
        calendar_of,
        partnerships=partnerships,
        received_from=received_from,
        received_to=received_to,
        by_partnership=by_partnership,
        period=period,
    )


def _period_of(month: str, period: Period) -> str:
    """The period a month ('2027-04') falls in, as ``_PERIOD_SQL`` names it."""
    if period is Period.YEAR:
        return month[:4]
    if period is Period.QUARTER:
        return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"
    return month if period is Period.MONTH else ""


def _new_group() -> dict[str, Any]:
    return {
        "cases": 0,
        "stage": Counter(),
        "kind": Counter(),
        "recommendation": Counter(),
        "decision": Counter(),
        "timeliness": {},
        "to_decision": Counter(),
        "to_submission": Counter(),
    }


def from_tallies(
    c: Cursor,
    tracker: CaseTracker,
    deadlines: Deadlines,
    today: date,
    *,
    partnerships: list[str] | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    by_partnership: bool = False,
    period: Period = Period.ALL,
) -> list[Statistics]:
    """``grouped`` of whole months, from the kept tallies (what ``from_rows`` counts)."""
    where = Where()
    if partnerships is not None:
        where.any_of("partnership", partnerships)
    if received_from is not None:
        where.add("month >= ?", received_from.isoformat()[:7])
    if received_to is not None:
        where.add("month <= ?", received_to.isoformat()[:7])
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    keys: dict[tuple[str, str], tuple[str, str]] = {}

    def key(p: str, month: str) -> tuple[str, str]:
        found = keys.get((p, month))
        if found is None:
            found = keys[(p, month)] = (p if by_partnership else "", _period_of(month, period))
        return found

    def group(p: str, month: str) -> dict[str, Any]:
        k = key(p, month)
        found = groups.get(k)
        if found is None:
            found = groups[k] = _new_group()
        return found

    c.execute(
        "SELECT partnership, month, stage, kind, recommendation, decision, cases "  # noqa: S608
        f"FROM {tracker.tallies_table} {where.sql()}",
        where.params,
    )
    for p, month, stage, kind, recommendation, decision, n in c.fetchall():
        _count_cases(group(p, month), stage, kind, recommendation, decision, n)
    if not groups:
        return []
    c.execute(
        "SELECT counted_as, partnership, month, clock, state, due_on, clocks "  # noqa: S608
        f"FROM {deadlines.tallies_table} {where.sql()}",
        where.params,
    )
    now = today.isoformat()
    for counted_as, p, month, clock, state, due_on, n in c.fetchall():
        if counted_as == "review" and key(p, month) not in groups:
            continue  # a review's clock counts only in a group of the cases in scope
        if state == "open":
            state = "breached" if due_on < now else "pending"
        timeliness = group(p, month)["timeliness"]
        counts = timeliness.get(clock)
        if counts is None:
            counts = timeliness[clock] = Counter()
        counts[state] += n
    c.execute(
        f"SELECT partnership, month, measure, days, cases FROM {tracker.days_table} "  # noqa: S608
        f"{where.sql()}",
        where.params,
    )
    for p, month, measure, days, n in c.fetchall():
        group(p, month)["to_decision" if measure == "decision" else "to_submission"][int(days)] += n
    return _statistics(groups, by_partnership=by_partnership, period=period)


def _count_cases(
    g: dict[str, Any], stage: str, kind: str, recommendation: str, decision: str, n: int
) -> None:
    """Add ``n`` cases of one stage, kind, recommendation and decision to a group."""
    g["cases"] += n
    g["stage"][stage] += n
    g["kind"][kind] += n
    if recommendation:
        g["recommendation"][recommendation] += n
    if decision:
        g["decision"][decision] += n


def _statistics(
    groups: dict[tuple[str, str], dict[str, Any]], *, by_partnership: bool, period: Period
) -> list[Statistics]:
    """Each group (``_new_group``, keyed by partnership and period) as its statistics."""
    return [
        Statistics(
            cases=g["cases"],
            by_stage=_counted(g["stage"]),
            by_kind=_counted(g["kind"]),
            by_recommendation=_counted(g["recommendation"]),
            by_decision=_counted(g["decision"]),
            timeliness={clock: _counted(n) for clock, n in sorted(g["timeliness"].items())},
            median_working_days_to_decision=_histogram_median(g["to_decision"]),
            median_working_days_to_submission=_histogram_median(g["to_submission"]),
            decisions_measured=sum(g["to_decision"].values()),
            submissions_measured=sum(g["to_submission"].values()),
            partnership=p if by_partnership else None,
            period=q if period is not Period.ALL else None,
        )
        for (p, q), g in sorted(groups.items())
    ]


def _counted(counts: Counter[str]) -> dict[str, int]:
    return {k: n for k, n in counts.items() if n}


def _histogram_median(counts: Counter[int]) -> float | None:
    """The median of the values ``counts`` holds (value -> how many), as
    ``statistics.median`` gives it of the values themselves."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # the middle value's index, or the two
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > middle[len(found)]:
            found.append(value)
    return (found[0] + found[1]) / 2


def from_rows(
    c: Cursor,
    tracker: CaseTracker,
    deadlines: Deadlines,
    today: date,
    calendar_of: CalendarOf,
    *,
    partnerships: list[str] | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    by_partnership: bool = False,
    period: Period = Period.ALL,
) -> list[Statistics]:
    """``grouped`` counted from the tracker's and deadlines' rows (any range of days)."""
    where = Where()
    if partnerships is not None:
        where.any_of("t.partnership", partnerships)
    where.between("t.received_on", received_from, received_to)
    who = "t.partnership" if by_partnership else "''"
    key = f"{who}, {_PERIOD_SQL[period]}"
    groups: dict[tuple[str, str], dict[str, Any]] = {}

    def group(p: str, q: str) -> dict[str, Any]:
        found = groups.get((p, q))
        if found is None:
            found = groups[(p, q)] = _new_group()
        return found

    c.execute(
        f"SELECT {key}, t.stage, t.kind, t.recommendation, t.decision, COUNT(*) "  # noqa: S608
        f"FROM {tracker.table} t {where.sql()} GROUP BY 1, 2, 3, 4, 5, 6",
        where.params,
    )
    for p, q, stage, kind, recommendation, decision, n in c.fetchall():
        _count_cases(group(p, q), stage, kind, recommendation, decision, n)
    if not groups:
        return []

    status, status_params = deadline_status_sql(today)
    c.execute(
        f"SELECT {key}, d.clock, {status}, COUNT(*) FROM {deadlines.table} d "  # noqa: S608
        f"JOIN {tracker.table} t ON t.case_id = d.stream_id {where.sql()} GROUP BY 1, 2, 3, 4",
        [*status_params, *where.params],
    )
    for p, q, clock, state, n in c.fetchall():
        counts = group(p, q)["timeliness"].setdefault(clock, Counter())
        counts[state] += n
    # a review's clocks (publication, its actions): in the period of the day they started
    reviews = Where()
    if partnerships is not None:
        reviews.any_of("d.partnership", partnerships)
    reviews.between("d.started_on", received_from, received_to)
    reviews.add("t.case_id IS NULL")
    review_key = key.replace("t.received_on", "d.started_on").replace(
        "t.partnership", "d.partnership"
    )
    c.execute(
        f"SELECT {review_key}, d.clock, {status}, COUNT(*) FROM {deadlines.table} d "  # noqa: S608
        f"LEFT JOIN {tracker.table} t ON t.case_id = d.stream_id {reviews.sql()} "
        "GROUP BY 1, 2, 3, 4",
        [*status_params, *reviews.params],
    )
    for p, q, clock, state, n in c.fetchall():
        if (p, q) in groups:  # a group of the cases in scope
            counts = groups[(p, q)]["timeliness"].setdefault(clock, Counter())
            counts[state] += n

    c.execute(
        f"SELECT {key}, t.partnership, t.received_on, t.decided_on, t.notified_on, "  # noqa: S608
        "t.submitted_on "
        f"FROM {tracker.table} t {where.sql()}"
        f"{' AND' if where.clauses else ' WHERE'} "
        "(t.decided_on IS NOT NULL OR t.submitted_on IS NOT NULL)",
        where.params,
    )
    for p, q, partnership, received, decided, notified, submitted in c.fetchall():
        g = group(p, q)
        days = calendar_of(partnership).working_days_between
        if decided:
            g["to_decision"][days(date.fromisoformat(received), date.fromisoformat(decided))] += 1
        if notified and submitted:
            g["to_submission"][
                days(date.fromisoformat(notified), date.fromisoformat(submitted))
            ] += 1

    return _statistics(groups, by_partnership=by_partnership, period=period)
