"""The process gaps of the seeds closed, over HTTP on SQLite and PostgreSQL: the clocks.

Each test drives the REST API on a fake clock through the example bodies (autumn 2025) and
reads the clocks back as the API gives them (the case's own view, the deadlines and tracker
read models, GraphQL statistics, and the scheduler's reminders and breaches).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from application.keys import issue_key
from entrypoints import bootstrap
from tests.e2e.api.gaps import RAPID_REVIEW_CLOCKS, GapsApi, gaps_api, referral
from tests.e2e.walk import V1, body, decide, meet, ok, return_scoping, scope


@pytest.fixture
def api(tmp_path: Path, make_settings: Callable[..., Any]) -> Iterator[GapsApi]:
    yield from gaps_api(tmp_path, make_settings)


def refer_death(api: GapsApi, **child: Any) -> str:
    b = referral(**child)
    b["incident"] = {**b["incident"], "kind": "death"}
    return str(ok(api.post(f"{V1}/cases/serious-incidents", b, as_="mash"), 201)["id"])


def test_a_care_leavers_death_starts_no_rapid_review_clock_anywhere(api: GapsApi) -> None:
    api.on(date(2025, 10, 10))
    case = refer_death(api, care_leaver=True, looked_after=False)
    decide(api, case)
    api.on(date(2025, 10, 13))
    ok(api.post(f"{V1}/cases/{case}/panel-notification", body("notify_national_panel")))
    ok(
        api.post(
            f"{V1}/cases/{case}/secretary-of-state-and-ofsted-notification",
            body("notify_secretary_of_state_and_ofsted"),
        )
    )
    api.on(date(2025, 10, 14))
    refused = api.post(f"{V1}/cases/{case}/rapid-review", body("start_rapid_review"))
    assert (refused.status_code, refused.json()["code"]) == (409, "wrong_stage")

    api.on(date(2025, 12, 1))  # long after any rapid-review clock would have been due
    clocks = api.clocks(case)
    assert not set(clocks) & RAPID_REVIEW_CLOCKS
    assert clocks["sos_ofsted_notification"]["status"] == "met"
    after = {"after": str(api.position())}
    deadlines = ok(api.client.get(f"{V1}/deadlines", params=after, headers=api.headers("staff")))
    assert {d["clock"] for d in deadlines if d["stream_id"] == case}.isdisjoint(RAPID_REVIEW_CLOCKS)
    [row] = ok(api.client.get(f"{V1}/tracker", params=after, headers=api.headers("staff")))
    assert row["next_clock"] not in RAPID_REVIEW_CLOCKS
    stats = api.client.post(
        "/graphql",
        json={"query": '{ statistics(partnership: "LEW") { timeliness { clock } } }'},
        headers=api.headers("staff"),
    ).json()
    measured = {t["clock"].lower() for t in stats["data"]["statistics"][0]["timeliness"]}
    assert measured
    assert measured.isdisjoint(RAPID_REVIEW_CLOCKS)
    jobs = bootstrap.scheduler_jobs(api.tracker)
    try:
        recorded = jobs.watch_clocks().recorded
    finally:
        jobs.close()
    assert recorded  # the referrer was never told: that one is breached
    assert {r.clock for r in recorded}.isdisjoint(RAPID_REVIEW_CLOCKS)


def test_a_looked_after_childs_death_needs_the_secretary_of_state_and_ofsted_told(
    api: GapsApi,
) -> None:
    api.on(date(2025, 10, 10))
    case = refer_death(api, looked_after=True)
    decide(api, case)
    api.on(date(2025, 10, 13))
    ok(api.post(f"{V1}/cases/{case}/panel-notification", body("notify_national_panel")))
    # aware Mon 6 Oct: due five working days on, Mon 13 Oct
    pending = api.clocks(case)["sos_ofsted_notification"]
    assert (pending["due_on"], pending["status"]) == ("2025-10-13", "pending")
    api.on(date(2025, 10, 14))
    assert api.clocks(case)["sos_ofsted_notification"]["status"] == "breached"
    ok(
        api.post(
            f"{V1}/cases/{case}/secretary-of-state-and-ofsted-notification",
            {**body("notify_secretary_of_state_and_ofsted"), "on": "2025-10-14"},
        )
    )
    told = api.clocks(case)["sos_ofsted_notification"]
    assert (told["status"], told["working_days_late"]) == ("met_late", 1)

    # a child neither looked after nor a care leaver: nothing to tell them
    other = str(ok(api.post(f"{V1}/cases/serious-incidents", referral(), as_="mash"), 201)["id"])
    refused = api.post(
        f"{V1}/cases/{other}/secretary-of-state-and-ofsted-notification",
        body("notify_secretary_of_state_and_ofsted"),
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "wrong_stage")
    assert "sos_ofsted_notification" not in api.clocks(other)


def test_a_dispute_about_the_outcome_is_mediated_then_approved_then_submitted(
    api: GapsApi,
) -> None:
    api.on(date(2025, 10, 24))
    case = str(ok(api.post(f"{V1}/cases/serious-incidents", referral(), as_="mash"), 201)["id"])
    decide(api, case)
    scope(api, case)
    return_scoping(api, case)
    meet(api, case)

    api.on(date(2025, 10, 27))
    ok(
        api.post(
            f"{V1}/cases/{case}/outcome-dispute", body("dispute_rapid_review_outcome"), as_="la"
        )
    )
    waiting = api.post(
        f"{V1}/cases/{case}/report-approvals",
        body("approve_report", partner="police"),
        as_="police",
    )
    assert (waiting.status_code, waiting.json()["code"]) == (409, "wrong_stage")
    assert api.case(case)["stage"] == "outcome_disputed"
    ok(
        api.post(
            f"{V1}/cases/{case}/outcome-mediation-request",
            body("request_outcome_mediation"),
            as_="scrutineer",
        )
    )
    api.on(date(2025, 10, 28))
    ok(
        api.post(
            f"{V1}/cases/{case}/outcome-mediation-conclusion",
            body("conclude_outcome_mediation"),
            as_="scrutineer",
        )
    )
    for who, partner in (("la", "local_authority"), ("police", "police"), ("icb", "icb")):
        ok(
            api.post(
                f"{V1}/cases/{case}/report-approvals",
                body("approve_report", partner=partner, on="2025-10-28"),
                as_=who,
            )
        )
    api.on(date(2025, 10, 29))
    ok(
        api.post(
            f"{V1}/cases/{case}/rapid-review-submission",
            body("submit_rapid_review", on="2025-10-29"),
        )
    )

    view = api.case(case)
    assert view["stage"] == "submitted_to_panel"
    approvals = [
        (c["subject"], c["started_on"], c["status"], c["due_on"])
        for c in view["clocks"]
        if c["clock"] == "report_approval"
    ]
    assert approvals == [
        # due two working days after the meeting; set aside by the dispute
        ("", "2025-10-24", "cancelled", "2025-10-28"),
        # two working days again from the mediation's conclusion: met
        ("after mediation", "2025-10-28", "met", "2025-10-30"),
    ]


def test_the_recommendation_the_referral_to_the_group_and_telling_the_referrer_are_timed(
    api: GapsApi,
) -> None:
    api.on(date(2025, 10, 14))
    case = str(ok(api.post(f"{V1}/cases/serious-incidents", referral(), as_="mash"), 201)["id"])
    ok(api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners")))
    # received Mon 6 Oct: the recommendation due Mon 13 Oct, made a day late; the decision
    # (also due then) is timed on its own and still open
    ok(
        api.post(
            f"{V1}/cases/{case}/criteria-recommendation",
            body("recommend_criteria", on="2025-10-14", recommendation="not_met"),
        )
    )
    clocks = api.clocks(case)
    recommendation = clocks["criteria_recommendation"]
    assert (recommendation["status"], recommendation["working_days_late"]) == ("met_late", 1)
    assert clocks["criteria_decision"]["status"] == "breached"

    for who, partner in (("la", "local_authority"), ("police", "police"), ("icb", "icb")):
        ok(
            api.post(
                f"{V1}/cases/{case}/partner-decisions",
                body(
                    "record_partner_decision", partner=partner, decision="not_met", on="2025-10-14"
                ),
                as_=who,
            )
        )
    ok(
        api.post(
            f"{V1}/cases/{case}/criteria-decision",
            body("decide_criteria", outcome="not_met", on="2025-10-14"),
        )
    )
    # not met and never referred to the group: no longer a silent stall. Lewisham's group has
    # no meeting dates configured, so the fallback: 20 working days, Tue 11 Nov
    api.on(date(2025, 11, 12))
    clocks = api.clocks(case)
    assert (
        clocks["learning_from_practice_referral"]["due_on"],
        clocks["learning_from_practice_referral"]["status"],
    ) == ("2025-11-11", "breached")
    # the referrer due to be told within 5 working days of the decision: Tue 21 Oct
    assert (clocks["referrer_informed"]["due_on"], clocks["referrer_informed"]["status"]) == (
        "2025-10-21",
        "breached",
    )
    ok(
        api.post(
            f"{V1}/cases/{case}/learning-from-practice-referral",
            body("refer_to_learning_from_practice", on="2025-11-12"),
        )
    )
    ok(api.post(f"{V1}/cases/{case}/referrer-informed", body("inform_referrer", on="2025-11-12")))
    clocks = api.clocks(case)
    assert clocks["learning_from_practice_referral"]["status"] == "met_late"
    assert clocks["referrer_informed"]["status"] == "met_late"
    assert clocks["learning_referral_considered"]["started_on"] == "2025-11-12"


def test_a_configured_start_fact_moves_hillingdons_submission_clock_and_no_one_elses(
    api: GapsApi,
) -> None:
    api.on(date(2025, 10, 13))
    hil_body = {**referral(), "partnership": "HIL", "area": "Hillingdon", "aware_on": "2025-10-01"}
    hil = str(ok(api.post(f"{V1}/cases/serious-incidents", hil_body, as_="hil_staff"), 201)["id"])
    lew_body = {**referral(), "aware_on": "2025-10-01"}
    lew = str(ok(api.post(f"{V1}/cases/serious-incidents", lew_body, as_="mash"), 201)["id"])
    for case, staff in ((hil, "hil_staff"), (lew, "staff")):
        for partner in ("local_authority", "police", "icb"):
            ok(
                api.post(
                    f"{V1}/cases/{case}/partner-decisions",
                    body("record_partner_decision", partner=partner),
                    as_=staff,
                )
            )
        ok(api.post(f"{V1}/cases/{case}/criteria-decision", body("decide_criteria"), as_=staff))
        ok(
            api.post(
                f"{V1}/cases/{case}/panel-notification", body("notify_national_panel"), as_=staff
            )
        )

    hil_clock = api.clocks(hil, as_="hil_staff")["rapid_review_submission"]
    lew_clock = api.clocks(lew)["rapid_review_submission"]
    # Hillingdon counts the 15 working days from becoming aware (Wed 1 Oct): Wed 22 Oct
    assert (hil_clock["started_on"], hil_clock["due_on"]) == ("2025-10-01", "2025-10-22")
    # Lewisham from the notification (Mon 13 Oct): Mon 3 Nov
    assert (lew_clock["started_on"], lew_clock["due_on"]) == ("2025-10-13", "2025-11-03")


def test_a_closure_day_moves_its_own_partnerships_due_days_and_no_one_elses(
    api: GapsApi,
) -> None:
    bhr_key, _ = issue_key(
        api.tracker, principal_id="bhr-staff", role="partnership", partnerships=["BHR"]
    )
    api.keys["bhr_staff"] = bhr_key
    api.on(date(2026, 1, 2))  # Friday; Lewisham is closed on Mon 5 Jan
    dated = {
        "received_on": "2026-01-02",
        "incident": {**body("refer_serious_incident")["incident"], "occurred_on": "2025-12-30"},
    }
    lew = str(
        ok(api.post(f"{V1}/cases/serious-incidents", {**referral(), **dated}, as_="mash"), 201)[
            "id"
        ]
    )
    bhr_body = {**referral(), **dated, "partnership": "BHR", "area": "Havering"}
    bhr = str(ok(api.post(f"{V1}/cases/serious-incidents", bhr_body, as_="bhr_staff"), 201)["id"])

    assert api.clocks(lew)["partners_alerted"]["due_on"] == "2026-01-06"
    assert api.clocks(bhr, as_="bhr_staff")["partners_alerted"]["due_on"] == "2026-01-05"


def test_a_deferral_cannot_overlap_another_and_a_late_one_does_not_move_the_due_day(
    api: GapsApi,
) -> None:
    api.on(date(2025, 11, 14))
    commission = body("commission_review", case_ids=[], theme="Neglect of infants")
    review = ok(api.post(f"{V1}/reviews", commission), 201)["id"]

    def due() -> dict[str, Any]:
        clocks = ok(api.get(f"{V1}/reviews/{review}"))["clocks"]
        found: dict[str, Any] = next(c for c in clocks if c["clock"] == "review_publication")
        return found

    assert due()["due_on"] == "2026-05-14"  # six calendar months
    api.on(date(2025, 12, 15))
    ok(
        api.post(
            f"{V1}/reviews/{review}/publication-deferral", {"on": "2025-12-01", "reason": "Trial."}
        )
    )
    ok(
        api.post(
            f"{V1}/reviews/{review}/publication-resumption", {"on": "2025-12-15", "reason": "Over."}
        )
    )
    assert due()["due_on"] == "2026-05-28"  # the 14 days paused
    overlapping = api.post(
        f"{V1}/reviews/{review}/publication-deferral", {"on": "2025-12-10", "reason": "Again."}
    )
    assert (overlapping.status_code, overlapping.json()["code"]) == (422, "invalid_value")
    assert due()["due_on"] == "2026-05-28"

    api.on(date(2026, 6, 10))  # past due: breached, and a deferral now cannot revive it
    ok(
        api.post(
            f"{V1}/reviews/{review}/publication-deferral", {"on": "2026-06-01", "reason": "Appeal."}
        )
    )
    late = due()
    assert (late["due_on"], late["status"]) == ("2026-05-28", "breached")
