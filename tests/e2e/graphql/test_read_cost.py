"""What makes the reads cheap, pinned by their statements (not their times): each read of
the benchmark (``benchmarks.reads``) costs the same statements whatever its page size and
however many cases the store holds, and a case's history costs the same reads of the
event store whatever its length."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.generate import generate
from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.scenario import RECEIVED, decide_met, refer

TRACKER = """query($first: Int!) { cases(first: $first, orderBy: NEXT_DUE_ON) {
  totalCount pageInfo { hasNextPage }
  edges { node { id reference stage kind nextClock nextDueOn overdueCount } } } }"""

CASE = """query($id: ID!) { case(id: $id) { reference nextDueOn overdueCount
  deadlines { clock subject dueOn status } } }"""

DEADLINES = """query($first: Int!, $from: Date!, $to: Date!) {
  deadlines(first: $first, filter: {dueFrom: $from, dueTo: $to}) {
    totalCount edges { node { reference clock dueOn status } } } }"""

STATISTICS = """query($from: Date!, $to: Date!) {
  statistics(receivedFrom: $from, receivedTo: $to, period: QUARTER) {
    period cases { value } byStage { key count { value } }
    timeliness { clock onTime { value } breached { value } }
    medianWorkingDaysToDecision { value } } }"""


def _cost(graph: Graph, query: str, **variables: Any) -> tuple[int, dict[str, Any]]:
    answer = graph.post("staff", query, variables).json()
    assert "errors" not in answer, answer
    return answer["extensions"]["cost"]["readModelStatements"], answer["data"]


def _costs(graph: Graph, first: int) -> dict[str, int]:
    today = graph.tracker.today()
    monday = today - timedelta(days=today.weekday())
    week = {"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()}
    year = {"from": date(RECEIVED.year, 1, 1).isoformat(), "to": date(RECEIVED.year, 12, 31)}
    tracker, page = _cost(graph, TRACKER, first=first)
    assert len(page["cases"]["edges"]) == min(first, page["cases"]["totalCount"])
    case_id = page["cases"]["edges"][0]["node"]["id"]  # the soonest due: it has clocks
    case, found = _cost(graph, CASE, id=case_id)
    assert found["case"]["deadlines"]
    deadlines, _ = _cost(graph, DEADLINES, first=first, **week)
    statistics, stats = _cost(graph, STATISTICS, **{k: str(v) for k, v in year.items()})
    assert stats["statistics"]  # the referred case's year at least
    return {"tracker": tracker, "case": case, "deadlines": deadlines, "statistics": statistics}


def test_each_read_costs_the_same_statements_whatever_its_page_and_the_data(
    graph: Graph, clock: FakeClock
) -> None:
    decide_met(graph.tracker, clock, refer(graph.tracker, clock))
    generate(graph.tracker, 12, seed=11)
    graph.project()
    small = _costs(graph, 5)
    generate(graph.tracker, 48, seed=12)
    graph.project()
    large = _costs(graph, 50)
    # tracker: the kept count and one page (no COUNT(*) of the partnership's rows); a case:
    # its row and its clocks; the week's deadlines: a count and a page; statistics of whole
    # months: the kept tallies of cases, clocks and working days
    assert small == large == {"tracker": 2, "case": 2, "deadlines": 2, "statistics": 3}


def test_a_history_page_costs_the_same_reads_of_the_store_whatever_the_case_length(
    graph: Graph, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = refer(graph.tracker, clock)
    long = refer(graph.tracker, clock)
    decide_met(graph.tracker, clock, long)
    graph.project()
    recorder = graph.tracker.recorder
    select = recorder.select_events
    reads: list[UUID] = []

    def counted(originator_id: UUID, *args: Any, **kwargs: Any) -> Any:
        reads.append(originator_id)
        return select(originator_id, *args, **kwargs)

    monkeypatch.setattr(recorder, "select_events", counted)
    query = "query($id: ID!) { caseHistory(caseId: $id) { totalCount edges { node { version } } } }"
    counts = {}
    for case_id, events in ((short, 1), (long, 7)):
        for _ in range(2):  # the second read finds every event decoded already
            reads.clear()
            answer = graph.post("scrutineer", query, {"id": str(case_id)}).json()
            assert "errors" not in answer, answer
            assert answer["data"]["caseHistory"]["totalCount"] == events
            counts[(events, _)] = sum(1 for r in reads if r == case_id)
    # its first event (who may read it), its last version (the total) and the page
    assert set(counts.values()) == {3}
