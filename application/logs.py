"""Structured logs: one JSON object per line, and never personal data.

``configure_logging(level)`` sends every logger's records to stderr (or ``stream``) as JSON
lines: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``pid``, ``message`` and, when known, the
``request_id``, ``principal_id``, ``case_id`` / ``review_id`` of the request being served
(set by the API per request through :func:`request_context` and :func:`bind`) and the
scheduler's ``run_id``. ``uvicorn_log_config(level)`` is the same configuration as a
``logging.config.dictConfig`` dictionary for ``uvicorn.run(log_config=...)``, which applies
it in every worker process.

What is never written, so that no name, date of birth, address or NHS number reaches a log:

- request bodies and query strings (the API's access line names the route *template*,
  e.g. ``/api/v1/cases/{aggregate_id}``, never the raw path);
- exception messages: a record's exception is written as its type and the code locations
  of its traceback only (a validation or database error may quote the values it refused);
- messages of GraphQL errors (strawberry logs the error text, which may quote a query's
  arguments): only their type;
- uvicorn's own access log (replaced by the API's access line).
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import IO, Any

__all__ = [
    "JsonFormatter",
    "LogContext",
    "bind",
    "configure_logging",
    "current",
    "request_context",
    "uvicorn_log_config",
]


@dataclass
class LogContext:
    """What is known about the work in hand. One mutable object per request, shared by the
    copies of the context the request's threads run in (so a dependency running in the
    thread pool can add the principal, and the access line sees it)."""

    request_id: str = ""
    principal_id: str = ""
    case_id: str = ""
    review_id: str = ""
    run_id: str = ""


_CONTEXT: ContextVar[LogContext | None] = ContextVar("tracker_log_context", default=None)
_CONTEXT_FIELDS = tuple(f.name for f in fields(LogContext))

# ``extra=`` keys copied into the JSON line (anything else passed as extra is ignored, so a
# careless ``extra={"body": ...}`` cannot leak)
_EXTRA_FIELDS = (
    *_CONTEXT_FIELDS,
    "method",
    "route",
    "status",
    "duration_ms",
    "job",
    "model",
)

# loggers whose messages may quote user input: only the fact of the record is written
_WITHHELD = ("strawberry",)


def current() -> LogContext | None:
    return _CONTEXT.get()


def bind(**values: str) -> None:
    """Add ``values`` (``principal_id=...``, ``case_id=...``) to the current context; a
    no-op outside one."""
    ctx = _CONTEXT.get()
    if ctx is None:
        return
    for name, value in values.items():
        if name in _CONTEXT_FIELDS:
            setattr(ctx, name, str(value))


@contextmanager
def request_context(*, keep_on_error: bool = False, **values: str) -> Iterator[LogContext]:
    """A fresh context for one request (or scheduler run) while the block runs.

    ``keep_on_error``: when an exception escapes the block the context stays set, so that
    whoever handles the exception further out (the server's error handler, in the same
    task) still writes the ids with it; the next request sets its own."""
    ctx = LogContext(**{k: str(v) for k, v in values.items() if k in _CONTEXT_FIELDS})
    token = _CONTEXT.set(ctx)
    try:
        yield ctx
    except BaseException:
        if not keep_on_error:
            _CONTEXT.reset(token)
        raise
    _CONTEXT.reset(token)


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON, without exception messages (see the module doc)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,  # which server worker (``--workers``) wrote it
        }
        if record.name.startswith(_WITHHELD):
            line["message"] = "message withheld (it may quote user input)"
            line["error_type"] = type(record.msg).__name__
        else:
            line["message"] = _message(record)
        ctx = _CONTEXT.get()
        if ctx is not None:
            for name in _CONTEXT_FIELDS:
                value = getattr(ctx, name)
                if value:
                    line[name] = value
        for name in _EXTRA_FIELDS:
            value = record.__dict__.get(name)
            if value not in (None, ""):
                line[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            line["exception"] = {
                "type": f"{exc_type.__module__}.{exc_type.__qualname__}",
                "at": [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)][
                    -10:
                ],
            }
        return json.dumps(line, ensure_ascii=False, default=str)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a bad format string: the template, not the arguments
        return str(record.msg)


# third-party loggers: uvicorn's access log is replaced by the API's own access line;
# APScheduler writes a line per job run; httpx writes every URL it requests (a webhook's
# URL may carry a token)
_LEVELS = {
    "uvicorn.access": "CRITICAL",
    "apscheduler": "WARNING",
    "httpx": "WARNING",
    "httpx2": "WARNING",
    "httpcore": "WARNING",
}


def configure_logging(level: str | int = "INFO", *, stream: IO[str] | None = None) -> None:
    """Every logger of the process to ``stream`` (default stderr) as JSON lines."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        named = logging.getLogger(name)
        for old in list(named.handlers):
            named.removeHandler(old)
        named.propagate = True
    for name, named_level in _LEVELS.items():
        logging.getLogger(name).setLevel(named_level)
    capture_uncaught()


def capture_uncaught() -> None:
    """What would otherwise reach stderr as a bare traceback, as JSON lines too: warnings
    (APScheduler's missed runs), and exceptions escaping a thread (APScheduler's own
    threads, a job store that fails) or the main program."""
    logging.captureWarnings(True)
    uncaught = logging.getLogger("tracker.uncaught")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        uncaught.error(
            "an exception escaped thread %s",
            getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )

    def main_hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        uncaught.critical("an exception ended the program", exc_info=(kind, value, tb))

    threading.excepthook = thread_hook
    sys.excepthook = main_hook


def uvicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """:func:`configure_logging` as a ``dictConfig`` for ``uvicorn.run(log_config=...)``
    (uvicorn applies it in each worker process; pass ``access_log=False`` as well)."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            **{
                name: {"handlers": [], "propagate": True, "level": named_level}
                for name, named_level in _LEVELS.items()
            },
        },
    }
