"""Read models in tests: a projector set up over given models, and their tables read back
whole, to compare a live model with a rebuilt one."""

from __future__ import annotations

from typing import Any

from application.service import Safeguarding
from projections.engine import Projector
from projections.store import Cursor, ReadStore
from projections.timeline import Timeline

TABLES = (
    "timeline",
    "tracker",
    "tracker_reviews",
    "deadlines",
    "reviews",
    "actions",
    # what the tracker and deadlines keep counted as they follow the log, and count afresh
    # at a rebuild's swap: the same either way
    "tracker_counts",
    "tracker_tallies",
    "tracker_days",
    "deadline_tallies",
)


def table_rows(c: Cursor, table: str) -> list[tuple[Any, ...]]:
    c.execute(f"SELECT * FROM {table}")
    return sorted((tuple(r) for r in c.fetchall()), key=repr)


def projector(tracker: Safeguarding, store: ReadStore, *models: Any) -> Projector:
    p = Projector(tracker, store, list(models) or [Timeline()])
    p.setup()
    return p
