"""The OpenAPI document a client generator is pointed at: committed, current, and complete
(auth, operation ids, the statuses and problem codes each operation can give, headers,
roles)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from api import problems
from application.acts import ACTS
from entrypoints import openapi

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return openapi.current()


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, m, op) for path, item in doc["paths"].items() for m, op in item.items()]


def test_the_committed_document_is_current() -> None:
    committed = (ROOT / "openapi.json").read_text()
    assert committed == openapi.text(), "openapi.json is stale: python -m entrypoints.openapi"


def test_every_operation_takes_the_bearer_key(doc: dict[str, Any]) -> None:
    scheme = doc["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, method, op in operations(doc):
        assert op["security"] == [{"apiKey": []}], (method, path)


def test_operation_ids_are_the_acts_names_and_plain_verbs_elsewhere(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids), ids
    assert {act.act_name for act in ACTS} <= set(ids)
    by_id = {op["operationId"]: op for _, _, op in operations(doc)}
    for act in ACTS:
        op = by_id[act.act_name]
        assert op["x-roles"] == sorted(r.value for r in act.roles)
        assert "May be performed by" in op["description"]
        if act.acting_for:
            assert op["x-acting-for"] == act.acting_for
            body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            model = doc["components"]["schemas"][body.rsplit("/", 1)[1]]
            assert act.acting_for not in model.get("required", [])


def test_errors_are_problem_json_with_their_codes(doc: dict[str, Any]) -> None:
    for path, method, op in operations(doc):
        errors = {int(c): r for c, r in op["responses"].items() if int(c) >= 400}
        assert {401, 403} <= set(errors), (method, path)
        for status, response in errors.items():
            content = response["content"]
            assert list(content) == [problems.PROBLEM_JSON], (method, path, status)
            assert content[problems.PROBLEM_JSON]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }
            assert content[problems.PROBLEM_JSON]["example"]["title"] == problems.title(status)
            assert "`code`:" in response["description"]
            assert "X-Request-ID" in response["headers"]
        if "{" in path:
            assert 404 in errors
        if method == "get":
            assert not {409, 413, 415} & set(errors), path
        waits = any(p["name"] in ("after", "X-After-Position") for p in op.get("parameters", []))
        assert (503 in errors) is waits, (method, path)
        if 503 in errors:
            assert "Retry-After" in errors[503]["headers"]


def test_the_headers_are_documented(doc: dict[str, Any]) -> None:
    refer = doc["paths"]["/api/v1/cases/serious-incidents"]["post"]
    assert {"Location", "ETag", "X-Request-ID"} <= set(refer["responses"]["201"]["headers"])
    alert = doc["paths"]["/api/v1/cases/{aggregate_id}/partners-alerted"]["post"]
    assert {"ETag", "X-Request-ID"} <= set(alert["responses"]["200"]["headers"])
    (if_match,) = [p for p in alert["parameters"] if p["name"] == "if-match"]
    assert re.fullmatch(if_match["schema"]["pattern"], '"3"')
    assert not re.fullmatch(if_match["schema"]["pattern"], "three")
    assert "idempotency-key" in {p["name"] for p in alert["parameters"]}
    assert alert["responses"]["200"]["content"]["application/json"]["example"]["version"] == 4


def test_problem_titles_are_the_http_phrases() -> None:
    assert problems.title(401) == "Unauthorized"
    assert problems.title(422) == "Unprocessable Content"
    assert json.loads(bytes(problems.problem(None, 409, "x").body))["title"] == "Conflict"
