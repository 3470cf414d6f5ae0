"""Every endpoint's happy path over HTTP, walking the seed timetable (SQLite, PostgreSQL)."""

from __future__ import annotations

from application.acts import CASE_ACTS, CREATIONS, EXAMPLES, REVIEW_ACTS
from tests.e2e.conftest import POLICE, Api
from tests.e2e.walk import V1, body, decide, ok, refer, to_panel_response


def test_the_seed_timetable_from_referral_to_panel_response_over_http(api: Api) -> None:
    case = to_panel_response(api)

    view = ok(api.get(f"{V1}/cases/{case}"))
    assert view["reference"] == "LEW-2025-0001"
    assert view["stage"] == "panel_responded"
    assert view["version"] == 18
    assert view["panel_concurs"] is True
    assert [s["status"] for s in view["scoping"]] == ["met"]
    clocks = {(c["clock"], c["status"]) for c in view["clocks"]}
    assert ("rapid_review_submission", "met") in clocks
    assert ("panel_notification", "met") in clocks


def test_the_review_endpoints_commission_publish_and_complete_actions(api: Api) -> None:
    case = to_panel_response(api)
    created = api.post(f"{V1}/reviews", body("commission_review", case_ids=[case]))
    review = ok(created, 201)
    assert created.headers["Location"] == f"/api/v1/reviews/{review['id']}"
    assert review["reference"] == "LEW-R-2025-0001"
    rid = review["id"]
    for path, use_case in [
        ("terms-of-reference", "agree_terms_of_reference"),
        ("reviewer-appointments", "appoint_reviewer"),
        ("family-participation", "record_family_participation"),
        ("progress-checks", "check_progress"),
        ("publication-deferral", "defer_publication"),
        ("publication-resumption", "resume_publication"),
        ("final-report", "receive_final_report"),
        ("pre-publication-copy", "send_pre_publication_copy"),
        ("actions", "agree_action"),
        ("publication", "publish_review"),
        ("action-completions", "complete_action"),
        ("learning-disseminations", "disseminate_learning"),
        ("closure", "close_review"),
    ]:
        last = ok(api.post(f"{V1}/reviews/{rid}/{path}", body(use_case)))
    assert last["version"] == 14


def test_closing_reopening_and_correcting_a_case(api: Api) -> None:
    case = to_panel_response(api)
    ok(api.post(f"{V1}/cases/{case}/closure", body("close_case")))
    ok(api.post(f"{V1}/cases/{case}/reopening", body("reopen_case")))
    corrected = ok(api.post(f"{V1}/cases/{case}/corrections", body("correct_details")))
    view = ok(api.get(f"{V1}/cases/{case}"))
    assert view["version"] == corrected["version"] == 21
    assert view["referral"]["child"]["name"] == "Tamsin Orrowbie"


def test_a_practice_learning_referral_over_http(api: Api) -> None:
    created = api.post(f"{V1}/cases/practice-learning", body("refer_practice_learning"), as_="mash")
    case = ok(created, 201)["id"]
    assert created.headers["Location"] == f"/api/v1/cases/{case}"
    ok(api.post(f"{V1}/cases/{case}/learning-consideration", body("consider_learning_referral")))
    informed = ok(api.post(f"{V1}/cases/{case}/referrer-informed", body("inform_referrer")))
    assert informed["version"] == 3


def test_a_dispute_mediated_then_not_met_goes_to_learning_from_practice(api: Api) -> None:
    case = refer(api)
    for who, partner, decision in (
        ("la", "local_authority", "met"),
        ("police", "police", "not_met"),
        ("icb", "icb", "met"),
    ):
        ok(
            api.post(
                f"{V1}/cases/{case}/partner-decisions",
                body("record_partner_decision", partner=partner, decision=decision),
                as_=who,
            )
        )
    ok(api.post(f"{V1}/cases/{case}/criteria-dispute", body("dispute_criteria")))
    ok(
        api.post(
            f"{V1}/cases/{case}/mediation-request", body("request_mediation"), as_="scrutineer"
        )
    )
    ok(
        api.post(
            f"{V1}/cases/{case}/mediation-conclusion",
            body("conclude_mediation", outcome="not_met"),
            as_="scrutineer",
        )
    )
    ok(api.post(f"{V1}/cases/{case}/criteria-decision", body("decide_criteria", outcome="not_met")))
    referred = ok(
        api.post(
            f"{V1}/cases/{case}/learning-from-practice-referral",
            body("refer_to_learning_from_practice"),
        )
    )
    assert referred["version"] == 9
    assert ok(api.get(f"{V1}/cases/{case}"))["stage"] == "referred_to_learning_from_practice"


def test_an_agency_reads_the_scoping_requests_addressed_to_it(api: Api) -> None:
    case = refer(api)
    decide(api, case)
    ok(api.post(f"{V1}/cases/{case}/panel-notification", body("notify_national_panel")))
    ok(api.post(f"{V1}/cases/{case}/scoping-requests", body("request_scoping")))
    ok(api.post(f"{V1}/cases/{case}/scoping-requests", body("request_scoping", agency="Housing")))

    listed = ok(api.get(f"{V1}/scoping-requests", as_="police_agency"))

    assert [(s["case_id"], s["agency"]) for s in listed] == [(case, POLICE)]
    view = ok(api.get(f"{V1}/cases/{case}", as_="police_agency"))
    assert [s["agency"] for s in view["scoping"]] == [POLICE]
    assert view["referral"] is None  # the police did not post this referral


def test_the_openapi_document_has_an_example_for_every_endpoint(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    posts = {path: spec["post"] for path, spec in doc["paths"].items() if "post" in spec}
    # one POST per act of the process, and the webhook subscription
    assert len(posts) == len(CASE_ACTS) + len(REVIEW_ACTS) + len(CREATIONS) + 1
    assert "/api/v1/webhook-subscriptions" in posts
    for path, op in posts.items():
        content = op["requestBody"]["content"]["application/json"]
        assert content.get("examples"), f"{path} has no example"
        assert {"400", "401", "403", "413", "415", "422"} <= set(op["responses"]), path
        if op["operationId"] in EXAMPLES:  # an act: the case's state may refuse it
            assert "409" in op["responses"], path
        names_a_subject = "{" in path or op["operationId"] == "commission_review"
        assert ("404" in op["responses"]) is names_a_subject, path
    assert api.client.get("/docs").status_code == 200
