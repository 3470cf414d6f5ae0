"""The ``tracker`` console script, run as a user would, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from application import migrations
from application.generate import generate
from application.integrity import verify_all
from application.service import Safeguarding
from application.settings import Settings
from entrypoints.cli import build_parser
from tests.conftest import TEST_KEY
from tests.support.graph import free_port
from tests.support.processes import eventually, tracker_cli, tracker_env, tracker_process
from tests.support.tamper import delete_event


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
    assert "review_publication" in summary.stdout  # the reviews' clocks too


def test_verify_exits_non_zero_and_names_the_broken_stream(
    store: dict[str, Any], make_settings: Callable[..., Settings]
) -> None:
    app = Safeguarding(make_settings())
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
    app = Safeguarding(make_settings())
    stats = generate(app, 120, seed=42)
    assert stats.refused == 0
    assert stats.cases == 120
    assert stats.reviews > 0
    # a plausible mix: most cases well along, a few disputes, some clocks late
    assert len(stats.by_stage) >= 5
    assert all(r.ok for r in verify_all(app))
    app.close()

    again = Safeguarding(
        Settings(
            _env_file=None,
            sqlite_path=tmp_path / "again.sqlite",
            encryption_key_file=tmp_path / "again-key.txt",
        )
    )
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
    app = Safeguarding(make_settings())
    generate(app, 5, seed=1)
    victim = next(r for r in verify_all(app) if r.events_checked >= 3)
    app.close()
    assert tracker_cli(store, "project", "--once", "--quiet").returncode == 0
    app = Safeguarding(make_settings())
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


def _commands() -> list[tuple[list[str], str]]:
    """Every command and subcommand of ``tracker`` with the description it gives."""
    found: list[tuple[list[str], str]] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        found.append((path, parser.description or ""))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*path, name])

    walk(build_parser(), [])
    return found


COMMANDS = _commands()


def test_every_command_is_reachable_from_help() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"serve", "project", "schedule", "rebuild", "verify", "generate"} <= names
    assert {"keys create", "keys list", "keys revoke", "config check", "keygen"} <= names


@pytest.mark.parametrize(
    ("path", "description"), COMMANDS, ids=["-".join(path) or "tracker" for path, _ in COMMANDS]
)
def test_help_describes_every_command(path: list[str], description: str) -> None:
    helped = tracker_cli({}, *path, "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: tracker {' '.join(path)}".rstrip())
    assert len(description) > 20
    first_words = " ".join(description.split()[:6])
    assert first_words in " ".join(helped.stdout.split())


def config_check(store: dict[str, Any], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "config", "check"],
        env=tracker_env(store, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_config_check_passes_on_the_test_store_and_hides_secrets(store: dict[str, Any]) -> None:
    checked = config_check(store, TRACKER_ENCRYPTION_KEY=TEST_KEY, TRACKER_SMTP_PASSWORD="s3cr3t")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.rstrip().endswith("config check: fine")
    assert "ok     database: " in checked.stdout
    assert "ok     partnerships: 4 (BHR, LEW, BEX, HIL)" in checked.stdout
    # the shipped file names no one the notification rules tell: a note, not a failure
    assert "note   partnership LEW names no recipients for local_authority, police" in (
        checked.stdout
    )
    assert f"TRACKER_DATABASE={store['database']}" in checked.stdout
    assert "TRACKER_ENCRYPTION_KEY=(set, hidden)" in checked.stdout
    assert TEST_KEY not in checked.stdout
    assert "s3cr3t" not in checked.stdout
    if store.get("postgres_password"):
        assert str(store["postgres_password"]) not in checked.stdout


def test_config_check_notes_a_store_behind_the_migrations_and_changes_nothing(
    store: dict[str, Any], tmp_path: Path
) -> None:
    behind = config_check(store, TRACKER_ENCRYPTION_KEY=TEST_KEY)
    assert behind.returncode == 0, behind.stdout + behind.stderr  # a note, not a failure
    assert (
        "note   the tables beside the events are at revision none, the newest is "
        f"{migrations.HEAD}: `tracker migrate` (or any service, at start) applies the rest"
    ) in behind.stdout
    assert tracker_cli(store, "migrate", "--check", cwd=tmp_path).returncode == 1  # read only

    assert tracker_cli(store, "migrate", cwd=tmp_path).returncode == 0
    current = config_check(store, TRACKER_ENCRYPTION_KEY=TEST_KEY)
    assert current.returncode == 0, current.stdout + current.stderr
    assert "the tables beside the events are at revision" not in current.stdout


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_config_check_names_every_problem_of_production_without_its_secrets(
    store: dict[str, Any],
) -> None:
    checked = config_check(store, TRACKER_ENV="production")

    assert checked.returncode == 1
    out = checked.stdout
    assert "FAIL   production requires TRACKER_ENCRYPTION_KEY" in out
    assert "FAIL   production runs on PostgreSQL (TRACKER_DATABASE=postgres)" in out
    assert "FAIL   production requires TRACKER_POSTGRES_PASSWORD" in out
    assert out.rstrip().endswith("config check: 3 problems")
    assert "TRACKER_ENV=production" in out  # what was read is still shown


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_config_check_refuses_a_bad_key_and_a_bad_partnerships_file(
    store: dict[str, Any], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "partnerships.toml"
    checked = config_check(store, TRACKER_PARTNERSHIPS_FILE=str(missing))
    assert checked.returncode == 1
    assert f"FAIL   partnerships file not found: {missing}" in checked.stdout

    broken = tmp_path / "broken.toml"
    broken.write_text("[partnerships.LEW]\nname = 'Lewisham'\n")
    checked = config_check(store, TRACKER_PARTNERSHIPS_FILE=str(broken))
    assert checked.returncode == 1
    assert f"FAIL   partnerships file {broken}: LEW: local_authorities" in checked.stdout

    checked = config_check(store, TRACKER_ENCRYPTION_KEY="not a key")
    assert checked.returncode == 1
    assert "FAIL   TRACKER_ENCRYPTION_KEY is not valid base64" in checked.stdout
    assert "not a key" not in checked.stdout


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_config_check_says_when_the_database_cannot_be_reached(store: dict[str, Any]) -> None:
    checked = config_check(store, TRACKER_DATABASE="postgres", TRACKER_POSTGRES_PORT="1")

    assert checked.returncode == 1
    assert "FAIL   database: cannot connect to PostgreSQL" in checked.stdout


def test_keys_are_created_listed_and_revoked_from_the_command_line(store: dict[str, Any]) -> None:
    made = tracker_cli(
        store, "keys", "create", "--principal", "mash-lew", "--role", "agency",
        "--agency", "Lewisham MASH", "--partnership", "LEW", "--label", "MASH system",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    key_id = made.stdout.split("key id ", 1)[1].split()[0]
    listed = tracker_cli(store, "keys", "list")
    assert f"{key_id}  active" in listed.stdout
    assert "mash-lew" in listed.stdout
    revoked = tracker_cli(store, "keys", "revoke", key_id, "--reason", "system retired")
    assert revoked.returncode == 0, revoked.stderr
    assert f"{key_id}  revoked" in tracker_cli(store, "keys", "list").stdout
    # the scheduler's own role is no key's
    system = tracker_cli(
        store, "keys", "create", "--principal", "x", "--role", "system", "--partnership", "LEW"
    )
    assert system.returncode == 2
    assert "invalid choice" in system.stderr


def test_rebuild_replays_every_read_model_and_refuses_an_unknown_one(
    store: dict[str, Any],
) -> None:
    assert tracker_cli(store, "generate", "15", "--seed", "5", "--quiet").returncode == 0
    assert tracker_cli(store, "project", "--once", "--quiet").returncode == 0
    rebuilt = tracker_cli(store, "rebuild", "--all", "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "rebuilt timeline, tracker, deadlines, reviews up to position" in rebuilt.stdout
    unknown = tracker_cli(store, "rebuild", "trackers")
    assert unknown.returncode == 2
    assert "no read model 'trackers'" in unknown.stderr


def test_serve_answers_health_and_readiness_and_logs_json_lines(
    store: dict[str, Any], tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    server = tracker_process(
        ["serve", "--port", str(port)],
        store,
        log,
        TRACKER_PROJECTOR_IN_PROCESS="true",  # readiness needs built read models
        TRACKER_SCHEDULER_IN_API="false",
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def answers(path: str, status: int) -> bool:
            try:
                return httpx.get(base + path, timeout=2).status_code == status
            except httpx.HTTPError:
                return False

        eventually(lambda: answers("/healthz", 200), "the server to start")
        eventually(lambda: answers("/readyz", 200), "the read models to be built")
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(json.loads(line))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_control_character_in_an_argument_is_refused_before_anything_runs(
    store: dict[str, Any],
) -> None:
    made = tracker_cli(store, "keys", "create", "--principal", "mash\x1blew", "--role", "agency")
    assert made.returncode == 2
    assert "--principal contains the control character U+001B" in made.stderr
    listed = tracker_cli(store, "keys", "list")
    assert "mash" not in listed.stdout


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_serve_refuses_several_workers_on_sqlite_with_a_clear_message(
    store: dict[str, Any],
) -> None:
    refused = tracker_cli(store, "serve", "--workers", "2", "--port", str(free_port()))
    assert refused.returncode == 2
    assert "refused: --workers 2 on SQLite" in refused.stderr
    assert "PostgreSQL" in refused.stderr
