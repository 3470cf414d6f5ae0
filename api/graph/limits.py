"""The limits of the GraphQL surface: page sizes, and the depth, aliases and tokens of a
query (enforced by strawberry's extensions, see ``schema.make_schema``)."""

from __future__ import annotations

from typing import Any

from api.graph.errors import BadArgumentError

MAX_PAGE = 100
MAX_HISTORY_PAGE = 500  # caseHistory and accessLog
MAX_DEPTH = 8
MAX_ALIASES = 30
MAX_TOKENS = 2000


def page_size(first: int, limit: int = MAX_PAGE) -> int:
    """``first`` if it is a page size the surface serves, else a ``bad_argument``."""
    if not 1 <= first <= limit:
        raise BadArgumentError(f"first must be between 1 and {limit}")
    return first


def window(first: int, after: str | None, last: int | None, before: str | None) -> dict[str, Any]:
    """The page asked for, as a read model's keyword arguments: forwards (``first`` after
    ``after``) or backwards (``last`` before ``before``), not both."""
    if last is None and before is None:
        return {"first": page_size(first), "after": after}
    if after is not None:
        raise BadArgumentError("page forwards (first, after) or backwards (last, before)")
    size = page_size(last if last is not None else first)
    return {"first": size, "after": None, "last": size, "before": before}
