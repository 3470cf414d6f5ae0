"""Relay pages backwards (last, before) as well as forwards: the same rows in the same
order, whichever way a client walks them."""

from __future__ import annotations

from typing import Any

import pytest

from application.generate import generate
from tests.support.graph import Graph

FIELDS = {
    "cases": "cases(first: $first, after: $after, last: $last, before: $before, "
    "orderBy: NEXT_DUE_ON)",
    "deadlines": "deadlines(first: $first, after: $after, last: $last, before: $before)",
    "reviews": "reviews(first: $first, after: $after, last: $last, before: $before)",
    "actions": "actions(first: $first, after: $after, last: $last, before: $before)",
}


def page(graph: Graph, field: str, **window: Any) -> dict[str, Any]:
    document = (
        "query($first: Int! = 50, $after: String, $last: Int, $before: String) { "
        + FIELDS[field]
        + " { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor "
        "endCursor } } }"
    )
    answer: dict[str, Any] = graph.query("staff", document, **window)[field]
    return answer


@pytest.mark.parametrize(
    ("field", "size", "cases"),
    [("cases", 7, 40), ("deadlines", 7, 40), ("reviews", 1, 150), ("actions", 2, 40)],
)
def test_walking_backwards_gives_the_rows_walking_forwards_gives(
    graph: Graph, field: str, size: int, cases: int
) -> None:
    generate(graph.tracker, cases, seed=7, batch=10)
    graph.project()
    forwards: list[str] = []
    after = None
    while True:
        p = page(graph, field, first=size, after=after)
        forwards += [e["cursor"] for e in p["edges"]]
        if not p["pageInfo"]["hasNextPage"]:
            break
        after = p["pageInfo"]["endCursor"]
    assert len(forwards) == p["totalCount"] > size

    backwards: list[str] = []
    before = None
    first_page = True
    while True:
        p = page(graph, field, last=size, before=before)
        backwards = [e["cursor"] for e in p["edges"]] + backwards
        assert p["pageInfo"]["hasNextPage"] is (not first_page)
        first_page = False
        if not p["pageInfo"]["hasPreviousPage"]:
            break
        before = p["pageInfo"]["startCursor"]
    assert backwards == forwards


def test_a_page_goes_one_way(graph: Graph) -> None:
    generate(graph.tracker, 5, seed=7, batch=5)
    graph.project()
    cursor = page(graph, "cases", first=2)["pageInfo"]["endCursor"]
    errors = graph.errors(
        "staff",
        "query($a: String) { cases(after: $a, last: 2) { totalCount } }",
        a=cursor,
    )
    assert errors[0]["extensions"]["code"] == "bad_argument"
    errors = graph.errors("staff", "{ cases(last: 1000) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "bad_argument"
