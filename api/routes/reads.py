"""What agency systems read back: a case as their role may see it, and their scoping."""

from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.deps import AppDep, CurrentPrincipal
from api.routes.commands import ERRORS
from application.access import AccessLog, entry
from application.views import ActionView, CaseView, ReviewView, ScopingView

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["reads"])


@router.get(
    "/cases/{case_id}", operation_id="get_case", summary="A case, as the caller's role may see it"
)
def get_case(
    case_id: UUID,
    principal: CurrentPrincipal,
    safeguarding: AppDep,
    request: Request,
    response: Response,
) -> CaseView:
    view = safeguarding.case_view(principal, case_id)
    if view.referral is not None:  # personal data: logged before it is answered
        log: AccessLog = request.app.state.access_log
        read = [f for f in ("referral", "incident") if getattr(view, f) is not None]
        log.append(
            [
                entry(
                    principal,
                    at=safeguarding.clock(),
                    partnership=view.partnership,
                    case_id=str(view.id),
                    reference=view.reference,
                    fields=read,
                    request_id=request.state.request_id,
                    operation="GET /api/v1/cases/{id}",
                )
            ]
        )
    response.headers["ETag"] = f'"{view.version}"'
    return view


@router.get(
    "/scoping-requests",
    operation_id="list_scoping_requests",
    summary="Scoping requests addressed to the caller's agency, with their status",
)
def scoping_requests(principal: CurrentPrincipal, safeguarding: AppDep) -> list[ScopingView]:
    return safeguarding.scoping_requests_for(principal)


@router.get(
    "/reviews/{review_id}",
    operation_id="get_review",
    summary="A review, with its clocks and its action plan",
)
def get_review(
    review_id: UUID, principal: CurrentPrincipal, safeguarding: AppDep, response: Response
) -> ReviewView:
    view = safeguarding.review_view(principal, review_id)
    response.headers["ETag"] = f'"{view.version}"'
    return view


@router.get(
    "/reviews/{review_id}/actions",
    operation_id="list_review_actions",
    summary="A review's actions, with their status",
)
def get_review_actions(
    review_id: UUID, principal: CurrentPrincipal, safeguarding: AppDep
) -> list[ActionView]:
    return list(safeguarding.review_view(principal, review_id).actions)
