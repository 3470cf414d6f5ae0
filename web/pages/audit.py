"""The scrutineer's pages: a case as it stood at a version or at the end of a day (the
application's replay of its events), and the access log (who read whose personal data)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.base import LONDON
from domain.values import Role
from web.auth import CurrentVisitor, Visitor
from web.charts import timeline
from web.graph import PageError, ask
from web.pages.case import case_id, spans
from web.templates import page

router = APIRouter()

AS_AT = """
query WebCaseAsAt($id: ID!, $version: Int, $at: DateTime) {
  caseAsAt(caseId: $id, version: $version, at: $at) {
    id reference partnership version recordedAt asOf kind stage status receivedOn awareOn
    alertedOn decision decidedOn notifiedOn rapidReviewStartedOn meetingHeldOn
    rapidReviewRecommendation submittedOn panelConcurs closedOn
    scoping { agency requestedOn dueOn recordsSecuredOn returnedOn status }
    clocks { clock subject startedOn dueOn stoppedOn status workingDaysLate watchOnly }
    personal { child { name dateOfBirth } }
  }
  now: case(id: $id) { version }
}
"""
ACCESS = """
query WebAccessLog($after: String, $case: ID) {
  accessLog(first: 100, after: $after, caseId: $case) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id at principalId role partnership caseId reference fields requestId operation
    } }
  }
}
"""


def _scrutineer(visitor: Visitor) -> None:
    if visitor.principal.role is not Role.SCRUTINEER:
        raise PageError(403, "Replaying a case and the access log are the scrutineer's.")


@router.get("/cases/{id}/as-at")
async def as_at(
    request: Request, visitor: CurrentVisitor, id: str, version: str = "", day: str = ""
) -> Response:
    _scrutineer(visitor)
    errors: list[dict[str, str]] = []
    wanted_version: int | None = None
    at: datetime | None = None
    if version and day:
        errors.append({"text": "Give a version or a day, not both", "href": "#version"})
    elif version:
        if version.isdigit() and int(version) >= 1:
            wanted_version = int(version)
        else:
            errors.append({"text": "The version must be a whole number from 1", "href": "#version"})
    elif day:
        try:
            # as it stood at the end of that day, London time
            end = datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(), LONDON)
            at = end - timedelta(microseconds=1)
        except ValueError:
            errors.append({"text": "The day must be a real date, like 2027-01-14", "href": "#day"})
    snapshot = None
    chart = None
    latest = None
    if (wanted_version is not None or at is not None) and not errors:
        data = await ask(
            request,
            visitor.principal,
            AS_AT,
            id=case_id(id),
            version=wanted_version,
            at=at.isoformat() if at is not None else None,
        )
        snapshot = data["caseAsAt"]
        latest = data["now"]["version"] if data["now"] else None
        chart = timeline(
            spans(snapshot["clocks"]),
            date.fromisoformat(snapshot["asOf"]),
            f"The clocks of case {snapshot['reference']} as they stood",
            "clocks",
        )
    return page(
        request,
        "as_at.html",
        title="A case as it stood",
        section="cases",
        visitor=visitor,
        id=case_id(id),
        version=version,
        day=day,
        snapshot=snapshot,
        latest=latest,
        chart=chart,
        errors=errors,
    )


@router.get("/access-log")
async def access_log(
    request: Request, visitor: CurrentVisitor, after: str = "", case: str = ""
) -> Response:
    _scrutineer(visitor)
    data = await ask(
        request,
        visitor.principal,
        ACCESS,
        after=after or None,
        case=case_id(case) if case else None,
    )
    found = data["accessLog"]
    info = found["pageInfo"]
    return page(
        request,
        "access_log.html",
        title="Access log",
        section="access",
        visitor=visitor,
        rows=[e["node"] for e in found["edges"]],
        next_cursor=info["endCursor"] if info["hasNextPage"] else None,
        paged=bool(after),
        case=case,
    )
