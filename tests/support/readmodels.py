"""Reading read-model tables back whole, to compare a live model with a rebuilt one."""

from __future__ import annotations

from typing import Any

from projections.store import Cursor

TABLES = ("timeline", "tracker", "tracker_reviews", "deadlines", "reviews", "actions")


def table_rows(c: Cursor, table: str) -> list[tuple[Any, ...]]:
    c.execute(f"SELECT * FROM {table}")
    return sorted((tuple(r) for r in c.fetchall()), key=repr)
