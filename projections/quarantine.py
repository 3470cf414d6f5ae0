"""Events a read model could not take: set aside with the reason, so one event never stops
the read side.

A stored event that cannot be decoded (damaged bytes, an unknown topic), or whose rows a
model cannot write (an old release let a NUL through, which PostgreSQL refuses), is recorded
here with its log position, the model and the error, in the same transaction that moves the
model past it. ``/readyz``, ``/metrics``, ``tracker project``, ``tracker rebuild`` and
``tracker verify`` report them, and the scheduler tells the partnership's contacts. The
event itself stays as stored: it is evidence, and a scrutineer may need it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from projections.store import Cursor

DDL = (
    "CREATE TABLE IF NOT EXISTS rm_quarantine ("
    "model TEXT NOT NULL, position BIGINT NOT NULL, stream TEXT NOT NULL, "
    "stream_version INTEGER NOT NULL, topic TEXT NOT NULL, error TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, PRIMARY KEY (model, position))"
)

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Quarantined:
    """One event one model set aside."""

    model: str
    position: int
    stream: str
    stream_version: int
    topic: str
    error: str
    recorded_at: str


def describe(error: BaseException) -> str:
    """The error as stored: its type and the start of its message, printable (the message
    of a database error names the rule broken, not the values)."""
    message = _UNPRINTABLE.sub("?", str(error))[:300]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def record(
    c: Cursor,
    model: str,
    position: int,
    stream: Any,
    stream_version: int,
    topic: str,
    error: BaseException,
) -> None:
    """Set the event at ``position`` aside for ``model``, with why."""
    c.execute("DELETE FROM rm_quarantine WHERE model = ? AND position = ?", (model, position))
    c.execute(
        "INSERT INTO rm_quarantine (model, position, stream, stream_version, topic, error, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            model,
            position,
            str(stream),
            int(stream_version),
            topic,
            describe(error),
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )


def rename(c: Cursor, old: str, new: str) -> None:
    """A rebuilt model's quarantine replaces the model's old one (at the swap)."""
    c.execute("DELETE FROM rm_quarantine WHERE model = ?", (new,))
    c.execute("UPDATE rm_quarantine SET model = ? WHERE model = ?", (new, old))


def clear(c: Cursor, model: str) -> None:
    c.execute("DELETE FROM rm_quarantine WHERE model = ?", (model,))


def listed(c: Cursor, after: int = 0, models: tuple[str, ...] | None = None) -> list[Quarantined]:
    """Every event set aside past position ``after`` (of ``models``, if named), in log order."""
    c.execute(DDL)
    c.execute(
        "SELECT model, position, stream, stream_version, topic, error, recorded_at "
        "FROM rm_quarantine WHERE position > ? ORDER BY position, model",
        (after,),
    )
    found = [
        Quarantined(str(m), int(p), str(s), int(v), str(t), str(e), str(r))
        for m, p, s, v, t, e, r in c.fetchall()
    ]
    return [q for q in found if models is None or q.model in models]


def counts(c: Cursor) -> dict[str, int]:
    """How many events each model has set aside."""
    c.execute(DDL)
    c.execute("SELECT model, COUNT(*) FROM rm_quarantine GROUP BY model")
    return {str(m): int(n) for m, n in c.fetchall()}


def partnership_of(c: Cursor, stream: str) -> str | None:
    """The partnership of a case or review, as the read models know it (None: unknown)."""
    for statement in (
        "SELECT partnership FROM rm_tracker WHERE case_id = ?",
        "SELECT partnership FROM rm_reviews WHERE review_id = ?",
    ):
        try:
            c.execute(statement, (stream,))
        except Exception:  # noqa: S112 - a model not built yet: try the next
            continue
        row = c.fetchone()
        if row is not None:
            return str(row[0])
    return None
