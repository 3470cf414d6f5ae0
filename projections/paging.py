"""Keyset paging shared by the read models' queries: filters, pages and their cursors.

Pagination is by key, not offset: a page ends at a row whose ``(sort value, unique id)`` the
next page starts after, so pages stay stable while new rows arrive and a deep page costs
what the first one does. A page is a single statement (and one more for the total), so it
costs the same number of statements whatever its size.

A cursor names the ordering it was made for: one handed out for another query or ordering
is refused (``BadCursorError``), never silently misread.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

import orjson

from projections.store import Cursor

T = TypeVar("T")
U = TypeVar("U")


class BadCursorError(ValueError):
    """A pagination cursor that this server did not hand out (or for another ordering)."""


def encode_cursor(order: str, key: Sequence[Any]) -> str:
    """The cursor of a row: its ordering and key, as JSON in URL-safe base64 (by orjson:
    a page of 500 history events hands out 500 cursors)."""
    return base64.urlsafe_b64encode(orjson.dumps([order, *key])).decode().rstrip("=")


def decode_cursor(order: str, cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as e:
        raise BadCursorError("the cursor is not one this server handed out") from e
    if not isinstance(values, list) or len(values) != 3 or values[0] != order:
        raise BadCursorError("the cursor belongs to another query or ordering")
    return values[1:]


@dataclass
class Where:
    """A ``WHERE`` clause built a condition at a time, with its bound values."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def any_of(self, column: str, values: Sequence[Any] | None) -> None:
        """``column`` is one of ``values`` (None: no condition; empty: nothing matches)."""
        if values is None:
            return
        if not values:
            self.clauses.append("1 = 0")
            return
        self.clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
        self.params.extend(values)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def between(self, column: str, start: date | None, end: date | None) -> None:
        """``column`` (an ISO date) within [start, end], either end open when None."""
        if start is not None:
            self.add(f"{column} >= ?", start.isoformat())
        if end is not None:
            self.add(f"{column} <= ?", end.isoformat())

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    total: int  # -1 when not counted
    has_next: bool
    has_previous: bool = False

    def map(self, made: Callable[[T], U]) -> Page[U]:
        """The same page with each row made into what the model answers."""
        return Page(
            [made(r) for r in self.rows], self.cursors, self.total, self.has_next, self.has_previous
        )


def keyset_page(
    c: Cursor,
    *,
    select: str,
    source: str,
    where: Where,
    sort: str,
    tiebreak: str,
    order: str,
    descending: bool,
    after: str | None,
    first: int,
    count: bool,
    before: str | None = None,
    last: int | None = None,
) -> Page[tuple[Any, ...]]:
    """One page of ``select`` rows by key: the ``first`` after ``after``, or (``last``
    given) the ``last`` before ``before``, in the same order either way; and the total.

    ``order`` names the query and its ordering in the cursors handed out; ``sort`` and
    ``tiebreak`` (unique) are the SQL of the key. Paging backwards reads the key the other
    way round and turns the rows back, so it costs what paging forwards does."""
    total = -1
    if count:
        c.execute(f"SELECT COUNT(*) FROM {source} {where.sql()}", where.params)  # noqa: S608
        total = int(c.fetchone()[0])
    backwards = last is not None
    size = last if last is not None else first
    cursor = before if backwards else after
    reading_desc = descending != backwards  # backwards: the key read the other way
    paged = Where(list(where.clauses), list(where.params))
    if cursor:
        value, tie = decode_cursor(order, cursor)
        paged.add(f"({sort}, {tiebreak}) {'<' if reading_desc else '>'} (?, ?)", value, tie)
    direction = "DESC" if reading_desc else "ASC"
    c.execute(
        f"SELECT {select}, {sort}, {tiebreak} FROM {source} {paged.sql()} "  # noqa: S608
        f"ORDER BY {sort} {direction}, {tiebreak} {direction} LIMIT ?",
        [*paged.params, size + 1],
    )
    fetched = c.fetchall()
    rows = [tuple(r) for r in fetched[:size]]
    more = len(fetched) > size
    if backwards:
        rows.reverse()
    cursors = [encode_cursor(order, r[-2:]) for r in rows]
    raw = [r[:-2] for r in rows]
    if backwards:  # more before the page; after it, whatever `before` was before
        return Page(raw, cursors, total, has_next=before is not None, has_previous=more)
    return Page(raw, cursors, total, has_next=more, has_previous=after is not None)
