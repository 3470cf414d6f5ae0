"""The ``tracker`` console script, run as a user would, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from application.app import Tracker
from application.generate import generate
from application.integrity import verify_all
from application.settings import Settings
from tests.support.processes import tracker_env
from tests.support.tamper import delete_event


def tracker_cli(store: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "application.cli", *args],
        env=tracker_env(store),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_generate_writes_cases_that_verify_and_summarise(store: dict[str, Any]) -> None:
    made = tracker_cli(store, "generate", "60", "--seed", "7", "--quiet")
    assert made.returncode == 0, made.stderr
    assert "wrote 60 cases" in made.stdout

    verified = tracker_cli(store, "verify", "--quiet")
    assert verified.returncode == 0, verified.stderr
    assert "all intact" in verified.stdout

    summary = tracker_cli(store, "summary")
    assert summary.returncode == 0, summary.stderr
    assert "Cases by partnership and stage" in summary.stdout
    assert "scoping_returned" in summary.stdout


def test_verify_exits_non_zero_and_names_the_broken_stream(
    store: dict[str, Any], make_settings: Callable[..., Settings]
) -> None:
    app = Tracker(make_settings())
    generate(app, 5, seed=1)
    victim = next(r.stream_id for r in verify_all(app) if r.events_checked >= 3)
    delete_event(app, victim, 2)
    app.close()

    verified = tracker_cli(store, "verify", "--quiet")

    assert verified.returncode == 1
    assert f"BROKEN {victim} at version 2" in verified.stdout


def test_generated_histories_obey_every_guard_and_are_reproducible(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    app = Tracker(make_settings())
    stats = generate(app, 120, seed=42)
    assert stats.refused == 0
    assert stats.cases == 120
    assert stats.reviews > 0
    # a plausible mix: most cases well along, a few disputes, some clocks late
    assert len(stats.by_stage) >= 5
    assert all(r.ok for r in verify_all(app))
    app.close()

    again = Tracker(Settings(_env_file=None, sqlite_path=tmp_path / "again.sqlite"))
    assert generate(again, 120, seed=42).by_stage == stats.by_stage
    again.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_keygen_prints_a_key_the_settings_accept(store: dict[str, Any]) -> None:
    made = tracker_cli(store, "keygen")
    key = made.stdout.strip()
    assert Settings(_env_file=None, encryption_key=key).encryption_key.get_secret_value() == key


def test_verify_reports_a_stream_whose_newest_events_were_removed(
    store: dict[str, Any], make_settings: Callable[..., Settings]
) -> None:
    """The chain alone cannot show a cut-off tail; the timeline read model remembers it."""
    app = Tracker(make_settings())
    generate(app, 5, seed=1)
    victim = next(r for r in verify_all(app) if r.events_checked >= 3)
    app.close()
    assert tracker_cli(store, "project", "--once", "--quiet").returncode == 0
    app = Tracker(make_settings())
    delete_event(app, victim.stream_id, victim.events_checked)  # the newest event
    app.close()

    verified = tracker_cli(store, "verify", "--quiet")

    assert verified.returncode == 1
    assert (
        f"BROKEN {victim.stream_id}: the store ends at version {victim.events_checked - 1} "
        f"but the timeline recorded version {victim.events_checked}"
    ) in verified.stdout


def test_schedule_once_records_the_breaches_of_stalled_cases_once(store: dict[str, Any]) -> None:
    assert tracker_cli(store, "generate", "40", "--seed", "3", "--quiet").returncode == 0
    first = tracker_cli(store, "schedule", "--once", "--quiet")
    assert first.returncode == 0, first.stderr
    recorded = int(first.stdout.split(" notices recorded")[0].rsplit(" ", 1)[1])
    assert recorded > 0  # three years of cases: some stalled past their clocks
    again = tracker_cli(store, "schedule", "--once", "--quiet")
    assert again.returncode == 0, again.stderr
    assert " 0 notices recorded" in again.stdout  # each breach once
    helped = tracker_cli(store, "schedule", "--help")
    assert helped.returncode == 0
    assert "one leader per database" in helped.stdout
