"""``tracker migrate`` as an operator runs it: ``--check`` says whether the store lacks a
revision; processes starting together on one fresh store take turns (one migrates, the
others find it done); the services migrate at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from application import migrations
from tests.support.processes import tracker_cli, tracker_env


def test_check_then_migrate_then_check(store: dict[str, Any], tmp_path: Path) -> None:
    behind = tracker_cli(store, "migrate", "--check", cwd=tmp_path)
    assert behind.returncode == 1, behind.stderr
    assert f"behind: at revision none, the newest is {migrations.HEAD}" in behind.stderr

    done = tracker_cli(store, "migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"migrated from revision none to {migrations.HEAD}" in done.stdout

    again = tracker_cli(store, "migrate", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stdout
    check = tracker_cli(store, "migrate", "--check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert f"at revision {migrations.HEAD} (the newest)" in check.stdout


def test_processes_migrating_one_fresh_store_at_once_take_turns(
    store: dict[str, Any], tmp_path: Path
) -> None:
    # the first run makes the encryption key (and migrates nothing); the racers share it
    assert tracker_cli(store, "migrate", "--check", cwd=tmp_path).returncode == 1
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "migrate"],
            env=tracker_env(store),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [r.communicate(timeout=120) for r in racers]
    assert [r.returncode for r in racers] == [0, 0, 0], [err for _, err in outputs]
    said = [out for out, _ in outputs]
    # exactly one applied the revisions; the others waited for it and found them applied
    assert sum(f"migrated from revision none to {migrations.HEAD}" in s for s in said) == 1, said
    assert sum("nothing to do" in s for s in said) == 2, said


def test_the_projector_migrates_a_fresh_store_at_start(
    store: dict[str, Any], tmp_path: Path
) -> None:
    started = tracker_cli(store, "project", "--once", "--quiet", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert f"migrated from revision none to {migrations.HEAD}" in started.stdout
    check = tracker_cli(store, "migrate", "--check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
