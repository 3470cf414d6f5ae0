"""GraphQL fuzzed: arbitrary JSON as the variables of every root field's query, and
arguments generated from the schema (schemathesis' GraphQL support, on hypothesis-graphql),
as an analyst, partnership staff and a scrutineer, on SQLite and PostgreSQL: never a server
error, never an ``internal_error``."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from entrypoints import bootstrap
from tests.e2e.conftest import Api
from tests.e2e.walk import refer

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=10,
)

QUERIES = {
    "cases": "query($f: CaseFilter, $first: Int, $after: String, $p: String) "
    "{ cases(filter: $f, first: $first, after: $after, partnership: $p) { totalCount } }",
    "deadlines": "query($f: DeadlineFilter, $first: Int) "
    "{ deadlines(filter: $f, first: $first) { totalCount } }",
    "statistics": "query($from: Date, $to: Date, $p: Period) "
    "{ statistics(receivedFrom: $from, receivedTo: $to, period: $p) { cases { value } } }",
    "caseAsAt": "query($id: ID!, $v: Int, $at: DateTime) "
    "{ caseAsAt(caseId: $id, version: $v, at: $at) { version } }",
    "accessLog": "query($since: DateTime, $until: DateTime, $first: Int) "
    "{ accessLog(since: $since, until: $until, first: $first) { edges { node { id } } } }",
}
ROLES = ("analyst", "staff", "scrutineer")


def _built(api: Api) -> None:
    refer(api)
    projector = bootstrap.projector(api.tracker)
    projector.setup()
    projector.catch_up()
    projector.store.close()


def _check(api: Api, payload: dict[str, Any], who: str) -> None:
    r = api.client.post(
        "/graphql",
        content=json.dumps(payload),
        headers={**api.headers(who), "Content-Type": "application/json"},
    )
    assert r.status_code < 500, (payload, r.text)
    if r.headers["content-type"].startswith("application/json"):
        codes = [e.get("extensions", {}).get("code") for e in r.json().get("errors") or []]
        assert "internal_error" not in codes, (payload, r.text)


@pytest.mark.parametrize("field", sorted(QUERIES))
def test_arbitrary_variables_never_cause_a_server_error(api: Api, field: str) -> None:
    _built(api)
    names = [
        part.split(":")[0].strip()
        for part in QUERIES[field].split("(")[1].split(")")[0].split("$")
        if part
    ]

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(names, JSON)), st.sampled_from(ROLES))
    def fuzz(variables: dict[str, Any], who: str) -> None:
        _check(api, {"query": QUERIES[field], "variables": variables}, who)

    fuzz()


def test_queries_generated_from_the_schema_never_cause_a_server_error(api: Api) -> None:
    _built(api)
    schema = schemathesis.graphql.from_asgi(  # introspection needs a key
        "/graphql", api.client.app, headers={"Authorization": f"Bearer {api.keys['staff']}"}
    )
    operations = [cast(Any, result).ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # every root field
    for operation in operations:

        @settings(
            max_examples=5,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), who=st.sampled_from(ROLES))
        def fuzz(case: Any, who: str) -> None:
            _check(
                api, {"query": case.body if isinstance(case.body, str) else case.body["query"]}, who
            )

        fuzz()
