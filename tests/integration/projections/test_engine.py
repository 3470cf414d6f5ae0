"""The projection engine: each event projected exactly once, in batches; a projection killed
mid-batch resumes; a changed version rebuilds out of readers' sight; a read waits for its
own write."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from application.service import Safeguarding
from projections.decoding import Applied
from projections.engine import Projector
from projections.store import Cursor, ReadStore
from projections.timeline import Timeline
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME, MOTHER_NAME
from tests.support.readmodels import projector
from tests.support.scenario import AGENCIES, walk_to_panel_response


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


class Killed(BaseException):
    """The process dying (a signal, the power): not an error a model could set aside."""


class CrashingTimeline(Timeline):
    """Dies half-way through its third batch, after writing some rows."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None:
        self.calls += 1
        if self.calls == 3:
            super().apply(c, batch[:2])
            raise Killed("killed")
        super().apply(c, batch)


def test_a_projection_killed_mid_batch_resumes_and_ends_identical_to_a_clean_build(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    walk_to_panel_response(tracker, clock)
    crashing = projector(tracker, read_store, CrashingTimeline())
    with pytest.raises(Killed, match="killed"):
        crashing.catch_up(batch_size=5)
    assert crashing.positions() == {"timeline": 10}  # the end of the last committed batch

    resumed = projector(tracker, read_store, Timeline())
    resumed.catch_up(batch_size=5)
    clean = projector(tracker, read_store, Timeline("rm_check_"))
    clean.catch_up(batch_size=1000)

    with read_store.transaction() as c:
        assert Timeline().rows(c) == Timeline("rm_check_").rows(c)
        assert len(Timeline().rows(c)) == 24


class FailingTimeline(Timeline):
    """Cannot write the rows of the event at one position (as PostgreSQL refuses a NUL)."""

    def __init__(self, poison: int) -> None:
        super().__init__()
        self.poison = poison

    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None:
        if any(a.position == self.poison for a in batch):
            raise ValueError("text fields cannot contain NUL")
        super().apply(c, batch)


def test_an_event_a_model_cannot_write_is_quarantined_and_the_model_goes_on(
    tracker: Safeguarding, clock: FakeClock, read_store: ReadStore
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    [poison] = [
        n
        for n in tracker.recorder.select_notifications(start=1, limit=100)
        if n.originator_id == case_id and n.originator_version == 7
    ]
    failing = projector(tracker, read_store, FailingTimeline(poison=poison.id))

    failing.catch_up(batch_size=5)

    assert failing.positions() == {"timeline": tracker.recorder.max_notification_id()}
    [q] = failing.quarantined()
    assert (q.model, q.position, q.stream, q.stream_version) == (
        "timeline",
        poison.id,
        str(case_id),
        7,
    )
    assert q.error == "ValueError: text fields cannot contain NUL"
    with read_store.transaction() as c:
        assert [r[2] for r in Timeline().rows(c)] == [v for v in range(1, 25) if v != 7]
    assert failing.quarantine_counts() == {"timeline": 1}


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


def test_processes_setting_up_the_read_models_at_once_take_turns(tracker: Safeguarding) -> None:
    import threading

    from projections import read_models

    stores = [ReadStore(tracker.settings) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores))

    def set_up(store: ReadStore) -> None:
        start.wait()
        try:
            Projector(tracker, store, read_models(tracker)).setup()
        except BaseException as e:  # every failure is the finding
            errors.append(e)

    threads = [threading.Thread(target=set_up, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for s in stores:
        s.close()
    # each made the tables or found them made; none failed on another's half-made type
    assert errors == []
    reader = Projector(tracker, ReadStore(tracker.settings), read_models(tracker))
    assert set(reader.positions().values()) == {0}
    reader.store.close()
