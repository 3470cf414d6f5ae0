"""No input, however malformed, makes the API answer 500 or write half a command.

Hypothesis sends each endpoint its example body with one field replaced by arbitrary JSON,
and arbitrary JSON documents as whole bodies.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.acts import CASE_ACTS, CREATIONS, EXAMPLES
from tests.e2e.conftest import Api
from tests.e2e.walk import V1, refer

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def mutated(use_case: str) -> st.SearchStrategy[dict[str, Any]]:
    example = EXAMPLES[use_case]
    return st.sampled_from(sorted(example)).flatmap(
        lambda field: JSON.map(lambda value: {**example, field: value})
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("act", CASE_ACTS, ids=[a.act_name for a in CASE_ACTS])
def test_mutated_bodies_never_cause_a_500(api: Api, act: Any) -> None:
    case = refer(api)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=mutated(act.act_name) | JSON)
    def check(body: Any) -> None:
        r = api.client.post(
            f"{V1}/cases/{case}/{act.path}",
            content=json.dumps(body).encode(),
            headers={**api.headers("staff"), "Content-Type": "application/json"},
        )
        assert r.status_code < 500, r.text
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"]

    check()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("act", CREATIONS, ids=[a.act_name for a in CREATIONS])
def test_mutated_referrals_and_commissions_never_cause_a_500(api: Api, act: Any) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=mutated(act.act_name) | JSON)
    def check(body: Any) -> None:
        r = api.client.post(
            f"{V1}{act.path}",
            content=json.dumps(body).encode(),
            headers={**api.headers("staff"), "Content-Type": "application/json"},
        )
        assert r.status_code < 500, r.text

    check()
