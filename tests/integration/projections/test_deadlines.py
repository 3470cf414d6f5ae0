"""The deadlines read model answers for any day as the domain's clocks do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from application.acts import AlertPartners, CommissionReview, DeferPublication
from application.service import Safeguarding
from projections.deadlines import Deadlines
from projections.store import ReadStore
from tests.support.clock import FakeClock
from tests.support.people import STAFF, ctx
from tests.support.readmodels import projector
from tests.support.scenario import refer, walk_to_panel_response


def as_tuples(clocks: Sequence[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            c.name.value if hasattr(c, "name") else c.clock,
            c.subject,
            c.due_on,
            c.stopped_on,
            c.status if isinstance(c.status, str) else c.status.value,
            c.working_days_late,
        )
        for c in clocks
    )


def test_deadlines_answer_for_any_day_exactly_as_the_domains_clocks_do(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    # the seed walk across Christmas 2026, and a case referred before Easter 2027, left open
    walked = walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 3, 24))
    easter = refer(tracker, clock, received=date(2027, 3, 24))
    tracker.execute(
        ctx(), AlertPartners(case_id=easter, on=date(2027, 3, 24), recipients=["police"])
    )
    # a review whose publication is deferred and not yet resumed
    clock.set_day(date(2027, 2, 10))
    review = tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[walked]
        ),
    ).id
    clock.set_day(date(2027, 3, 1))
    tracker.execute(ctx(), DeferPublication(review_id=review, on=date(2027, 3, 1), reason="Trial"))
    deadlines = Deadlines(tracker)
    projector(tracker, read_store, deadlines).catch_up(batch_size=10)

    for today in (
        date(2026, 12, 24),
        date(2027, 1, 4),
        date(2027, 3, 31),
        date(2027, 4, 6),
        date(2027, 9, 1),
    ):
        with read_store.transaction() as c:
            for case_id in (walked, easter):
                read = deadlines.query(c, today, tracker.calendar_of, stream_id=str(case_id))
                assert as_tuples(read) == as_tuples(tracker.case_clocks(STAFF, case_id, today)), (
                    today
                )
            read = deadlines.query(c, today, tracker.calendar_of, stream_id=str(review))
            assert as_tuples(read) == as_tuples(tracker.review_clocks(STAFF, review, today)), today

    with read_store.transaction() as c:
        easter_rows = deadlines.query(
            c, date(2027, 4, 6), tracker.calendar_of, stream_id=str(easter)
        )
    statuses = {d.clock: (d.status, d.working_days_late) for d in easter_rows}
    # the decision was due Fri 2 Apr (Good Friday 26 and Easter Monday 29 Mar skipped);
    # on Tue 6 Apr it is 2 working days late
    assert statuses["criteria_decision"] == ("breached", 2)
    assert statuses["partners_alerted"] == ("met", 0)
