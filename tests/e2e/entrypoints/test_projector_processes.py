"""Projector processes: on PostgreSQL one leads, the other stands by and takes over."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from application.generate import generate
from application.service import Safeguarding
from application.settings import Settings
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from tests.support.processes import eventually, tracker_process
from tests.support.readmodels import TABLES, table_rows

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("backend", ["postgres"], indirect=True)]


def start(store: dict[str, Any], log: Path) -> subprocess.Popen[bytes]:
    return tracker_process(["project", "--quiet", "--poll", "0.1"], store, log)


def test_one_projector_leads_and_the_other_takes_over_when_it_dies(
    store: dict[str, Any], make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    tracker = Safeguarding(make_settings())
    generate(tracker, 20, seed=1)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start(store, logs[0])]
    eventually(lambda: "leading" in logs[0].read_text(), "the first projector to lead")
    procs.append(start(store, logs[1]))
    eventually(lambda: "standing by" in logs[1].read_text(), "the second to stand by")

    reader = Projector(tracker, ReadStore(tracker.settings), read_models(tracker))
    end = tracker.recorder.max_notification_id() or 0
    eventually(lambda: set(reader.positions().values()) == {end}, "the leader to catch up")

    procs[0].send_signal(signal.SIGKILL)  # the leader dies mid-stream
    procs[0].wait(timeout=30)
    generate(tracker, 10, seed=2)
    end = tracker.recorder.max_notification_id() or 0

    eventually(lambda: "leading" in logs[1].read_text(), "the standby to take over")
    eventually(lambda: set(reader.positions().values()) == {end}, "the new leader to catch up")
    rebuilt = Projector(tracker, reader.store, read_models(tracker, "rm_re_"))
    rebuilt.setup()
    rebuilt.catch_up()
    with reader.store.transaction() as c:
        for table in TABLES:
            # nothing lost, nothing doubled: the same rows as a clean build
            assert table_rows(c, f"rm_{table}") == table_rows(c, f"rm_re_{table}"), table
    procs[1].terminate()
    procs[1].wait(timeout=30)
    reader.store.close()
    tracker.close()
