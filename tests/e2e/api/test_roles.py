"""The role x endpoint matrix of DESIGN §5, over HTTP, including cross-partnership 404s.

Written out by hand from the design (not read from the code's own table), so a change to
the policy that the design does not make fails here.
"""

from __future__ import annotations

import pytest

from application.acts import CASE_ACTS, CREATIONS, REVIEW_ACTS, Act
from tests.e2e.conftest import PRINCIPALS, Api
from tests.e2e.walk import V1, body, ok, to_panel_response

STAFF_ONLY = {"staff"}
ALLOWED: dict[str, set[str]] = {
    # agencies post referrals...
    "refer_serious_incident": {"staff", "mash", "police_agency"},
    "refer_practice_learning": {"staff", "mash", "police_agency"},
    # ...and scoping returns and records secured for requests addressed to their own agency
    # (the examples are addressed to the Metropolitan Police)
    "secure_records": {"staff", "police_agency"},
    "return_scoping": {"staff", "police_agency"},
    # partners record their own decision and approval (the examples are the LA's)
    "record_partner_decision": {"staff", "la"},
    "approve_report": {"staff", "la"},
    # the scrutineer mediates
    "request_mediation": {"staff", "scrutineer"},
    "conclude_mediation": {"staff", "scrutineer"},
    # a lead partner disputes the rapid review's outcome for itself (the example is the
    # LA's), and the scrutineer mediates that too (seed 001 "Sharing the Outcome")
    "dispute_rapid_review_outcome": {"staff", "la"},
    "request_outcome_mediation": {"staff", "scrutineer"},
    "conclude_outcome_mediation": {"staff", "scrutineer"},
}
READERS = {"staff", "la", "police", "icb", "scrutineer", "mash", "police_agency"}
EVERYONE = sorted(PRINCIPALS)


def allowed(use_case: str) -> set[str]:
    return ALLOWED.get(use_case, STAFF_ONLY)


def paths(case: str, review: str) -> list[tuple[type[Act], str]]:
    return (
        [(a, f"{V1}/cases/{case}/{a.path}") for a in CASE_ACTS]
        + [(a, f"{V1}/reviews/{review}/{a.path}") for a in REVIEW_ACTS]
        + [(a, f"{V1}{a.path}") for a in CREATIONS]
    )


@pytest.mark.parametrize("who", EVERYONE)
def test_each_role_may_do_exactly_what_the_design_allows(api: Api, who: str) -> None:
    case = to_panel_response(api)
    review = ok(api.post(f"{V1}/reviews", body("commission_review", case_ids=[case])), 201)["id"]
    outcomes: dict[str, int] = {}
    for act, path in paths(case, review):
        payload = body(act.act_name)
        if act.act_name == "commission_review":
            payload["case_ids"] = [case]
        outcomes[act.act_name] = api.post(path, payload, as_=who).status_code
    outcomes["get_case"] = api.get(f"{V1}/cases/{case}", as_=who).status_code
    outcomes["list_scoping"] = api.get(f"{V1}/scoping-requests", as_=who).status_code

    for use_case, status in outcomes.items():
        if who == "hil_staff":
            # a partnership role, but another partnership's cases do not exist for it
            assert status == (403 if use_case == "list_scoping" else 404), (use_case, status)
            continue
        if use_case == "get_case":
            may = who in READERS
        elif use_case == "list_scoping":
            may = who in {"mash", "police_agency"}
        else:
            may = who in allowed(use_case)
        if may:
            assert status not in (401, 403, 404, 500), (use_case, status)
        else:
            assert status == 403, (use_case, status)
