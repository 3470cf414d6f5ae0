"""The one-round-trip PostgreSQL recorder still serialises appends with the table lock."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
import pytest
from psycopg import sql

from application.pgrecorder import OrderedInsertRecorder
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.postgres import conninfo, postgres_params
from tests.support.scenario import refer

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("backend", ["postgres"], indirect=True)]


def test_the_tracker_uses_the_ordered_insert_recorder(tracker: Safeguarding) -> None:
    assert isinstance(tracker.recorder, OrderedInsertRecorder)


def test_an_append_waits_while_another_transaction_holds_the_table_lock(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    tracker = make_tracker()
    recorder = tracker.recorder
    assert isinstance(recorder, OrderedInsertRecorder)
    params = {**postgres_params(), "dbname": tracker.settings.postgres_dbname}
    appended = threading.Event()
    with psycopg.connect(conninfo(params)) as holder:
        holder.execute(
            sql.SQL("LOCK TABLE {}.{} IN EXCLUSIVE MODE").format(
                sql.Identifier(recorder.datastore.schema),
                sql.Identifier(recorder.events_table_name),
            )
        )

        def append() -> None:
            refer(tracker, clock)
            appended.set()

        worker = threading.Thread(target=append)
        worker.start()
        assert not appended.wait(0.5), "the append did not wait for the lock"
        holder.commit()  # releases the lock
        worker.join(timeout=30)
    assert appended.is_set()
