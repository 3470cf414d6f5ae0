"""Every error over HTTP: a problem+json with a stable code, and nothing recorded."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.walk import V1, body, decide, ok, refer


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    p: dict[str, Any] = response.json()
    assert p["code"] == code
    assert p["status"] == status
    assert p["title"]
    return p


def test_malformed_json_is_400(api: Api) -> None:
    case = refer(api)
    before = api.position()
    r = api.client.post(
        f"{V1}/cases/{case}/partners-alerted",
        content=b'{"on": "2025-10-06", ',
        headers={**api.headers("staff"), "Content-Type": "application/json"},
    )
    problem(r, 400, "malformed_json")
    assert api.position() == before


def test_a_bad_if_match_is_400(api: Api) -> None:
    case = refer(api)
    r = api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners"), If_Match="soon")
    problem(r, 400, "bad_if_match")


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "unauthenticated"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "unauthenticated"),
        ({"Authorization": "Bearer srt_000000000000_notakey"}, "unauthenticated"),
        ({"Authorization": "Bearer nonsense"}, "unauthenticated"),
    ],
)
def test_missing_or_invalid_keys_are_401(api: Api, headers: dict[str, str], code: str) -> None:
    before = api.position()
    r = api.client.post(
        f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"), headers=headers
    )
    problem(r, 401, code)
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert api.position() == before


def test_a_revoked_key_is_401(api: Api) -> None:
    from application.keys import list_keys, revoke_key

    mash = next(k for k in list_keys(api.tracker) if k.principal_id == "mash")
    revoke_key(api.tracker, mash.key_id)
    r = api.post(f"{V1}/cases/serious-incidents", body("refer_serious_incident"), as_="mash")
    problem(r, 401, "unauthenticated")


def test_a_role_that_may_not_act_is_403(api: Api) -> None:
    case = refer(api)
    r = api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners"), as_="mash")
    p = problem(r, 403, "forbidden")
    assert "agency role may not alert_partners" in p["detail"]


def test_an_unknown_case_and_another_partnerships_case_are_both_404(api: Api) -> None:
    case = refer(api)
    problem(
        api.post(f"{V1}/cases/{uuid.uuid4()}/partners-alerted", body("alert_partners")),
        404,
        "not_found",
    )
    problem(
        api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners"), as_="hil_staff"),
        404,
        "not_found",
    )
    problem(api.get(f"{V1}/cases/{case}", as_="hil_staff"), 404, "not_found")
    problem(api.get(f"{V1}/cases/not-a-uuid"), 422, "validation_failed")
    problem(api.get(f"{V1}/no-such-route"), 404, "not_found")


def test_an_act_at_the_wrong_stage_is_409_with_the_guards_message(api: Api) -> None:
    case = refer(api)
    before = api.position()
    p = problem(
        api.post(f"{V1}/cases/{case}/scoping-requests", body("request_scoping")),
        409,
        "panel_not_notified",
    )
    assert "notified first" in p["detail"]
    assert api.position() == before


def test_a_stale_if_match_is_409_with_the_current_version(api: Api) -> None:
    case = refer(api)
    ok(api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners"), If_Match='"1"'))
    r = api.post(
        f"{V1}/cases/{case}/criteria-recommendation", body("recommend_criteria"), If_Match='"1"'
    )
    p = problem(r, 409, "version_conflict")
    assert p["current_version"] == 2
    assert r.headers["ETag"] == '"2"'


def test_an_oversized_body_is_413(api: Api) -> None:
    before = api.position()
    big = body("refer_serious_incident")
    big["details"]["outline"] = "x" * 300_000
    r = api.post(f"{V1}/cases/serious-incidents", big, as_="mash")
    problem(r, 413, "body_too_large")
    assert api.position() == before


def test_a_body_that_is_not_json_is_415(api: Api) -> None:
    r = api.client.post(
        f"{V1}/cases/serious-incidents",
        content=b"partnership=LEW",
        headers={**api.headers("mash"), "Content-Type": "application/x-www-form-urlencoded"},
    )
    problem(r, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": 5}, "body.on"),
        ({"on": "yesterday"}, "body.on"),
        ({"on": "2025-02-30"}, "body.on"),
        ({"recipients": "police"}, "body.recipients"),
        ({"recipients": [1]}, "body.recipients.0"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_wrong_types_and_unknown_fields_are_422_per_field(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    case = refer(api)
    before = api.position()
    p = problem(
        api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners", **changes)),
        422,
        "validation_failed",
    )
    assert field in [e["field"] for e in p["errors"]]
    assert api.position() == before


def test_strict_booleans_are_not_guessed_from_strings(api: Api) -> None:
    case = refer(api)
    decide(api, case)
    r = api.post(
        f"{V1}/cases/{case}/panel-notification",
        body("notify_national_panel", secretary_of_state_and_ofsted="yes"),
    )
    problem(r, 422, "validation_failed")


def test_a_future_date_is_422(api: Api) -> None:
    case = refer(api)
    soon = (date.today() + timedelta(days=30)).isoformat()
    p = problem(
        api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners", on=soon)),
        422,
        "effective_date_in_future",
    )
    assert f"{soon} is in the future" in p["detail"]
    # further ahead than any act can be: refused before the domain's guards
    far = api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners", on="2999-01-01"))
    problem(far, 422, "effective_date_out_of_range")


def test_a_value_outside_the_forms_vocabulary_is_422_naming_the_choices(api: Api) -> None:
    case = refer(api)
    r = api.post(
        f"{V1}/cases/{case}/criteria-recommendation",
        body("recommend_criteria", recommendation="maybe"),
    )
    p = problem(r, 422, "validation_failed")
    [error] = p["errors"]
    assert error["field"] == "body.recommendation"
    assert "'met' or 'not_met'" in error["message"]


def test_an_area_outside_the_partnership_is_422(api: Api) -> None:
    r = api.post(
        f"{V1}/cases/serious-incidents", body("refer_serious_incident", area="Narnia"), as_="mash"
    )
    problem(r, 422, "unknown_area")


def test_the_openapi_schema_lists_the_choices_of_every_vocabulary(api: Api) -> None:
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["SafeguardingPartner"]["enum"] == ["local_authority", "police", "icb"]
    assert len(schemas["Recommendation"]["enum"]) == 10  # a) to j)
    # the eight criteria of seed 001 §2.2, and "none of the above"
    assert len(schemas["RapidReviewCriterion"]["enum"]) == 9
    assert schemas["RapidReviewCriterion"]["enum"][-1] == "none_of_the_above"


def test_the_same_idempotency_key_with_a_different_body_is_refused(api: Api) -> None:
    ok(
        api.post(
            f"{V1}/cases/serious-incidents",
            body("refer_serious_incident"),
            as_="mash",
            Idempotency_Key="k-1",
        ),
        201,
    )
    before = api.position()
    changed = body("refer_serious_incident", siblings_action="None")
    p = problem(
        api.post(f"{V1}/cases/serious-incidents", changed, as_="mash", Idempotency_Key="k-1"),
        422,
        "idempotency_key_reused",
    )
    assert "already used" in p["detail"]
    assert api.position() == before


def test_a_retried_post_returns_the_first_answer_and_status_and_records_one_event(api: Api) -> None:
    first = api.post(
        f"{V1}/cases/serious-incidents",
        body("refer_serious_incident"),
        as_="mash",
        Idempotency_Key="k-2",
    )
    position = api.position()
    again = api.post(
        f"{V1}/cases/serious-incidents",
        body("refer_serious_incident"),
        as_="mash",
        Idempotency_Key="k-2",
    )
    assert (again.status_code, again.json(), again.headers["Location"]) == (
        first.status_code,
        first.json(),
        first.headers["Location"],
    )
    assert api.position() == position


def test_request_ids_are_echoed_generated_and_stored_in_the_events(api: Api) -> None:
    r = api.post(
        f"{V1}/cases/serious-incidents",
        body("refer_serious_incident"),
        as_="mash",
        X_Request_ID="req-42",
    )
    assert r.headers["X-Request-ID"] == "req-42"
    generated = api.post(f"{V1}/cases/{r.json()['id']}/partners-alerted", body("alert_partners"))
    assert len(generated.headers["X-Request-ID"]) == 32
    events = list(api.tracker.events.get(uuid.UUID(r.json()["id"])))
    assert [e.audit.request_id for e in events] == ["req-42", generated.headers["X-Request-ID"]]  # type: ignore[attr-defined]


BAD_BODIES: list[Any] = [
    None,
    [],
    "text",
    0,
    {"on": None},
    {"on": []},
    {"on": {"$gt": ""}},
    {"recipients": None, "on": "2025-10-06"},
    {"on": "2025-10-06", "recipients": [None]},
    {"on": "2025-10-06" * 1000, "recipients": ["police"]},
]


@pytest.mark.parametrize("bad", BAD_BODIES, ids=[json.dumps(b)[:30] for b in BAD_BODIES])
def test_no_bad_input_produces_a_500_or_a_write(api: Api, bad: Any) -> None:
    case = refer(api)
    before = api.position()
    r = api.client.post(
        f"{V1}/cases/{case}/partners-alerted",
        content=json.dumps(bad).encode(),
        headers={**api.headers("staff"), "Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert api.position() == before
