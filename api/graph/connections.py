"""Relay connections: the pages every list of the surface answers with, and their order."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar

import strawberry

from application.errors import refuse_small_counts
from projections.paging import Page

T = TypeVar("T")


@strawberry.enum
class Direction(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    fast: ClassVar[bool] = True  # a page's edges completed by api.graph.fast's plan
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="how many match the filter, all pages")


def connection(
    nodes: Sequence[Any],
    cursors: Sequence[str],
    total: int,
    more: bool,
    after: str | None,
    *,
    analyst: bool = False,
    what: str = "cases",
) -> Any:
    """A forward page of ``nodes``, each with its cursor (``after``: the cursor the page
    began after), for lists paged outside the read models (history, the access log)."""
    page = Page(list(nodes), list(cursors), total, has_next=more, has_previous=after is not None)
    return page_connection(nodes, page, analyst=analyst, what=what)


def page_connection(
    nodes: Sequence[Any], page: Any, *, analyst: bool = False, what: str = "cases"
) -> Any:
    """A read model's ``Page`` (forwards or backwards) with its rows made into ``nodes``.

    For an analyst, a filter matching 1 to 4 is refused (``too_few_to_show``): neither the
    count nor the rows of fewer than 5, as the statistics suppress such counts."""
    refuse_small_counts(analyst, page.total, what)
    return Connection(
        edges=[Edge(cursor=c, node=n) for n, c in zip(nodes, page.cursors, strict=True)],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total_count=page.total,
    )
