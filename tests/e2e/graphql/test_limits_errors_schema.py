"""Limits, errors and the schema: query bombs are refused, unexpected errors masked, and the
committed schema file is the schema served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.graph import schema as graph_schema
from projections import tracker as rm_tracker
from tests.support.graph import Graph

ROOT = Path(__file__).resolve().parents[3]


def test_depth_alias_and_token_bombs_are_refused_with_a_clear_error(graph: Graph) -> None:
    deep = (
        "{ reviews { edges { node { cases { reviews { cases { reviews { cases { reviews { cases "
        "{ reference } } } } } } } } } } }"
    )
    errors = graph.errors("staff", deep)
    assert "exceeds maximum operation depth" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "invalid_query"

    aliases = "{ " + " ".join(f"a{i}: cases {{ totalCount }}" for i in range(40)) + " }"
    errors = graph.errors("staff", aliases)
    assert "aliases found" in errors[0]["message"].lower()

    tokens = "{ cases { " + "totalCount " * 3000 + "} }"
    answer = graph.post("staff", tokens).json()
    assert "token" in answer["errors"][0]["message"].lower()

    errors = graph.errors("staff", "{ cases(first: 1000) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "bad_argument"
    errors = graph.errors("staff", '{ cases(after: "not-a-cursor") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "bad_cursor"


def test_unexpected_errors_are_masked(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("SELECT secret FROM rm_tracker -- stack details")

    monkeypatch.setattr(rm_tracker, "cases", broken)
    answer = graph.post("staff", "{ cases { totalCount } }")
    assert answer.status_code == 200
    body = answer.text
    assert "secret" not in body
    assert "Traceback" not in body
    [error] = answer.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "internal_error"


def test_the_committed_schema_file_is_the_schema_the_code_serves() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == graph_schema.schema.as_str().strip(), (
        "schema.graphql is stale: run `python -m api.graph.schema > schema.graphql`"
    )
