"""Read models projected exactly once from the log (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from functools import partial
from typing import Any

import pytest

from application.acts import (
    AgreeAction,
    AlertPartners,
    CommissionReview,
    CompleteAction,
    DeferPublication,
)
from application.generate import generate
from application.service import Safeguarding
from projections import read_models, statistics
from projections.deadlines import Deadlines
from projections.decoding import Applied
from projections.engine import Projector
from projections.reviews import Reviews
from projections.store import Cursor, ReadStore
from projections.timeline import Timeline
from projections.tracker import CaseTracker
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME, MOTHER_NAME, STAFF, ctx
from tests.support.readmodels import TABLES, table_rows
from tests.support.scenario import AGENCIES, refer, walk_to_panel_response


@pytest.fixture
def read_store(tracker: Safeguarding) -> Iterator[ReadStore]:
    rs = ReadStore(tracker.settings)
    yield rs
    rs.close()


def projector(tracker: Safeguarding, store: ReadStore, *models: Any) -> Projector:
    p = Projector(tracker, store, list(models) or [Timeline()])
    p.setup()
    return p


def test_the_timeline_has_one_row_per_event_of_the_seed_walk(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    p = projector(tracker, read_store)

    read = p.catch_up(batch_size=7)

    assert read == tracker.recorder.max_notification_id()
    with read_store.transaction() as c:
        rows = Timeline().rows(c, str(case_id))
    events = list(tracker.events.get(case_id))
    assert [r[2] for r in rows] == list(range(1, 25))
    assert [r[3] for r in rows] == [type(e).__name__ for e in events]
    assert [r[10] for r in rows] == [e.hash for e in events]  # type: ignore[attr-defined]
    assert rows[0][11] == "Serious incident referred"
    assert rows[13][11] == f"Scoping returned (agency={AGENCIES[0]})"
    assert all(CHILD_NAME not in r[11] and MOTHER_NAME not in r[11] for r in rows)
    assert p.lag() == {"timeline": 0}


class CrashingTimeline(Timeline):
    """Dies half-way through its third batch, after writing some rows."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None:
        self.calls += 1
        if self.calls == 3:
            super().apply(c, batch[:2])
            raise RuntimeError("killed")
        super().apply(c, batch)


