"""Relay conventions: types without a Node suffix, the Node interface, node(id:)."""

from __future__ import annotations

from application.generate import generate
from tests.e2e.graphql.helpers import walked
from tests.support.clock import FakeClock
from tests.support.graph import Graph

NODE = """query($id: ID!) { node(id: $id) {
  __typename id
  ... on Case { reference stage }
  ... on Review { reference reviewType caseIds }
} }"""


def test_a_case_and_a_review_are_nodes_fetched_again_by_their_raw_ids(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    case = graph.query("staff", NODE, id=case_id)["node"]
    assert case["__typename"] == "Case"
    assert case["id"] == case_id
    assert case["reference"].startswith("LEW-")
    # the same id the other fields take
    assert graph.query("staff", "query($id: ID!) { case(id: $id) { id } }", id=case_id)["case"] == {
        "id": case_id
    }

    generate(graph.tracker, 40, seed=7, batch=10)
    graph.project()
    reviews = graph.query("staff", "{ reviews(first: 1) { edges { node { id reference } } } }")
    [edge] = reviews["reviews"]["edges"]
    review = graph.query("staff", NODE, id=edge["node"]["id"])["node"]
    assert review["__typename"] == "Review"
    assert review["reference"] == edge["node"]["reference"]
    assert review["caseIds"]


def test_a_node_of_another_partnership_or_no_node_at_all_is_null(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    assert graph.query("hil_staff", NODE, id=case_id)["node"] is None
    assert graph.query("staff", NODE, id="0b6c6f3e-8d1b-4f5e-9a51-2f1c3c9f2a10")["node"] is None
    errors = graph.errors("staff", NODE, id="not-an-id")
    assert errors[0]["extensions"]["code"] == "bad_argument"


def test_type_names_carry_no_node_suffix() -> None:
    from api.graph.schema import schema

    text = schema.as_str()
    for name in ("Case", "Review", "Deadline", "Action", "AccessEntry"):
        assert f"type {name} " in text
        assert f"type {name}Connection " in text
        assert f"{name}Node" not in text
    assert "type Case implements Node" in text
    assert "type Review implements Node" in text
