"""Arguments shared by the root fields, turned into what the read side takes."""

from __future__ import annotations

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


def enum_values(items: list[Any] | None) -> list[str] | None:
    """A filter's list as the read models store it: enums by their value."""
    if items is None:
        return None
    return [i.value if isinstance(i, Enum) else str(i) for i in items]
