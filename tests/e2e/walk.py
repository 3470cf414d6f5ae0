"""The seed timetable over HTTP, posting the OpenAPI examples in order (as a client would)."""

from __future__ import annotations

import copy
from typing import Any

from application.acts import EXAMPLES
from tests.e2e.conftest import Api

V1 = "/api/v1"


def body(use_case: str, **changes: Any) -> dict[str, Any]:
    b = copy.deepcopy(EXAMPLES[use_case])
    b.update(changes)
    return b


def ok(response: Any, status: int = 200) -> Any:
    """The decoded body of a response that must have ``status``."""
    assert response.status_code == status, response.text
    return response.json()


def refer(api: Api, as_: str = "mash", **changes: Any) -> str:
    answer = ok(
        api.post(
            f"{V1}/cases/serious-incidents", body("refer_serious_incident", **changes), as_=as_
        ),
        201,
    )
    return str(answer["id"])


def decide(api: Api, case: str, outcome: str = "met") -> None:
    ok(api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners")))
    ok(
        api.post(
            f"{V1}/cases/{case}/criteria-recommendation",
            body("recommend_criteria", recommendation=outcome),
        )
    )
    for who, partner in (("la", "local_authority"), ("police", "police"), ("icb", "icb")):
        ok(
            api.post(
                f"{V1}/cases/{case}/partner-decisions",
                body("record_partner_decision", partner=partner, decision=outcome),
                as_=who,
            )
        )
    ok(api.post(f"{V1}/cases/{case}/criteria-decision", body("decide_criteria", outcome=outcome)))


def scope(api: Api, case: str) -> None:
    ok(api.post(f"{V1}/cases/{case}/panel-notification", body("notify_national_panel")))
    ok(api.post(f"{V1}/cases/{case}/rapid-review", body("start_rapid_review")))
    ok(api.post(f"{V1}/cases/{case}/scoping-requests", body("request_scoping")))


def return_scoping(api: Api, case: str) -> None:
    ok(api.post(f"{V1}/cases/{case}/records-secured", body("secure_records"), as_="police_agency"))
    ok(api.post(f"{V1}/cases/{case}/scoping-returns", body("return_scoping"), as_="police_agency"))


def meet(api: Api, case: str) -> None:
    ok(api.post(f"{V1}/cases/{case}/rapid-review-meeting", body("hold_meeting")))


def approve_and_submit(api: Api, case: str) -> dict[str, Any]:
    for who, partner in (("la", "local_authority"), ("police", "police"), ("icb", "icb")):
        ok(
            api.post(
                f"{V1}/cases/{case}/report-approvals",
                body("approve_report", partner=partner),
                as_=who,
            )
        )
    ok(api.post(f"{V1}/cases/{case}/rapid-review-submission", body("submit_rapid_review")))
    answer: dict[str, Any] = ok(
        api.post(f"{V1}/cases/{case}/panel-response", body("receive_panel_response"))
    )
    return answer


def to_panel_response(api: Api) -> str:
    case = refer(api)
    decide(api, case)
    scope(api, case)
    return_scoping(api, case)
    meet(api, case)
    approve_and_submit(api, case)
    return case
