"""``tracker document`` and ``tracker export`` run as an operator runs them, on SQLite and
PostgreSQL: the file written is the API's document, and reads of personal data are logged."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from application.access import AccessLog
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.documents import csv_rows, flat, pdf_text
from tests.support.processes import tracker_cli, tracker_env
from tests.support.scenario import AGENCIES, walk_to_panel_response


def test_a_document_and_an_export_are_written_to_files(
    store: dict[str, Any], tracker: Safeguarding, clock: FakeClock, tmp_path: Path
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    pack = tmp_path / "pack.pdf"
    made = tracker_cli(
        store, "document", "scoping-pack", str(case_id), "--agency", AGENCIES[2],
        "--version", "20", "-o", str(pack), cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert f"wrote {pack}" in made.stderr
    assert "case LEW-2026-0001, version 20, log position" in made.stderr
    text = flat(pdf_text(pack.read_bytes()))
    assert f"Dear Named Representative of {AGENCIES[2]}," in text
    logged = AccessLog(tracker.datastore).read(partnerships=["LEW"])
    assert [e.operation for e in logged] == ["tracker document scoping-pack"]
    assert logged[0].principal_id.startswith("cli:")

    named = tracker_cli(store, "document", "panel-letter", str(case_id), "--format", "docx",
                        cwd=tmp_path)  # fmt: skip
    assert named.returncode == 0, named.stderr
    assert (tmp_path / "LEW-2026-0001-panel-letter-v24.docx").read_bytes().startswith(b"PK")

    assert tracker_cli(store, "project", "--once", "--quiet", cwd=tmp_path).returncode == 0
    export = tracker_cli(
        store, "export", "deadlines", "--filter", "clock=scoping_returned", "-o", "-",
        cwd=tmp_path,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    rows = csv_rows(export.stdout.encode())
    assert sorted(r[4] for r in rows[1:]) == sorted(AGENCIES)


def test_refusals_are_printed_with_a_non_zero_exit(
    store: dict[str, Any], make_tracker: Callable[..., Safeguarding], tmp_path: Path
) -> None:
    make_tracker().close()
    refused = tracker_cli(store, "export", "tracker", "--filter", "colour=red", cwd=tmp_path)
    assert refused.returncode == 2
    assert "no filter 'colour' here" in refused.stderr
    missing = tracker_cli(store, "document", "panel-letter", cwd=tmp_path)
    assert missing.returncode == 2
    assert "needs the case's id" in missing.stderr


def test_config_check_names_missing_document_fonts(
    store: dict[str, Any], make_tracker: Callable[..., Safeguarding], tmp_path: Path
) -> None:
    make_tracker().close()
    checked = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "config", "check"],
        env=tracker_env(store, TRACKER_DOCUMENT_FONTS=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 1
    assert "FAIL   document fonts: DejaVuSans.ttf" in checked.stdout
