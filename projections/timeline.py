"""Timeline read model: one row per event of every case and review (DESIGN §7).

The summary names the act and its plain facts (dates, partners, agencies, outcomes), never
free text or personal details, so it can be shown to every reader of the case's timeline.
Each row keeps the event's hash, so the read side knows every stream's last version and
hash (what a truncated stream would no longer show).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from projections.decoding import Applied
from projections.store import Cursor, insert_rows

_WORDS = re.compile(r"(?<!^)(?=[A-Z])")
# Fields whose values are plain facts, safe for a summary.
_FACTS = (
    "agency",
    "partner",
    "decision",
    "outcome",
    "recommendation",
    "meeting",
    "format",
    "review_type",
    "category",
    "action_id",
    "what",
    "clock",
    "subject",
)

COLUMNS = (
    "position, stream_id, version, event_type, effective_on, recorded_at, actor_id, role, "
    "agency, request_id, hash, summary"
)


_KINDS: dict[type, tuple[str, tuple[str, ...]]] = {}


def _kind(cls: type) -> tuple[str, tuple[str, ...]]:
    """An event class's words, and which of the fact fields it can have."""
    found = _KINDS.get(cls)
    if found is not None:
        return found
    words = _WORDS.sub(" ", cls.__name__).lower()
    fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else None
    facts = tuple(f for f in _FACTS if fields is None or f in fields or hasattr(cls, f))
    found = _KINDS[cls] = (words[0].upper() + words[1:], facts)
    return found


def summary(event: Any) -> str:
    text, candidates = _kind(type(event))
    facts = [f"{f}={getattr(event, f)}" for f in candidates if getattr(event, f, None)]
    recipients = getattr(event, "recipients", None)
    if recipients:
        facts.append("to=" + ",".join(recipients))
    return text + (" (" + "; ".join(facts) + ")" if facts else "")


def row(applied: Applied) -> tuple[Any, ...]:
    e = applied.event
    effective: date = e.effective_on
    return (
        applied.position,
        str(e.originator_id),
        e.originator_version,
        type(e).__name__,
        effective.isoformat(),
        e.audit.recorded_at.isoformat(),
        e.audit.actor_id,
        e.audit.role,
        e.audit.agency,
        e.audit.request_id,
        e.hash,
        summary(e),
    )


class Timeline:
    version = 1

    def __init__(self, prefix: str = "rm_") -> None:
        self.base = "timeline"
        self.table = f"{prefix}timeline"
        self.tables: tuple[str, ...] = (self.table,)
        self.name = self.table.removeprefix("rm_")

    def create(self, c: Cursor) -> None:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "position BIGINT PRIMARY KEY, stream_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "event_type TEXT NOT NULL, effective_on TEXT NOT NULL, recorded_at TEXT NOT NULL, "
            "actor_id TEXT NOT NULL, role TEXT NOT NULL, agency TEXT NOT NULL, "
            "request_id TEXT NOT NULL, hash TEXT NOT NULL, summary TEXT NOT NULL)"
        )

    def index(self, c: Cursor) -> None:
        c.execute(
            f"CREATE INDEX IF NOT EXISTS {self.table}_stream ON {self.table} (stream_id, version)"
        )

    def drop(self, c: Cursor) -> None:
        c.execute(f"DROP TABLE IF EXISTS {self.table}")

    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None:
        insert_rows(c, self.table, COLUMNS, [row(a) for a in batch])

    def rows(self, c: Cursor, stream_id: str | None = None) -> list[tuple[Any, ...]]:
        """Timeline rows in log order, for one stream or all."""
        where, params = ("WHERE stream_id = ?", (stream_id,)) if stream_id else ("", ())
        c.execute(f"SELECT {COLUMNS} FROM {self.table} {where} ORDER BY position", params)  # noqa: S608
        return [tuple(r) for r in c.fetchall()]

    def last_versions(self, c: Cursor, stream_id: str | None = None) -> dict[str, tuple[int, str]]:
        """Each stream's (or one stream's) last version and its hash, as the timeline saw
        them."""
        where, params = ("WHERE stream_id = ?", (stream_id,)) if stream_id else ("", ())
        c.execute(
            f"SELECT t.stream_id, t.version, t.hash FROM {self.table} t "  # noqa: S608
            f"JOIN (SELECT stream_id, MAX(version) AS v FROM {self.table} {where} "
            "GROUP BY stream_id) m ON m.stream_id = t.stream_id AND m.v = t.version",
            params,
        )
        return {str(s): (int(v), str(h)) for s, v, h in c.fetchall()}
