"""An attacker with full database access cannot change what a signed checkpoint covers
unseen: `tracker verify --checkpoint FILE` reports each tampering with the first affected
position of the log, and exits 1 -- also after `tracker rebuild --all`, because it reads the
stored rows, never the read models.

Each test records three cases with the seed timetable's first week and some access-log
entries, has `tracker checkpoint` sign the log (the scrutineer keeps the note and the
public key it printed), then tampers as a database administrator would: flips a byte,
rewrites an event and recomputes every hash after it (the hash chain verifies), replaces
the newest event, deletes a case's newest events with their timeline rows, deletes a
whole stream, reorders two events, and edits and deletes access-log rows with the
append-only triggers disabled (dropped on SQLite, which cannot disable them).

The commands run as the console script runs them (``entrypoints.cli.main`` with the store
in ``TRACKER_*`` variables), in this process to keep the suite quick; the first two tests
run them as separate processes too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from application.access import AccessLog, entry
from application.integrity import verify_stream
from application.ledger.leaves import ACCESS, EVENT, LogTables, event_leaf, events_of_stream
from application.service import Safeguarding
from entrypoints import bootstrap
from entrypoints.cli import main
from tests.support.clock import FakeClock
from tests.support.people import SCRUTINEER
from tests.support.processes import tracker_cli
from tests.support.scenario import decide_met, refer
from tests.support.tamper import (
    delete_newest,
    delete_stream,
    flip_byte,
    rewrite_with_chain,
    run_sql,
    swap_versions,
    without_append_only_triggers,
)


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def log_store(
    store: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The test's store, with the signing key and known public keys in its own folder, as
    the ``TRACKER_*`` variables of this process (for the commands run in it)."""
    values = {
        **store,
        "checkpoint_key_file": tmp_path / "keys" / "checkpoint-signing.key",
        "checkpoint_public_keys_file": tmp_path / "keys" / "public-keys.txt",
        "compress": "false",
    }
    for name in [k for k in os.environ if k.startswith("TRACKER_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(f"TRACKER_{name.upper()}", str(value))
    monkeypatch.chdir(tmp_path)  # no .env of the checkout is read
    return values


@pytest.fixture
def cli(log_store: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """``tracker ARGS`` as the console script runs it, in this process."""

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


@pytest.fixture
def recorded(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> tuple[Safeguarding, list[UUID], list[int]]:
    """Three cases of seven events each, two access-log entries per case, read models built."""
    app = make_tracker(compress=False)
    cases = []
    for _ in range(3):
        case_id = refer(app, clock)
        decide_met(app, clock, case_id)
        cases.append(case_id)
    log = AccessLog(app.datastore)
    for case_id in cases:
        for operation in ("caseHistory", "case"):
            log.append(
                [
                    entry(
                        SCRUTINEER,
                        at=clock(),
                        partnership="LEW",
                        case_id=str(case_id),
                        reference="LEW-2026-0001",
                        fields=["child.name", "child.nhs_number"],
                        request_id=f"req-{operation}",
                        operation=operation,
                    )
                ]
            )
    projector = bootstrap.projector(app)
    projector.setup()
    projector.catch_up()
    projector.store.close()
    ids = [int(r["id"]) for r in run_sql(app, "SELECT id FROM {s}.access_log ORDER BY id")]
    return app, cases, ids


def sign(
    log_store: dict[str, Any], folder: Path, name: str = "checkpoint.txt", run: Any = None
) -> tuple[Path, str]:
    """`tracker checkpoint`: the note the scrutineer keeps, and the public key it printed
    on first use (or the one already known)."""
    made = (run or (lambda *a: tracker_cli(log_store, *a)))("checkpoint")
    assert made.returncode == 0, made.stderr
    note = folder / name
    note.write_text(made.stdout)
    keys = Path(log_store["checkpoint_public_keys_file"]).read_text().split()
    return note, keys[-1]


def verify(run: Any, note: Path, key: str) -> Any:
    return run("verify", "--quiet", "--checkpoint", str(note), "--key", key)


def event_position(app: Safeguarding, stream: UUID, version: int) -> int:
    tables = LogTables(app)
    [row] = [r for r in events_of_stream(tables, stream) if r.originator_version == version]
    return tables.positions_of(EVENT, [row.id])[row.id]


def access_position(app: Safeguarding, access_id: int) -> int:
    return LogTables(app).positions_of(ACCESS, [access_id])[access_id]


def assert_reported(
    run: Any, note: Path, key: str, position: int, *, rebuild_may_fail: bool = False
) -> None:
    """Reported with its first affected position, before and after a rebuild of every
    read model (``rebuild_may_fail``: the read models cannot fold what the attacker left,
    and the rebuild stops; the verdict does not depend on it either way)."""
    for attempt in ("as tampered", "after tracker rebuild --all"):
        verified = verify(run, note, key)
        assert verified.returncode == 1, (attempt, verified.stdout, verified.stderr)
        assert f"log BROKEN: first affected position {position}\n" in verified.stdout, (
            attempt,
            verified.stdout,
        )
        assert "BROKEN checkpoint" in verified.stdout
        if attempt == "as tampered":
            try:
                rebuilt = run("rebuild", "--all", "--quiet")
            except Exception:
                assert rebuild_may_fail
                continue
            assert rebuilt.returncode == 0 or rebuild_may_fail, rebuilt.stderr


def test_an_untouched_log_verifies_against_its_checkpoints_as_it_grows(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, clock: FakeClock
) -> None:
    app, _, _ = recorded
    proc = lambda *a: tracker_cli(log_store, *a)  # noqa: E731 - separate processes
    first, key = sign(log_store, tmp_path, "first.txt")
    assert (
        "First checkpoint: created the signing key"
        in tracker_cli(
            {**log_store, "checkpoint_key_file": tmp_path / "other.key"}, "checkpoint"
        ).stderr
    )
    decide_met(app, clock, refer(app, clock))  # seven events after the first checkpoint

    verified = verify(proc, first, key)
    assert verified.returncode == 0, verified.stdout
    assert "log intact against every checkpoint" in verified.stdout
    # the case's seven events and its reference counter's: not yet in a checkpoint
    assert "8 events and 0 access-log rows stored since the last leaf" in verified.stdout

    second, _ = sign(log_store, tmp_path, "second.txt")
    both = tmp_path / "both.txt"
    both.write_text(first.read_text() + "\n" + second.read_text())
    verified = verify(proc, both, key)
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.count(": consistent (a consistency proof of") >= 2


def test_a_checkpoint_signed_by_another_key_is_refused(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path
) -> None:
    proc = lambda *a: tracker_cli(log_store, *a)  # noqa: E731 - separate processes
    note, _ = sign(log_store, tmp_path)
    made = tracker_cli(log_store, "checkpoint", "--keygen")
    other = made.stderr.split()[-1]
    (tmp_path / "keys" / "public-keys.txt").write_text("")  # only the other key is known
    Path(log_store["checkpoint_key_file"]).unlink()

    verified = verify(proc, note, other)

    assert verified.returncode == 2
    assert "signed by no known key" in verified.stderr


def test_a_flipped_byte_in_a_stored_event_is_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, cases, _ = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    flip_byte(app, cases[1], 3)
    assert_reported(cli, note, key, event_position(app, cases[1], 3))
    # and as separate processes, as an operator runs them
    assert_reported(
        lambda *a: tracker_cli(log_store, *a), note, key, event_position(app, cases[1], 3)
    )


def test_an_event_rewritten_with_every_later_hash_recomputed_is_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, cases, _ = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    position = event_position(app, cases[0], 1)
    rewrite_with_chain(app, cases[0], 1, siblings_action="Nothing was done for the siblings.")
    assert verify_stream(app, cases[0]).ok  # the hash chain alone is fooled
    assert_reported(cli, note, key, position)


def test_a_replaced_newest_event_is_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, cases, _ = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    rewrite_with_chain(app, cases[2], 7, outcome="not_met", rationale="They disagreed.")
    assert verify_stream(app, cases[2]).ok
    assert_reported(cli, note, key, event_position(app, cases[2], 7))


def test_newest_events_deleted_with_their_read_model_rows_are_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, cases, _ = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    position = event_position(app, cases[1], 6)
    delete_newest(app, cases[1], 2)
    assert verify_stream(app, cases[1]).ok  # what is left still chains
    assert_reported(cli, note, key, position)


def test_a_deleted_stream_is_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, cases, _ = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    position = event_position(app, cases[0], 1)
    delete_stream(app, cases[0])
    assert_reported(cli, note, key, position)


def test_reordered_events_are_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, cases, _ = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    position = event_position(app, cases[2], 4)
    swap_versions(app, cases[2], 4, 5)
    assert_reported(cli, note, key, position, rebuild_may_fail=True)


def test_an_access_log_row_edited_with_its_triggers_disabled_is_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, _, access = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    without_append_only_triggers(
        app,
        "access_log",
        "UPDATE {s}.access_log SET principal_id = %s WHERE id = %s",
        ("someone-else", access[2]),
    )
    assert_reported(cli, note, key, access_position(app, access[2]))


def test_an_access_log_row_deleted_with_its_triggers_disabled_is_reported(
    log_store: dict[str, Any], recorded: Any, tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    app, _, access = recorded
    note, key = sign(log_store, tmp_path, run=cli)
    position = access_position(app, access[4])
    without_append_only_triggers(
        app, "access_log", "DELETE FROM {s}.access_log WHERE id = %s", (access[4],)
    )
    assert_reported(cli, note, key, position)


def test_an_attacker_who_also_rewrites_the_leaf_table_is_caught_between_two_checkpoints(
    log_store: dict[str, Any],
    recorded: Any,
    tmp_path: Path,
    clock: FakeClock,
    cli: Callable[..., Ran],
) -> None:
    """Knowing the log, the attacker recomputes the event's leaf too: the checkpoint still
    fails, and the damage lies after the last checkpoint that holds."""
    app, _, _ = recorded
    first, key = sign(log_store, tmp_path, "first.txt", run=cli)
    late = refer(app, clock)
    decide_met(app, clock, late)
    second, _ = sign(log_store, tmp_path, "second.txt", run=cli)
    rewrite_with_chain(app, late, 2, recipients=("police",))
    tables = LogTables(app)
    [row] = [r for r in events_of_stream(tables, late) if r.originator_version == 2]
    without_append_only_triggers(
        app,
        "log_leaves",
        "UPDATE {s}.log_leaves SET hash = %s WHERE kind = 'e' AND source = %s",
        (event_leaf(row), row.id),
    )
    both = tmp_path / "both.txt"
    both.write_text(first.read_text() + second.read_text())
    size_first = int(first.read_text().splitlines()[1])

    verified = verify(cli, both, key)

    assert verified.returncode == 1
    assert f"size {size_first} " in verified.stdout
    assert f"log BROKEN: first affected position {size_first}\n" in verified.stdout
    assert "the log's own leaf table was rewritten to match them" in verified.stdout
    lines = [line for line in verified.stdout.splitlines() if f"size {size_first} " in line]
    assert all(": consistent" in line for line in lines)


def test_the_newest_events_deleted_with_their_leaves_and_checkpoint_are_reported(
    log_store: dict[str, Any],
    recorded: Any,
    tmp_path: Path,
    clock: FakeClock,
    cli: Callable[..., Ran],
) -> None:
    app, _, _ = recorded
    sign(log_store, tmp_path, "first.txt", run=cli)
    late = refer(app, clock)
    decide_met(app, clock, late)
    second, key = sign(log_store, tmp_path, "second.txt", run=cli)
    position = event_position(app, late, 6)
    delete_newest(app, late, 2)
    without_append_only_triggers(
        app, "log_leaves", "DELETE FROM {s}.log_leaves WHERE position >= %s", (position,)
    )
    without_append_only_triggers(
        app,
        "log_checkpoints",
        "DELETE FROM {s}.log_checkpoints WHERE id = (SELECT MAX(id) FROM {s}.log_checkpoints)",
    )
    assert_reported(cli, second, key, position)
    assert "leaves from position" in verify(cli, second, key).stdout
