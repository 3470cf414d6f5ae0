"""A ``tracker rebuild`` killed with SIGKILL leaves no worker writing into the fresh
tables, and a rebuild started at once drops what was left and ends with the same read
models (PostgreSQL: where a rebuild splits the streams across worker processes)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from application.generate import generate
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from tests.support.processes import tracker_cli, tracker_process
from tests.support.readmodels import TABLES, table_rows


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_killed_rebuild_leaves_no_worker_and_the_next_one_starts_cleanly(
    store: dict[str, Any], make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    app = Safeguarding(make_settings())
    generate(app, 120, seed=11, batch=10)
    projector = bootstrap.projector(app)
    projector.setup()
    projector.catch_up()
    with projector.store.transaction() as c:
        before = {t: table_rows(c, f"rm_{t}") for t in TABLES}

    rebuild = tracker_process(
        ["rebuild", "--all", "--workers", "3", "--quiet"], store, tmp_path / "rebuild.log"
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2:  # both workers started, writing into rm_next_*
        assert rebuild.poll() is None, (tmp_path / "rebuild.log").read_text()
        assert time.monotonic() < deadline, "the workers did not start"
        workers = _children(rebuild.pid)
        time.sleep(0.02)
    os.kill(rebuild.pid, signal.SIGKILL)
    rebuild.wait(timeout=10)

    gone_by = time.monotonic() + 5
    while any(_alive(w) for w in workers):
        assert time.monotonic() < gone_by, f"orphan rebuild workers still running: {workers}"
        time.sleep(0.05)

    again = tracker_cli(store, "rebuild", "--all", "--workers", "3", "--quiet")
    assert again.returncode == 0, again.stderr
    with projector.store.transaction() as c:
        assert {t: table_rows(c, f"rm_{t}") for t in TABLES} == before
    projector.store.close()
    app.close()
