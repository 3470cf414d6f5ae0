"""Rebuilt read models are identical to the live ones: one model or several, in one process
or split across workers."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from application.generate import generate
from application.service import Safeguarding
from projections import read_models
from projections.engine import Projector
from projections.fold import Fold
from projections.store import ReadStore
from tests.support.readmodels import TABLES, projector, table_rows


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


def test_a_rebuild_holds_the_states_of_one_batch_of_streams_whatever_the_logs_length(
    tracker: Safeguarding, read_store: ReadStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log is read stream by stream: once the next stream begins, a stream's rows are
    written and its state dropped, so the fold never holds more than the streams of one
    batch (plus the one going on), on a log of any length."""
    generate(tracker, 60, seed=3, batch=5)
    p = Projector(
        tracker, read_store, read_models(tracker), factory=lambda x: read_models(tracker, x)
    )
    p.setup()
    p.catch_up(batch_size=100)
    with read_store.transaction() as c:
        before = {t: table_rows(c, f"rm_{t}") for t in TABLES}
    streams = len(before["tracker"]) + len(before["reviews"])
    held: list[int] = []
    advance = Fold.advance

    def watched(fold: Fold, batch: Any, **kwargs: Any) -> Any:
        touched = advance(fold, batch, **kwargs)
        held.append(len(fold.states()))
        assert len(fold.states()) <= len({a.event.originator_id for a in batch}) + 1
        return touched

    monkeypatch.setattr(Fold, "advance", watched)
    p.rebuild(*(m.base for m in p.models), batch_size=40, workers=1)

    assert held
    assert max(held) < streams / 4  # far fewer than every stream's state at once
    with read_store.transaction() as c:
        assert {t: table_rows(c, f"rm_{t}") for t in TABLES} == before
