"""The tracker read model: one row per case with what the partnership tracks."""

from __future__ import annotations

from datetime import date

from application.acts import AgreeAction, AlertPartners, CommissionReview
from application.service import Safeguarding
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from projections.tracker import CaseTracker
from tests.support.clock import FakeClock
from tests.support.people import ctx
from tests.support.readmodels import TABLES, projector, table_rows
from tests.support.scenario import refer, walk_to_panel_response


def test_the_tracker_has_one_row_per_case_with_what_the_partnership_tracks(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    walked = walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 2, 10))
    tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[walked]
        ),
    )
    clock.set_day(date(2027, 3, 24))
    waiting = refer(tracker, clock, received=date(2027, 3, 24))
    tracker.execute(
        ctx(), AlertPartners(case_id=waiting, on=date(2027, 3, 24), recipients=["police"])
    )
    model = CaseTracker(tracker)
    projector(tracker, read_store, model).catch_up(batch_size=6)

    with read_store.transaction() as c:
        rows = {r.case_id: r for r in model.query(c, date(2027, 4, 6), partnership="LEW")}
        assert model.query(c, date(2027, 4, 6), partnership="HIL") == []

    done, open_ = rows[str(walked)], rows[str(waiting)]
    assert (done.reference, done.stage, done.status) == ("LEW-2026-0001", "panel_responded", "open")
    assert (done.decision, done.notified_on, done.submitted_on) == (
        "met",
        date(2026, 12, 31),
        date(2027, 1, 19),
    )
    assert (done.recommendation, done.panel_concurs, done.review_type) == (
        "b_local_cspr",
        True,
        "local_cspr",
    )
    # the walk never tells the referrer the outcome: that clock is still open, and overdue
    assert (done.next_clock, done.overdue, done.version) == ("referrer_informed", 1, 24)
    assert (done.age_band, done.incident_kind, done.looked_after) == ("5-9", "serious_harm", False)
    assert (open_.reference, open_.stage) == ("LEW-2027-0001", "partners_alerted")
    # the recommendation, the criteria decision and the panel notification, all due Fri 2 Apr
    # 2027, are overdue by Tue 6 Apr
    assert (open_.next_clock, open_.next_due_on, open_.overdue) == (
        "criteria_decision",
        date(2027, 4, 2),
        3,
    )


def test_a_cases_review_type_is_that_of_the_most_recently_commissioned_review_covering_it(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    live = Projector(
        tracker, read_store, read_models(tracker), factory=lambda x: read_models(tracker, x)
    )
    live.setup()
    model = live.models[1]
    assert isinstance(model, CaseTracker)

    def review_type() -> str | None:
        with read_store.transaction() as c:
            rows = {r.case_id: r for r in model.query(c, date(2027, 3, 1))}
        return rows[str(case_id)].review_type

    clock.set_day(date(2027, 2, 10))
    tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[case_id]
        ),
    )
    live.catch_up()
    assert review_type() == "local_cspr"
    # recorded later and touched last, but commissioned earlier: it does not win
    clock.set_day(date(2027, 2, 11))
    earlier = tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW",
            review_type="multi_agency_audit",
            on=date(2027, 2, 3),
            case_ids=[case_id],
        ),
    ).id
    tracker.execute(
        ctx(),
        AgreeAction(
            review_id=earlier,
            on=date(2027, 2, 11),
            description="Act",
            owner_agency="Police",
            due_on=date(2027, 5, 1),
        ),
    )
    live.catch_up()
    assert review_type() == "local_cspr"
    # a review commissioned later wins
    clock.set_day(date(2027, 2, 15))
    tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW",
            review_type="learning_review",
            on=date(2027, 2, 15),
            case_ids=[case_id],
        ),
    )
    live.catch_up(batch_size=1)
    assert review_type() == "learning_review"
    with read_store.transaction() as c:
        before = {t: table_rows(c, f"rm_{t}") for t in TABLES}

    live.rebuild(*(m.base for m in live.models))

    assert review_type() == "learning_review"
    with read_store.transaction() as c:
        assert {t: table_rows(c, f"rm_{t}") for t in TABLES} == before
