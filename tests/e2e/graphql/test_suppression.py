"""Small counts stay hidden from analysts however they ask: a filter that singles out 1 to
4 cases is refused (``too_few_to_show``: neither its count nor its rows), and so is one
whose complement is 1 to 4 (all the cases minus those it matches), on every connection,
REST and the exports, while the statistics suppress such counts (null and ``suppressed``)."""

from __future__ import annotations

from datetime import date

from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.scenario import refer

D = date(2026, 12, 21)  # the day of the one case
OTHERS = date(2026, 12, 22)  # five cases the next day


def _six_cases(graph: Graph, clock: FakeClock) -> None:
    refer(graph.tracker, clock, received=D)
    for _ in range(5):
        refer(graph.tracker, clock, received=OTHERS)
    graph.project()


def _codes(graph: Graph, query: str) -> list[str]:
    return [e["extensions"]["code"] for e in graph.errors("analyst", query)]


def test_a_day_with_one_case_gives_the_analyst_no_count_and_no_row(
    graph: Graph, clock: FakeClock
) -> None:
    _six_cases(graph, clock)
    day = f'{{receivedFrom: "{D}", receivedTo: "{D}"}}'
    assert _codes(graph, f"{{ cases(filter: {day}) {{ totalCount }} }}") == ["too_few_to_show"]
    assert _codes(graph, f"{{ cases(filter: {day}) {{ edges {{ node {{ id }} }} }} }}") == [
        "too_few_to_show"
    ]
    stats = graph.query(
        "analyst",
        f'{{ statistics(receivedFrom: "{D}", receivedTo: "{D}") '
        "{ cases { value suppressed } } }",
    )
    assert stats["statistics"][0]["cases"] == {"value": None, "suppressed": True}
    # partnership staff see it: the suppression is the analyst's
    staff = graph.query("staff", f"{{ cases(filter: {day}) {{ totalCount }} }}")
    assert staff["cases"]["totalCount"] == 1


def test_differencing_two_queries_cannot_isolate_the_one_case(
    graph: Graph, clock: FakeClock
) -> None:
    _six_cases(graph, clock)
    everything = graph.query("analyst", "{ cases { totalCount } }")
    assert everything["cases"]["totalCount"] == 6
    # 6 minus the five other days' would be the one: the complement of 1 is refused
    others = f'{{receivedFrom: "{OTHERS}", receivedTo: "{OTHERS}"}}'
    assert _codes(graph, f"{{ cases(filter: {others}) {{ totalCount }} }}") == ["too_few_to_show"]
    before = f'{{receivedFrom: "{OTHERS}"}}'
    assert _codes(graph, f"{{ cases(filter: {before}) {{ totalCount }} }}") == ["too_few_to_show"]
    # nor by another attribute, nor by naming references
    refs = '["LEW-2026-0001", "LEW-2026-0002"]'
    assert _codes(graph, f"{{ cases(filter: {{reference: {refs}}}) {{ totalCount }} }}") == [
        "too_few_to_show"
    ]
    # a filter matching all of them leaves out none: allowed
    every = graph.query("analyst", '{ cases(filter: {area: ["Lewisham"]}) { totalCount } }')
    assert every["cases"]["totalCount"] == 6


def test_every_connection_refuses_the_analyst_fewer_than_five(
    graph: Graph, clock: FakeClock
) -> None:
    refer(graph.tracker, clock, received=D)
    graph.project()
    for query in (
        "{ cases { totalCount } }",
        "{ deadlines(filter: {clock: [PARTNERS_ALERTED]}) { totalCount } }",
    ):
        assert _codes(graph, query) == ["too_few_to_show"], query
    # none at all is no one: 0 is shown
    assert graph.query("analyst", "{ reviews { totalCount } }")["reviews"]["totalCount"] == 0
