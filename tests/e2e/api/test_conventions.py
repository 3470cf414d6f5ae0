"""HTTP conventions an integrator relies on: 405 for a method a path does not take (before
any check of the body), problem titles that are the HTTP phrases, and an act performed for an
agency or partner taking the key's own when the body leaves it out."""

from __future__ import annotations

from tests.e2e.conftest import Api
from tests.e2e.walk import V1, body, ok, refer


def test_a_method_the_path_does_not_take_is_405_whatever_the_body(api: Api) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        r = api.client.request(
            method,
            f"{V1}/tracker",
            content=b"x",
            headers={**api.headers("staff"), "Content-Type": "text/plain"},
        )
        assert r.status_code == 405, (method, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "method_not_allowed"
        assert r.json()["title"] == "Method Not Allowed"
        assert "GET" in r.headers["allow"]
    # a POST to a path that takes POST still checks its body's type first
    r = api.client.post(
        f"{V1}/cases/serious-incidents",
        content=b"x",
        headers={**api.headers("mash"), "Content-Type": "text/plain"},
    )
    assert r.status_code == 415


def test_problem_titles_are_the_http_phrases(api: Api) -> None:
    unauthenticated = api.client.get(f"{V1}/tracker")
    assert (unauthenticated.status_code, unauthenticated.json()["title"]) == (401, "Unauthorized")
    invalid = api.post(f"{V1}/cases/serious-incidents", {"partnership": "LEW"}, as_="mash")
    assert (invalid.status_code, invalid.json()["title"]) == (422, "Unprocessable Content")


def test_a_partners_key_may_leave_its_own_name_out(api: Api) -> None:
    case = refer(api)
    ok(api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners")))
    ok(api.post(f"{V1}/cases/{case}/criteria-recommendation", body("recommend_criteria")))
    decision = body("record_partner_decision")
    del decision["partner"]
    ok(api.post(f"{V1}/cases/{case}/partner-decisions", decision, as_="police"))
    view = ok(api.get(f"{V1}/cases/{case}"))
    assert view["version"] == 4
    # staff act for no one: they must say which partner
    r = api.post(f"{V1}/cases/{case}/partner-decisions", decision)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert r.json()["errors"][0]["field"] == "body.partner"
    # a partner naming another partner is refused as before
    other = body("record_partner_decision", partner="icb")
    assert api.post(f"{V1}/cases/{case}/partner-decisions", other, as_="police").status_code == 403
