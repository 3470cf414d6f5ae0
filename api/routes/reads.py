"""What agency systems read back: a case as their role may see it, and their scoping."""

from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import CurrentPrincipal, TrackerDep
from api.routes.commands import ERRORS
from application.views import CaseView, ScopingView

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["reads"])


@router.get("/cases/{case_id}", summary="A case, as the caller's role may see it")
def get_case(
    case_id: UUID, principal: CurrentPrincipal, tracker: TrackerDep, response: Response
) -> CaseView:
    view = tracker.case_view(principal, case_id)
    response.headers["ETag"] = f'"{view.version}"'
    return view


@router.get(
    "/scoping-requests",
    summary="Scoping requests addressed to the caller's agency, with their status",
)
def scoping_requests(principal: CurrentPrincipal, tracker: TrackerDep) -> list[ScopingView]:
    return tracker.scoping_requests_for(principal)
