"""Cases: no personal data for analysts; pages, filters and what a page costs; a read that
waits for the position a command returned."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from application.generate import generate
from application.keys import issue_key
from tests.e2e.graphql.helpers import EVERYTHING_AN_ANALYST_MAY_ASK, walked_among_others
from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.people import CHILD_NAME, MOTHER_NAME
from tests.support.scenario import refer

# Strings that identify the invented child and family: none may reach an analyst.
PERSONAL = (
    CHILD_NAME,
    MOTHER_NAME,
    "Marchbanks",
    "943 476 5919",
    "Imaginary Row",
    "2019-04-02",
    "unexplained injuries",
    "Ada Referrer",
)


def test_analysts_receive_no_personal_data_only_the_age_band_and_reference(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked_among_others(graph, clock)
    data = graph.query("analyst", EVERYTHING_AN_ANALYST_MAY_ASK, id=case_id)
    text = json.dumps(data)
    for personal in PERSONAL:
        assert personal not in text
    node = data["cases"]["edges"][0]["node"]
    assert node["personal"] is None
    assert data["case"] == {"reference": "LEW-2026-0001", "ageBand": "5-9", "personal": None}
    # partnership staff asking the same see who the child is
    staff = graph.query("staff", EVERYTHING_AN_ANALYST_MAY_ASK, id=case_id)
    assert staff["case"]["personal"]["child"]["name"] == CHILD_NAME


PAGE = """query($first: Int!, $after: String, $order: CaseOrder!, $dir: Direction!,
                 $filter: CaseFilter) {
  cases(first: $first, after: $after, orderBy: $order, direction: $dir, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id reference receivedOn nextDueOn stage
      deadlines { clock status dueOn } scoping { agency status } reviews { reference } } } } }"""


@pytest.fixture
def national(graph: Graph) -> str:
    """An analyst spanning every partnership (as national analysts may)."""
    codes = [p.code for p in graph.tracker.partnerships]
    key = issue_key(graph.tracker, principal_id="national", role="analyst", partnerships=codes)[0]
    graph.keys["national"] = key
    return "national"


def test_pages_walk_every_case_once_in_order_and_filters_narrow(
    graph: Graph, national: str
) -> None:
    generate(graph.tracker, 60, seed=3)
    graph.project()
    for order, key in (("RECEIVED_ON", "receivedOn"), ("NEXT_DUE_ON", "nextDueOn")):
        for direction in ("ASC", "DESC"):
            seen: list[dict[str, Any]] = []
            after = None
            while True:
                page = graph.query(
                    national, PAGE, first=7, after=after, order=order, dir=direction
                )["cases"]
                seen += [e["node"] for e in page["edges"]]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert page["totalCount"] == 60
            assert len({n["id"] for n in seen}) == 60
            values = [n[key] or "9999-12-31" for n in seen]
            assert values == sorted(values, reverse=direction == "DESC")
    overdue = graph.query(
        national, PAGE, first=100, order="RECEIVED_ON", dir="ASC", filter={"overdue": True}
    )["cases"]
    today = graph.tracker.today().isoformat()
    assert overdue["totalCount"] == len(overdue["edges"])
    assert all(e["node"]["nextDueOn"] < today for e in overdue["edges"])
    closed = graph.query(
        national, PAGE, first=100, order="RECEIVED_ON", dir="ASC", filter={"status": ["CLOSED"]}
    )["cases"]
    assert all(e["node"]["stage"] == "closed" for e in closed["edges"])
    assert overdue["totalCount"] + closed["totalCount"] < 60


def test_a_page_of_100_cases_with_their_deadlines_costs_the_statements_of_a_page_of_10(
    graph: Graph, national: str
) -> None:
    generate(graph.tracker, 130, seed=5)
    graph.project()
    costs = {}
    for first in (10, 100):
        answer = graph.post(
            national, PAGE, {"first": first, "order": "RECEIVED_ON", "dir": "ASC"}
        ).json()
        assert "errors" not in answer, answer
        assert len(answer["data"]["cases"]["edges"]) == first
        assert sum(len(e["node"]["deadlines"]) for e in answer["data"]["cases"]["edges"]) > first
        costs[first] = answer["extensions"]["cost"]["readModelStatements"]
    # one COUNT, one page, one for every deadline of the page, one for its reviews
    assert costs == {10: 4, 100: 4}


def test_a_read_waits_for_the_position_a_command_returned(graph: Graph, clock: FakeClock) -> None:
    graph.project()
    position = graph.tracker.recorder.max_notification_id() or 0
    refer(graph.tracker, clock)
    after = graph.tracker.recorder.max_notification_id() or 0
    assert after > position
    # the projector catches up a moment later, while the read waits for it
    late = graph.project_later(0.5)
    started = time.monotonic()
    data = graph.query(
        "staff", "query($p: Int) { cases(afterPosition: $p) { totalCount } }", p=after
    )
    late.join()
    assert data["cases"]["totalCount"] == 1
    assert time.monotonic() - started >= 0.4
    # and by header
    answer = graph.post("staff", "{ cases { totalCount } }", X_After_Position=str(after)).json()
    assert answer["data"]["cases"]["totalCount"] == 1


def test_a_read_handed_a_position_not_reached_in_time_says_so(
    graph: Graph, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.graph import context

    monkeypatch.setattr(context, "READ_WAIT_SECONDS", 0.2)
    graph.project()
    refer(graph.tracker, clock)
    after = graph.tracker.recorder.max_notification_id() or 0
    errors = graph.errors(
        "staff", "query($p: Int) { cases(afterPosition: $p) { totalCount } }", p=after
    )
    assert errors[0]["extensions"]["code"] == "read_model_behind"
