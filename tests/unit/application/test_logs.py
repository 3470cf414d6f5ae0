"""Everything the processes write to stderr is a JSON line: APScheduler's own errors and
warnings, and an exception escaping a thread, as well as the tracker's records."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from application.logs import configure_logging


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    hooks = threading.excepthook, sys.excepthook
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    yield out
    threading.excepthook, sys.excepthook = hooks
    logging.captureWarnings(False)
    configure_logging("INFO")


def _lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]  # each must parse


def test_apscheduler_errors_are_json_lines(stream: io.StringIO) -> None:
    done = threading.Event()

    def failing() -> None:
        done.set()
        raise RuntimeError("a job that fails outside run_job")

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(failing, "date", run_date=datetime.now(UTC) + timedelta(milliseconds=50))
    scheduler.start()
    assert done.wait(10)
    scheduler.shutdown(wait=True)
    lines = _lines(stream)
    [error] = [x for x in lines if str(x["logger"]).startswith("apscheduler")]
    assert error["level"] == "ERROR"
    assert error["exception"]["type"] == "builtins.RuntimeError"  # type: ignore[index]
    assert "a job that fails" not in stream.getvalue()  # messages of exceptions stay out


def test_an_exception_escaping_a_thread_is_a_json_line(stream: io.StringIO) -> None:
    def dies() -> None:
        raise ValueError("secret detail")

    configure_logging("INFO", stream=stream)  # here: pytest sets its own hooks per test
    t = threading.Thread(target=dies, name="worker-1")
    t.start()
    t.join()
    lines = _lines(stream)
    assert any(x["logger"] == "tracker.uncaught" and "worker-1" in str(x["message"]) for x in lines)
    assert "secret detail" not in stream.getvalue()
