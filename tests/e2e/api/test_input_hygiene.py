"""Input that could poison the read side is refused at the boundary, on every surface:
control characters in text (422 ``invalid_value``), nesting past the limit (400
``too_deep``), on SQLite and PostgreSQL, and nothing is recorded."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.api.test_errors import problem
from tests.e2e.conftest import Api
from tests.e2e.walk import V1, body, decide, refer


@pytest.mark.parametrize("bad", ["Metropolitan\u0000Police", "Met\u001bPolice", "Met\u0085"])
def test_a_control_character_in_an_acts_text_is_422_and_records_nothing(api: Api, bad: str) -> None:
    case = refer(api)
    decide(api, case)
    for path, use_case in (
        ("panel-notification", "notify_national_panel"),
        ("rapid-review", "start_rapid_review"),
    ):
        assert api.post(f"{V1}/cases/{case}/{path}", body(use_case)).status_code == 200
    before = api.position()
    r = api.client.post(
        f"{V1}/cases/{case}/scoping-requests",
        content=json.dumps(body("request_scoping", agency=bad)),
        headers={**api.headers("staff"), "Content-Type": "application/json"},
    )
    p = problem(r, 422, "invalid_value")
    assert "agency" in p["detail"]
    assert api.position() == before


def test_a_lone_surrogate_is_422(api: Api) -> None:
    before = api.position()
    r = api.client.post(
        f"{V1}/cases/serious-incidents",
        content=json.dumps(body("refer_serious_incident", area="a\ud800")),
        headers={**api.headers("mash"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text  # the JSON parser refuses it: validation_failed
    assert api.position() == before


def test_control_characters_nested_in_a_referral_are_422(api: Api) -> None:
    referral = body("refer_serious_incident")
    referral["details"]["child"]["name"] = "Tamsin\u0000Orrowby"
    before = api.position()
    p = problem(
        api.post(f"{V1}/cases/serious-incidents", referral, as_="mash"), 422, "invalid_value"
    )
    assert "details.child.name" in p["detail"]
    assert api.position() == before


def test_tab_and_newlines_are_text(api: Api) -> None:
    referral = body("refer_serious_incident")
    referral["details"]["outline"] = "first line\r\nsecond\tline\n"
    r = api.post(f"{V1}/cases/serious-incidents", referral, as_="mash")
    assert r.status_code == 201, r.text


def test_a_webhook_subscription_with_a_nul_in_its_agency_is_422(api: Api) -> None:
    r = api.post(
        f"{V1}/webhook-subscriptions",
        {"url": "https://receiver.example.org/hook", "agency": "a\u0000b"},
        Idempotency_Key="nul-agency",
    )
    problem(r, 422, "invalid_value")
    listed = api.get(f"{V1}/webhook-subscriptions")
    assert listed.status_code == 200
    assert listed.json() == []


def test_a_control_character_in_a_query_parameter_is_422(api: Api) -> None:
    problem(api.get(f"{V1}/tracker?agency=a%00b"), 422, "invalid_value")
    problem(api.get(f"{V1}/deliveries?status=%01"), 422, "invalid_value")


def _graphql(api: Api, payload: Any, as_: str = "analyst") -> Any:
    return api.client.post(
        "/graphql",
        content=payload if isinstance(payload, bytes) else json.dumps(payload),
        headers={**api.headers(as_), "Content-Type": "application/json"},
    )


CASES = "query($f: CaseFilter) { cases(filter: $f) { totalCount } }"


def test_graphql_variables_with_a_nul_are_422(api: Api) -> None:
    r = _graphql(api, {"query": CASES, "variables": {"f": {"area": "Lewi\u0000sham"}}})
    problem(r, 422, "invalid_value")


def test_graphql_arguments_spelling_a_control_character_are_422(api: Api) -> None:
    for spelled in ("\\u0000", "\\u{0}", "\\u001b", "\\uD800"):
        query = '{ cases(filter: {area: "Lewi' + spelled + 'sham"}) { totalCount } }'
        problem(_graphql(api, {"query": query}), 422, "invalid_value")
    fine = '{ cases(filter: {area: "Lewi\\u00e9sham\\n"}) { totalCount } }'
    assert _graphql(api, {"query": fine}).status_code == 200


def test_graphql_variables_nested_a_thousand_deep_are_400_without_a_key(api: Api) -> None:
    deep = "[" * 1000 + "]" * 1000
    raw = (
        '{"query": "query($f: CaseFilter) { cases(filter: $f) { totalCount } }", '
        '"variables": {"f": ' + deep + "}}"
    ).encode()
    r = _graphql(api, raw, as_="")
    problem(r, 400, "too_deep")
    objects = '{"a":' * 1000 + "1" + "}" * 1000
    r = _graphql(
        api, ('{"query": "{ readModels { name } }", "variables": ' + objects + "}").encode()
    )
    problem(r, 400, "too_deep")


def test_a_graphql_query_nested_a_thousand_deep_is_400(api: Api) -> None:
    query = "{" + "cases { " * 500 + "totalCount" + " }" * 500 + "}"
    problem(_graphql(api, {"query": query}), 400, "too_deep")
    get = api.client.get("/graphql", params={"query": query}, headers=api.headers("analyst"))
    problem(get, 400, "too_deep")


def test_deep_json_in_a_rest_body_is_a_4xx(api: Api) -> None:
    deep = '{"on": ' + "[" * 5000 + "]" * 5000 + "}"
    r = api.client.post(
        f"{V1}/cases/serious-incidents",
        content=deep,
        headers={**api.headers("mash"), "Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500, r.text


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("received_on", "0008-04-30", "effective_date_out_of_range"),
        ("received_on", "1989-12-31", "effective_date_out_of_range"),
        ("aware_on", "0001-01-01", "effective_date_out_of_range"),
    ],
)
def test_a_date_outside_the_sane_range_is_422(api: Api, field: str, value: str, code: str) -> None:
    before = api.position()
    r = api.post(f"{V1}/cases/serious-incidents", body("refer_serious_incident", **{field: value}))
    p = problem(r, 422, code)
    assert value in p["detail"]
    assert api.position() == before


def test_a_planned_date_more_than_a_year_ahead_is_422(api: Api) -> None:
    case = refer(api)
    decide(api, case)
    assert (
        api.post(f"{V1}/cases/{case}/panel-notification", body("notify_national_panel")).status_code
        == 200
    )
    r = api.post(
        f"{V1}/cases/{case}/rapid-review", body("start_rapid_review", meeting_on="2099-01-01")
    )
    problem(r, 422, "effective_date_out_of_range")
    incident = body("refer_serious_incident")
    incident["incident"]["occurred_on"] = "1900-01-01"
    problem(
        api.post(f"{V1}/cases/serious-incidents", incident, as_="mash"),
        422,
        "effective_date_out_of_range",
    )
