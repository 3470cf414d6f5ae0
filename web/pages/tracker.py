"""Signing in and out, and the tracker: the cases filtered (stage, kind, overdue, received
between), the next due first, overdue clocks highlighted, a page at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import auth
from web.auth import CurrentVisitor
from web.graph import PageError, ask
from web.templates import page

router = APIRouter()

PAGE = 25
# where a case stands (``domain/case/state.py:CaseState.stage``), in the process's order
STAGES = (
    "referred",
    "partners_alerted",
    "recommendation_made",
    "partner_decisions",
    "criteria_disputed",
    "in_mediation",
    "mediation_concluded",
    "criteria_decided",
    "panel_notified",
    "rapid_review_started",
    "scoping",
    "rapid_review_meeting_held",
    "outcome_disputed",
    "outcome_in_mediation",
    "outcome_mediation_concluded",
    "report_approved",
    "submitted_to_panel",
    "panel_responded",
    "awaiting_learning_group",
    "referred_to_learning_from_practice",
    "learning_considered",
    "referrer_informed",
    "closed",
)
KINDS = ("SERIOUS_INCIDENT", "PRACTICE_LEARNING")

CASES = """
query WebTracker($filter: CaseFilter, $first: Int!, $after: String) {
  cases(filter: $filter, orderBy: NEXT_DUE_ON, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id reference partnership area kind stage status ageBand receivedOn
      nextClock nextClockSubject nextDueOn overdueCount
    } }
  }
}
"""


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/") -> Response:
    token = auth.new_sign_in_token()
    response = page(request, "sign_in.html", title="Sign in", csrf=token, then=auth.safe_next(next))
    auth.set_cookie(request, response, auth.SIGN_IN_COOKIE, token, "/sign-in")
    return response


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    fields = await auth.form_of(request)
    then = auth.safe_next(fields.get("next"))
    try:
        auth.check_sign_in(request, fields)
    except PageError as refused:
        token = auth.new_sign_in_token()
        response = page(
            request,
            "sign_in.html",
            refused.status,
            title="Sign in",
            csrf=token,
            then=then,
            error=refused.message,
        )
        auth.set_cookie(request, response, auth.SIGN_IN_COOKIE, token, "/sign-in")
        return response
    return auth.open_session(request, fields["key"], then)


@router.post("/sign-out")
async def sign_out(request: Request, visitor: CurrentVisitor) -> Response:
    auth.check_sign_out(request, visitor, await auth.form_of(request))
    auth.sessions_of(request).end(visitor.session.token)
    response = page(request, "signed_out.html", title="You have signed out")
    response.delete_cookie(auth.COOKIE, path="/")
    return response


def _day(value: str | None, label: str, errors: list[dict[str, str]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"text": f"{label} must be a real date, like 2027-01-14", "href": ""})
        return None


@router.get("/")
async def cases(
    request: Request,
    visitor: CurrentVisitor,
    stage: str = "",
    kind: str = "",
    overdue: str = "",
    received_from: str = "",
    received_to: str = "",
    after: str = "",
) -> Response:
    errors: list[dict[str, str]] = []
    wanted: dict[str, Any] = {}
    if stage in STAGES:
        wanted["stage"] = [stage]
    if kind in KINDS:
        wanted["kind"] = [kind]
    if overdue == "yes":
        wanted["overdue"] = True
    start = _day(received_from, "Received from", errors)
    end = _day(received_to, "Received to", errors)
    if errors:
        errors[0]["href"] = "#received-from" if start is None and received_from else "#received-to"
    if start is not None:
        wanted["receivedFrom"] = start.isoformat()
    if end is not None:
        wanted["receivedTo"] = end.isoformat()
    data = await ask(
        request, visitor.principal, CASES, filter=wanted, first=PAGE, after=after or None
    )
    found = data["cases"]
    query = {
        k: v
        for k, v in {
            "stage": stage,
            "kind": kind,
            "overdue": overdue,
            "received_from": received_from,
            "received_to": received_to,
        }.items()
        if v
    }
    return page(
        request,
        "tracker.html",
        title="Cases",
        visitor=visitor,
        rows=[e["node"] for e in found["edges"]],
        total=found["totalCount"],
        next_cursor=found["pageInfo"]["endCursor"] if found["pageInfo"]["hasNextPage"] else None,
        paged=bool(after),
        query=query,
        stages=STAGES,
        kinds=KINDS,
        errors=errors,
        today=request.app.state.safeguarding.today(),
    )