def test_a_projection_killed_mid_batch_resumes_and_ends_identical_to_a_clean_build(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    walk_to_panel_response(tracker, clock)
    crashing = projector(tracker, read_store, CrashingTimeline())
    with pytest.raises(RuntimeError, match="killed"):
        crashing.catch_up(batch_size=5)
    assert crashing.positions() == {"timeline": 10}  # the end of the last committed batch

    resumed = projector(tracker, read_store, Timeline())
    resumed.catch_up(batch_size=5)
    clean = projector(tracker, read_store, Timeline("rm_check_"))
    clean.catch_up(batch_size=1000)

    with read_store.transaction() as c:
        assert Timeline().rows(c) == Timeline("rm_check_").rows(c)
        assert len(Timeline().rows(c)) == 24


def test_a_changed_projection_version_rebuilds_itself_and_readers_never_see_it_half_built(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    walk_to_panel_response(tracker, clock)
    projector(tracker, read_store).catch_up()
    seen_while_building: list[int] = []

    class TimelineV2(Timeline):
        version = 2

        def apply(self, c: Cursor, batch: Sequence[Applied]) -> None:
            c.execute("SELECT COUNT(*) FROM rm_timeline")  # what a reader sees meanwhile
            seen_while_building.append(int(c.fetchone()[0]))
            super().apply(c, batch)

    again = Projector(tracker, read_store, [TimelineV2()], factory=lambda p: [TimelineV2(p)])
    again.setup()

    end = tracker.recorder.max_notification_id()
    assert again.positions() == {"timeline": end}
    assert seen_while_building
    assert set(seen_while_building) == {24}
    with read_store.transaction() as c:
        assert len(TimelineV2().rows(c)) == 24
        c.execute("SELECT version FROM rm_tracking WHERE name = 'timeline'")
        assert int(c.fetchone()[0]) == 2
        c.execute("SELECT COUNT(*) FROM rm_tracking WHERE name = 'next_timeline'")
        assert int(c.fetchone()[0]) == 0


def test_rebuild_all_replaces_every_model_with_an_identical_one(
    tracker: Safeguarding, read_store: ReadStore
) -> None:
    generate(tracker, 30, seed=5, batch=5)
    p = Projector(
        tracker, read_store, read_models(tracker), factory=lambda x: read_models(tracker, x)
    )
    p.setup()
    p.catch_up(batch_size=50)
    with read_store.transaction() as c:
        before = {t: table_rows(c, f"rm_{t}") for t in TABLES}

    p.rebuild("timeline", batch_size=77)  # one alone...
    p.rebuild("tracker", "deadlines", "reviews", batch_size=77)  # ...and several in one pass

    with read_store.transaction() as c:
        after = {t: table_rows(c, f"rm_{t}") for t in before}
    assert after == before
    p.catch_up()  # and it follows on from where the rebuild ended
    assert set(p.lag().values()) == {0}


def test_a_read_can_wait_for_its_own_write(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    p = projector(tracker, read_store)
    case_id = walk_to_panel_response(tracker, clock)
    last = tracker.recorder.max_notification_id() or 0
    assert not p.wait(last, timeout=0.05)
    assert p.lag()["timeline"] == last

    p.catch_up()

    assert p.wait(last, timeout=0.05)
    with read_store.transaction() as c:
        assert len(Timeline().rows(c, str(case_id))) == 24


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
                read = deadlines.query(c, today, tracker.calendar, stream_id=str(case_id))
                assert as_tuples(read) == as_tuples(tracker.case_clocks(STAFF, case_id, today)), (
                    today
                )
            read = deadlines.query(c, today, tracker.calendar, stream_id=str(review))
            assert as_tuples(read) == as_tuples(tracker.review_clocks(STAFF, review, today)), today

    with read_store.transaction() as c:
        easter_rows = deadlines.query(c, date(2027, 4, 6), tracker.calendar, stream_id=str(easter))
    statuses = {d.clock: (d.status, d.working_days_late) for d in easter_rows}
    # the decision was due Fri 2 Apr (Good Friday 26 and Easter Monday 29 Mar skipped);
    # on Tue 6 Apr it is 2 working days late
    assert statuses["criteria_decision"] == ("breached", 2)
    assert statuses["partners_alerted"] == ("met", 0)


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
    assert (done.next_clock, done.overdue, done.version) == (None, 0, 24)
    assert (done.age_band, done.incident_kind, done.looked_after) == ("5-9", "serious_harm", False)
    assert (open_.reference, open_.stage) == ("LEW-2027-0001", "partners_alerted")
    # criteria decision and panel notification, both due Fri 2 Apr 2027, are overdue by Tue 6 Apr
    assert (open_.next_clock, open_.next_due_on, open_.overdue) == (
        "criteria_decision",
        date(2027, 4, 2),
        2,
    )


def test_live_and_rebuilt_read_models_are_identical_after_the_generated_data_set(
    tracker: Safeguarding, read_store: ReadStore
) -> None:
    live = projector(tracker, read_store, *read_models(tracker))
    for seed in range(3):  # written in three sittings, projected as it arrives
        generate(tracker, 25, seed=seed, batch=5)
        live.run_once(batch_size=97)
    live.catch_up(batch_size=97)
    rebuilt = projector(tracker, read_store, *read_models(tracker, prefix="rm_re_"))
    rebuilt.catch_up(batch_size=5000)

    with read_store.transaction() as c:
        for table in TABLES:
            rows = table_rows(c, f"rm_{table}")
            assert rows, table
            assert rows == table_rows(c, f"rm_re_{table}"), table
    assert set(live.lag().values()) == {0}


def test_reviews_and_actions_with_overdue_actions_by_owner(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 2, 10))
    review = tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[case_id]
        ),
    ).id
    for owner, due in (("Police", date(2027, 3, 1)), ("ICB", date(2027, 5, 1))):
        tracker.execute(
            ctx(),
            AgreeAction(
                review_id=review,
                on=date(2027, 2, 10),
                description="Act",
                owner_agency=owner,
                due_on=due,
            ),
        )
    clock.set_day(date(2027, 2, 20))
    tracker.execute(
        ctx(),
        CompleteAction(review_id=review, on=date(2027, 2, 20), action_id="A2", evidence="Done"),
    )
    model = Reviews(tracker)
    projector(tracker, read_store, model).catch_up()

    with read_store.transaction() as c:
        everything = model.actions(c, date(2027, 3, 2), partnership="LEW")
        overdue = model.actions(c, date(2027, 3, 2), overdue_only=True)
        police = model.actions(c, date(2027, 2, 28), owner_agency="Police")
    assert [(a.action_id, a.status) for a in everything] == [("A1", "overdue"), ("A2", "completed")]
    assert [(a.reference, a.owner_agency) for a in overdue] == [("LEW-R-2027-0001", "Police")]
    assert [a.status for a in police] == ["open"]


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
            c, case_tracker, deadlines, date(2027, 4, 6), tracker.calendar, partnership="LEW"
        )
        only_2027 = statistics.compute(
            c,
            case_tracker,
            deadlines,
            date(2027, 4, 6),
            tracker.calendar,
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


def test_a_rebuild_split_across_worker_processes_equals_the_live_models(
    tracker: Safeguarding, read_store: ReadStore
) -> None:
    generate(tracker, 40, seed=7, batch=5)
    p = Projector(tracker, read_store, read_models(tracker), factory=partial(read_models, tracker))
    p.setup()
    p.catch_up(batch_size=64)
    with read_store.transaction() as c:
        before = {t: table_rows(c, f"rm_{t}") for t in TABLES}

    # two processes on PostgreSQL, each replaying its half of the streams (one on SQLite)
    p.rebuild(*(m.base for m in p.models), batch_size=50, workers=2)

    with read_store.transaction() as c:
        assert {t: table_rows(c, f"rm_{t}") for t in TABLES} == before
    end = tracker.recorder.max_notification_id()
    assert set(p.positions().values()) == {end}
