"""The process gaps of the seeds closed, over HTTP on SQLite and PostgreSQL: what can now be
recorded (case action plans, the group's full outcomes, the wider forum, the forms' missing
fields, "none of the above", the rapid review's documentation) and read back (reviews and
their actions, the action id in the answer)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.e2e.api.gaps import GapsApi, gaps_api, referral
from tests.e2e.walk import V1, body, decide, ok, return_scoping, scope


@pytest.fixture
def api(tmp_path: Path, make_settings: Callable[..., Any]) -> Iterator[GapsApi]:
    yield from gaps_api(tmp_path, make_settings)


def refer(api: GapsApi, b: dict[str, Any] | None = None) -> str:
    answer = ok(api.post(f"{V1}/cases/serious-incidents", b or referral(), as_="mash"), 201)
    return str(answer["id"])


def test_a_case_keeps_its_own_action_plan_with_what_improved(api: GapsApi) -> None:
    api.on(date(2025, 10, 28))
    case = refer(api)
    decide(api, case)
    agreed = ok(api.post(f"{V1}/cases/{case}/actions", body("agree_case_action")))
    assert agreed["action_id"] == "A1"
    [action] = api.case(case)["actions"]
    assert (action["action_id"], action["owner_agency"], action["due_on"]) == (
        "A1",
        "Health visiting",
        "2026-01-30",
    )
    assert action["status"] == "pending"

    api.on(date(2026, 1, 20))
    done = ok(api.post(f"{V1}/cases/{case}/action-completions", body("complete_case_action")))
    assert done["action_id"] == "A1"
    [action] = api.case(case)["actions"]
    assert (action["completed_on"], action["status"]) == ("2026-01-20", "met")
    assert api.clocks(case)["action_due:A1"]["status"] == "met"
    completed = list(api.tracker.events.get(UUID(case)))[-1]
    assert type(completed).__qualname__ == "Case.ActionCompleted"
    assert completed.improvement == body("complete_case_action")["improvement"]  # type: ignore[attr-defined]

    again = api.post(f"{V1}/cases/{case}/action-completions", body("complete_case_action"))
    assert (again.status_code, again.json()["code"]) == (409, "already_recorded")


def test_a_review_and_its_actions_are_read_back_and_the_answer_names_the_action(
    api: GapsApi,
) -> None:
    api.on(date(2025, 11, 20))
    commission = body("commission_review", case_ids=[], theme="Neglect of infants")
    created = api.post(f"{V1}/reviews", commission)
    review = ok(created, 201)
    read = ok(api.client.get(created.headers["Location"], headers=api.headers("staff")))
    assert (read["reference"], read["theme"], read["actions"]) == (
        "LEW-R-2025-0001",
        "Neglect of infants",
        [],
    )
    first = ok(
        api.post(f"{V1}/reviews/{review['id']}/actions", body("agree_action", on="2025-11-20"))
    )
    second = ok(
        api.post(f"{V1}/reviews/{review['id']}/actions", body("agree_action", on="2025-11-20"))
    )
    assert (first["action_id"], second["action_id"]) == ("A1", "A2")
    # a retry answers the first answer again, action id included
    retried = [
        ok(
            api.post(
                f"{V1}/reviews/{review['id']}/actions",
                body("agree_action", on="2025-11-20"),
                idempotency_key="agree-A3",
            )
        )
        for _ in range(2)
    ]
    assert [r["action_id"] for r in retried] == ["A3", "A3"]
    actions = ok(api.get(f"{V1}/reviews/{review['id']}/actions"))
    assert [(a["action_id"], a["status"]) for a in actions] == [
        ("A1", "pending"),
        ("A2", "pending"),
        ("A3", "pending"),
    ]
    refused = api.get(f"{V1}/reviews/{review['id']}", as_="analyst")
    assert refused.status_code == 403
    assert api.get(f"{V1}/reviews/{review['id']}", as_="hil_staff").status_code == 404


@pytest.mark.parametrize(
    "outcome",
    ["practitioner_review", "action_plan", "briefing", "link_leder", "link_dhr", "link_sar"],
)
def test_the_group_may_decide_every_outcome_the_seeds_name(api: GapsApi, outcome: str) -> None:
    api.on(date(2025, 11, 5))
    learning = ok(
        api.post(f"{V1}/cases/practice-learning", body("refer_practice_learning"), as_="mash"),
        201,
    )["id"]
    ok(
        api.post(
            f"{V1}/cases/{learning}/learning-consideration",
            body("consider_learning_referral", outcome=outcome),
        )
    )
    assert api.case(learning)["stage"] == "learning_considered"


def test_learning_taken_to_hillingdons_quarterly_forum_is_timed_by_its_meetings(
    tmp_path: Path, make_settings: Callable[..., Any]
) -> None:
    toml_extra = "forum_every_weeks = 13\nforum_first_meeting = 2025-10-15\n"
    gen = gaps_api(tmp_path, make_settings, extra_hil_timescales=toml_extra)
    api = next(gen)
    try:
        api.on(date(2025, 11, 5))
        hil = {**body("refer_practice_learning"), "partnership": "HIL", "area": "Hillingdon"}
        case = ok(api.post(f"{V1}/cases/practice-learning", hil, as_="hil_staff"), 201)["id"]
        ok(
            api.post(
                f"{V1}/cases/{case}/learning-consideration",
                body("consider_learning_referral", outcome="wider_forum"),
                as_="hil_staff",
            )
        )
        # the forum met on 15 Oct and meets every 13 weeks: next on Wed 14 Jan 2026
        forum = api.clocks(case, as_="hil_staff")["learning_taken_to_forum"]
        assert (forum["due_on"], forum["status"]) == ("2026-01-14", "pending")
        api.on(date(2026, 1, 14))
        ok(
            api.post(
                f"{V1}/cases/{case}/forum",
                body("take_learning_to_forum", on="2026-01-14"),
                as_="hil_staff",
            )
        )
        assert api.clocks(case, as_="hil_staff")["learning_taken_to_forum"]["status"] == "met"
        # the group decided otherwise on another case: nothing to take to the forum
        other = ok(api.post(f"{V1}/cases/practice-learning", hil, as_="hil_staff"), 201)["id"]
        ok(
            api.post(
                f"{V1}/cases/{other}/learning-consideration",
                body("consider_learning_referral", on="2026-01-14"),
                as_="hil_staff",
            )
        )
        refused = api.post(
            f"{V1}/cases/{other}/forum",
            body("take_learning_to_forum", on="2026-01-14"),
            as_="hil_staff",
        )
        assert (refused.status_code, refused.json()["code"]) == (409, "wrong_stage")
    finally:
        gen.close()


def test_the_forms_missing_fields_are_recorded_and_read_back(api: GapsApi) -> None:
    api.on(date(2025, 10, 10))
    b = referral(previous_addresses=["3 Former Road, London"])
    b["details"]["family"][0].update(
        also_known_as="Bryony Orr",
        previous_addresses=["3 Former Road, London"],
        date_of_death="2025-10-04",
    )
    b["incident"] = {
        **b["incident"],
        "child_death_review_referral": True,
        "child_perpetrator": True,
        "adult_safeguarding_concerns": True,
        "adult_referral_form_shared": True,
        "adult_safeguarding_contact": "Adult MASH",
    }
    case = refer(api, b)
    view = api.case(case)
    mother = view["referral"]["family"][0]
    assert (mother["also_known_as"], mother["previous_addresses"], mother["date_of_death"]) == (
        "Bryony Orr",
        ["3 Former Road, London"],
        "2025-10-04",
    )
    assert view["referral"]["child"]["previous_addresses"] == ["3 Former Road, London"]
    incident = view["incident"]
    assert incident["child_death_review_referral"] is True
    assert incident["child_perpetrator"] is True
    assert incident["adult_referral_form_shared"] is True

    b["details"]["family"][0]["date_of_death"] = "2030-01-01"
    future = api.post(f"{V1}/cases/serious-incidents", b, as_="mash")
    assert (future.status_code, future.json()["code"]) == (422, "effective_date_in_future")


def test_none_of_the_above_is_told_from_not_recorded_and_the_documentation_is_kept(
    api: GapsApi,
) -> None:
    api.on(date(2025, 10, 24))
    case = refer(api)
    decide(api, case)
    scope(api, case)
    return_scoping(api, case)
    mixed = body("hold_meeting", criteria=["none_of_the_above", "recurrent_themes"])
    refused = api.post(f"{V1}/cases/{case}/rapid-review-meeting", mixed)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_value")
    alone = body(
        "hold_meeting",
        criteria=["none_of_the_above"],
        recommendation="h_no_further_action",
        documentation=["jar_minutes", "referral_form", "scoping_forms"],
    )
    ok(api.post(f"{V1}/cases/{case}/rapid-review-meeting", alone))
    held = list(api.tracker.events.get(UUID(case)))[-1]
    assert type(held).__qualname__ == "Case.RapidReviewMeetingHeld"
    assert list(held.criteria) == ["none_of_the_above"]  # type: ignore[attr-defined]
    assert list(held.documentation) == ["jar_minutes", "referral_form", "scoping_forms"]  # type: ignore[attr-defined]
    unknown = body("hold_meeting", documentation=["gossip"])
    assert api.post(f"{V1}/cases/{case}/rapid-review-meeting", unknown).status_code == 422
