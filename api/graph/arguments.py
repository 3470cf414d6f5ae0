"""Arguments shared by the root fields, turned into what the read side takes."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

import strawberry

from api.graph.errors import BadArgumentError

AfterPosition = Annotated[
    int | None,
    strawberry.argument(description="wait until the read models reach this log position"),
]


def parse_id(value: strawberry.ID, what: str = "case") -> UUID:
    """A case's (or review's) id as given, or a ``bad_argument``."""
    try:
        return UUID(str(value))
    except ValueError:
        raise BadArgumentError(f"{value!r} is not a {what} id") from None


def instant(value: datetime | None, what: str) -> datetime | None:
    """An instant argument in UTC (one without an offset is taken as UTC), or a
    ``bad_argument`` for one that cannot be held in UTC (``0001-01-01T00:00:00+14:00`` is
    before year 1)."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise BadArgumentError(f"{what} is outside the years 1 to 9999 in UTC") from None


def enum_values(items: list[Any] | None) -> list[str] | None:
    """A filter's list as the read models store it: enums by their value."""
    if items is None:
        return None
    return [i.value if isinstance(i, Enum) else str(i) for i in items]
