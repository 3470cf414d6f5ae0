"""Statistics over the tracker and deadlines read models, for the day asked."""

from __future__ import annotations

from datetime import date
from typing import Any

from application.generate import generate
from application.service import Safeguarding
from projections import read_models, statistics
from projections.deadlines import Deadlines
from projections.store import ReadStore
from projections.tracker import CaseTracker
from tests.support.clock import FakeClock
from tests.support.readmodels import projector
from tests.support.scenario import refer, walk_to_panel_response


def test_statistics_count_cases_and_timeliness_for_the_day_asked(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 3, 24))
    refer(tracker, clock, received=date(2027, 3, 24))
    models = read_models(tracker)
    projector(tracker, read_store, *models).catch_up()
    case_tracker, deadlines = models[1], models[2]
    assert isinstance(case_tracker, CaseTracker)
    assert isinstance(deadlines, Deadlines)

    with read_store.transaction() as c:
        result = statistics.compute(
            c, case_tracker, deadlines, date(2027, 4, 6), tracker.calendar_of, partnership="LEW"
        )
        only_2027 = statistics.compute(
            c,
            case_tracker,
            deadlines,
            date(2027, 4, 6),
            tracker.calendar_of,
            received_from=date(2027, 1, 1),
        )

    assert result.cases == 2
    assert result.by_stage == {"panel_responded": 1, "referred": 1}
    assert result.by_decision == {"met": 1}
    assert result.by_recommendation == {"b_local_cspr": 1}
    assert result.timeliness["scoping_returned"] == {"met": 2, "met_late": 1}
    assert result.timeliness["partners_alerted"] == {"met": 1, "breached": 1}
    # received Wed 23 Dec, decided Wed 30 Dec: 3 working days (24, 29, 30 Dec)
    assert result.median_working_days_to_decision == 3.0
    # notified Thu 31 Dec, submitted Tue 19 Jan: 12 working days
    assert result.median_working_days_to_submission == 12.0
    assert only_2027.cases == 1


def test_timeliness_counts_the_reviews_clocks_too(
    tracker: Safeguarding, read_store: ReadStore
) -> None:
    """A review's publication clock and its actions' clocks (its stream is no case) count
    in the period and partnership of the day they started."""
    generate(tracker, 60, seed=7, batch=10)
    models = read_models(tracker)
    projector(tracker, read_store, *models).catch_up()
    case_tracker, deadlines = models[1], models[2]
    assert isinstance(case_tracker, CaseTracker)
    assert isinstance(deadlines, Deadlines)
    today = tracker.today()
    with read_store.transaction() as c:
        c.execute(
            f"SELECT d.clock, COUNT(*) FROM {deadlines.table} d "
            f"LEFT JOIN {case_tracker.table} t ON t.case_id = d.stream_id "
            "WHERE t.case_id IS NULL GROUP BY d.clock"
        )
        of_reviews = dict(c.fetchall())
        result = statistics.compute(c, case_tracker, deadlines, today, tracker.calendar_of)
    assert of_reviews.get("review_publication", 0) > 0  # the generator commissions reviews
    for clock, n in of_reviews.items():
        assert clock in result.timeliness
        if clock == "review_publication":  # no case has this clock: all of it is the reviews'
            assert sum(result.timeliness[clock].values()) == n


def test_whole_months_are_counted_from_the_kept_tallies_exactly_as_from_the_rows(
    tracker: Safeguarding, read_store: ReadStore
) -> None:
    """A year, a quarter or all time is read from what the models keep counted by month
    (a few rows a month, whatever the number of cases); the answer is the one the rows
    give, for any day asked (open clocks still decided that day)."""
    generate(tracker, 90, seed=21)
    models = read_models(tracker)
    projector(tracker, read_store, *models).catch_up(7)  # small batches: rows replaced
    case_tracker, deadlines = models[1], models[2]
    assert isinstance(case_tracker, CaseTracker)
    assert isinstance(deadlines, Deadlines)
    today = tracker.today()
    asked = 0
    with read_store.transaction() as c:
        for day in (today, date(today.year - 1, 6, 30)):
            for period in statistics.Period:
                for by_partnership in (False, True):
                    for start, end in (
                        (None, None),
                        (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
                        (date(today.year, 1, 1), None),
                    ):
                        asked += 1
                        ask: dict[str, Any] = {
                            "partnerships": None if by_partnership else ["LEW", "BHR"],
                            "received_from": start,
                            "received_to": end,
                            "by_partnership": by_partnership,
                            "period": period,
                        }
                        kept = statistics.from_tallies(c, case_tracker, deadlines, day, **ask)
                        counted = statistics.from_rows(
                            c, case_tracker, deadlines, day, tracker.calendar_of, **ask
                        )
                        assert kept == counted, ask
                        assert kept  # something in each
    assert asked == 48


def test_the_median_of_a_histogram_is_the_median_of_its_values() -> None:
    import statistics as stats
    from collections import Counter

    for values in ([3], [1, 2], [5, 1, 1], [2, 2, 9, 9], [0, 4, 4, 4, 7, 30], list(range(11))):
        assert statistics._histogram_median(Counter(values)) == float(stats.median(values))
    assert statistics._histogram_median(Counter()) is None
