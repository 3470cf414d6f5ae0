"""`tracker` commands as separate processes on a test's store, as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def tracker_env(store: dict[str, Any], **env: str) -> dict[str, str]:
    """This process's environment without its ``TRACKER_*`` variables, plus the test's
    ``store`` settings as ``TRACKER_*`` variables and ``env``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    environment.update({f"TRACKER_{k.upper()}": str(v) for k, v in store.items()})
    environment.update(env)
    return environment


def tracker_cli(
    store: dict[str, Any], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``tracker ARGS`` run to its end on the test's ``store`` (in ``cwd``), its output kept."""
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        env=tracker_env(store),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


def tracker_process(
    args: Sequence[str], store: dict[str, Any], log: Path, **env: str
) -> subprocess.Popen[bytes]:
    """``tracker ARGS`` configured only by ``TRACKER_*`` variables (the test's ``store``
    settings and ``env``), its output in ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", *args],
        env=tracker_env(store, **env),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def eventually(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
