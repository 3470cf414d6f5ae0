"""A case: what the tracker says of it, its details for the roles that may read them
(logged), its clocks on a timeline with the same dates in a table, its history (who did
what, when), the integrity verdict of its hash chain, and its documents."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.routes.documents import answer
from application.errors import ApplicationError
from application.views import FULL_READERS
from documents.formats import DocumentError, Format
from documents.service import Asked, Documents, Kind
from domain.errors import DomainError
from web.auth import CurrentVisitor
from web.charts import Span, timeline
from web.graph import PageError, ask
from web.templates import page, words

router = APIRouter()

TRACKED = """
  id reference partnership area kind stage status incidentKind incidentOn lookedAfter ageBand
  decision receivedOn decidedOn notifiedOn submittedOn recommendation panelConcurs reviewType
  overdueCount version
  deadlines { clock subject startedOn dueOn stoppedOn status workingDaysLate watchOnly }
  scoping { agency requestedOn dueOn returnedOn status workingDaysLate }
  reviews { id reference reviewType commissionedOn publishedOn }
"""
# the case's details: the roles that read them in full (every read logged)
DETAILS = """
  personal {
    child {
      name alsoKnownAs dateOfBirth dateOfDeath nhsNumber gender ethnicity address lookedAfter
    }
    family { name relationship }
    referrer { name agency title }
  }
"""
AUDIT = """
  history: caseHistory(caseId: $id, first: 500) {
    totalCount
    edges { node { version type recordedAt effectiveOn actorId role agency person source hash } }
  }
  integrity: verifyCaseIntegrity(caseId: $id) {
    ok eventsChecked firstBrokenVersion problem lastVersionStored lastVersionSeenByReadModels
  }
"""


def case_id(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        raise PageError(404, "There is no such case.") from None


def spans(clocks: list[dict[str, Any]]) -> list[Span]:
    return [
        Span(
            label=words(c["clock"]) + (f" ({c['subject']})" if c["subject"] else ""),
            start=date.fromisoformat(c["startedOn"]),
            due=date.fromisoformat(c["dueOn"]),
            stop=date.fromisoformat(c["stoppedOn"]) if c["stoppedOn"] else None,
            status=c["status"],
        )
        for c in clocks
    ]


@router.get("/cases/{id}")
async def case(request: Request, visitor: CurrentVisitor, id: str) -> Response:
    full = visitor.principal.role in FULL_READERS
    document = (
        f"query WebCase($id: ID!) {{ case(id: $id) {{ {TRACKED} {DETAILS if full else ''} }}"
        f" {AUDIT if full else ''} }}"
    )
    data = await ask(request, visitor.principal, document, id=case_id(id))
    found = data["case"]
    if found is None:
        raise PageError(404, "There is no such case, or it is not one of your partnership's.")
    today = request.app.state.safeguarding.today()
    history = [e["node"] for e in data["history"]["edges"]] if full else []
    return page(
        request,
        "case.html",
        title=f"Case {found['reference']}",
        section="cases",
        visitor=visitor,
        case=found,
        full=full,
        history=history,
        integrity=data.get("integrity"),
        chart=timeline(
            spans(found["deadlines"]),
            today,
            f"The clocks of case {found['reference']}",
            "clocks",
        ),
        today=today,
        kinds=[k.value for k in Kind],
    )


@router.get("/cases/{id}/documents/{kind}")
def case_document(
    request: Request,
    visitor: CurrentVisitor,
    id: str,
    kind: str,
    format: Annotated[str, Query(pattern="^(pdf|docx)$")] = "pdf",
    agency: str | None = None,
) -> Response:
    """The document as the API's route gives it (``documents.service``: roles, the access
    log), for the signed-in visitor."""
    documents: Documents = request.app.state.documents
    try:
        wanted = Kind(kind)
    except ValueError:
        raise PageError(404, "There is no such document.") from None
    asked = Asked(
        visitor.principal,
        str(getattr(request.state, "request_id", "")),
        f"GET /cases/{{id}}/documents/{wanted.value}",
    )
    try:
        rendered = documents.case_document(
            asked, UUID(case_id(id)), wanted, Format(format), agency=agency
        )
    except (ApplicationError, DocumentError, DomainError) as refused:
        status = refused.status if isinstance(refused, DocumentError) else _status(refused)
        raise PageError(status, str(refused)) from None
    return answer(rendered)


def _status(error: Exception) -> int:
    code = str(getattr(error, "code", ""))
    return {"not_found": 404, "forbidden": 403}.get(code, 409)
