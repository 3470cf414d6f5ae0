"""Who may ask what: every root field answers exactly the roles allowed to ask it, a key is
needed, and nothing crosses partnerships."""

from __future__ import annotations

import httpx

from tests.e2e.graphql.helpers import walked
from tests.support.clock import FakeClock
from tests.support.graph import Graph

ROOT_FIELDS: dict[str, str] = {
    "cases": "{ cases { totalCount } }",
    "case": "query($id: ID!) { case(id: $id) { reference } }",
    "deadlines": "{ deadlines { totalCount } }",
    "reviews": "{ reviews { totalCount } }",
    "actions": "{ actions { totalCount } }",
    "statistics": "{ statistics { cases { suppressed } } }",
    "readModels": "{ readModels { name lag } }",
    "caseHistory": "query($id: ID!) { caseHistory(caseId: $id, first: 1) { totalCount } }",
    "caseAsAt": "query($id: ID!) { caseAsAt(caseId: $id, version: 1) { version } }",
    "verifyCaseIntegrity": "query($id: ID!) { verifyCaseIntegrity(caseId: $id) { ok } }",
    "accessLog": "{ accessLog { edges { node { id } } } }",
}
READ_MODELS = {"cases", "case", "deadlines", "reviews", "actions", "statistics", "readModels"}
AUDIT_TRAIL = {"caseHistory", "caseAsAt", "verifyCaseIntegrity"}
# who -> the root fields it may query (everything else: forbidden)
ALLOWED: dict[str, set[str]] = {
    "staff": READ_MODELS | AUDIT_TRAIL,
    "la": READ_MODELS | AUDIT_TRAIL,
    "scrutineer": READ_MODELS | AUDIT_TRAIL | {"accessLog"},
    "analyst": READ_MODELS,
    "mash": set(),
    "admin": set(),
}


def test_every_root_field_answers_exactly_the_roles_allowed_to_ask(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    for who, allowed in ALLOWED.items():
        for field, document in ROOT_FIELDS.items():
            variables = {"id": case_id} if "$id" in document else {}
            if who == "analyst" and field == "cases":
                # one case: fewer than an analyst may see (a count under 5)
                errors = graph.errors(who, document, **variables)
                assert [e["extensions"]["code"] for e in errors] == ["too_few_to_show"], field
            elif field in allowed:
                data = graph.query(who, document, **variables)
                assert data[field] is not None, (who, field)
            else:
                errors = graph.errors(who, document, **variables)
                assert [e["extensions"]["code"] for e in errors] == ["forbidden"], (who, field)


def test_a_query_without_a_key_is_refused_and_a_bad_key_is_401(graph: Graph) -> None:
    answer = graph.post(None, "{ cases { totalCount } }").json()
    assert answer["errors"][0]["extensions"]["code"] == "unauthenticated"
    assert answer["data"] is None
    bad = graph.post(None, "{ cases { totalCount } }", Authorization="Bearer not-a-key")
    assert bad.status_code == 401
    ide = httpx.get(f"{graph.url}/graphql", headers={"Accept": "text/html"})
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()


def test_nothing_crosses_partnerships(graph: Graph, clock: FakeClock) -> None:
    case_id = walked(graph, clock)
    hil = "hil_staff"
    assert graph.query(hil, "{ cases { totalCount } }")["cases"]["totalCount"] == 0
    assert graph.query(hil, "{ deadlines { totalCount } }")["deadlines"]["totalCount"] == 0
    assert graph.query(hil, ROOT_FIELDS["case"], id=case_id)["case"] is None
    assert graph.query(hil, "{ statistics { cases { value } } }")["statistics"] == []
    for field in AUDIT_TRAIL:
        errors = graph.errors(hil, ROOT_FIELDS[field], id=case_id)
        assert errors[0]["extensions"]["code"] == "not_found", field
    errors = graph.errors(hil, '{ cases(partnership: "LEW") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "forbidden"
