"""Limits, errors and the schema: query bombs are refused, unexpected errors masked, and the
committed schema file is the schema served."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from api.graph import schema as graph_schema
from application.service import Safeguarding
from application.settings import Settings
from projections import tracker as rm_tracker
from tests.support.clock import FakeClock
from tests.support.graph import Graph, graph_server

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


INTROSPECT = "{ __schema { queryType { name } } }"


def test_introspection_needs_a_key(graph: Graph) -> None:
    refused = graph.post(None, INTROSPECT).json()
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "unauthenticated"
    assert graph.post(None, '{ __type(name: "Query") { name } }').json()["errors"]
    answered = graph.post("analyst", INTROSPECT).json()
    assert answered["data"]["__schema"]["queryType"]["name"] == "Query"
    # __typename is not introspection
    assert graph.post(None, "{ __typename }").json()["data"] == {"__typename": "Query"}


def test_introspection_may_be_opened_to_everyone(
    make_settings: Callable[..., Settings], clock: FakeClock
) -> None:
    settings = make_settings(graphql_introspection_public=True, projector_in_process=False)
    app = Safeguarding(settings, clock=clock)
    with graph_server(settings, app) as g:
        answer = g.post(None, INTROSPECT).json()
    app.close()
    assert answer["data"]["__schema"]["queryType"]["name"] == "Query"


def test_client_errors_are_logged_at_info_and_only_the_unexpected_at_error(
    graph: Graph, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        graph.errors("staff", "{ cases { nosuchfield } }")  # invalid field
        graph.post(None, "{ cases { totalCount } }")  # no key
        graph.errors("analyst", "{ accessLog { totalCount } }")  # forbidden
    refusals = [r for r in caplog.records if r.name == "tracker.graphql"]
    assert len(refusals) == 3
    assert {r.levelno for r in refusals} == {logging.INFO}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(rm_tracker, "cases", broken)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        graph.post("staff", "{ cases { totalCount } }")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["tracker.graphql"]
