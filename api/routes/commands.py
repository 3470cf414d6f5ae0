"""One POST endpoint for every act of DESIGN §3, each calling exactly one use case.

The table below is the whole REST write surface: path, use case, summary. Bodies are built
from the use case's signature (api/schemas.py); examples come from api/examples.py.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at runtime.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Response, status
from fastapi.openapi.models import Example

from api.deps import AppDep, Context
from api.examples import EXAMPLES
from api.schemas import CommandAnswer, Problem, command_kwargs, command_model
from application.context import CommandResult


@dataclass(frozen=True)
class Act:
    use_case: str  # the Tracker method
    path: str
    summary: str


CASE_ACTS = (
    Act("alert_partners", "partners-alerted", "Partners alerted (within 1 working day)"),
    Act("recommend_criteria", "criteria-recommendation", "Strategic lead's recommendation"),
    Act("record_partner_decision", "partner-decisions", "A safeguarding partner's decision"),
    Act("dispute_criteria", "criteria-dispute", "Partners disagree about the criteria"),
    Act("request_mediation", "mediation-request", "Scrutineer asked to mediate"),
    Act("conclude_mediation", "mediation-conclusion", "Mediation concluded"),
    Act("decide_criteria", "criteria-decision", "Criteria decided (met / not met)"),
    Act(
        "refer_to_learning_from_practice",
        "learning-from-practice-referral",
        "Not met: referred to the Learning from Practice group",
    ),
    Act("notify_national_panel", "panel-notification", "Local authority notified the Panel"),
    Act("start_rapid_review", "rapid-review", "Rapid review started, meeting date set"),
    Act("request_scoping", "scoping-requests", "Scoping form sent to an agency"),
    Act("secure_records", "records-secured", "An agency secured its records"),
    Act("return_scoping", "scoping-returns", "An agency returned its scoping form"),
    Act("hold_meeting", "rapid-review-meeting", "Rapid review meeting held (quorate)"),
    Act("approve_report", "report-approvals", "A lead partner approved the report"),
    Act("submit_rapid_review", "rapid-review-submission", "Report sent to the Panel"),
    Act("receive_panel_response", "panel-response", "The Panel's response received"),
    Act("consider_learning_referral", "learning-consideration", "Group considered the referral"),
    Act("inform_referrer", "referrer-informed", "Referrer informed of the outcome"),
    Act("close_case", "closure", "Case closed"),
    Act("reopen_case", "reopening", "Case reopened"),
    Act("correct_details", "corrections", "A mistake in the referral corrected"),
)

REVIEW_ACTS = (
    Act("agree_terms_of_reference", "terms-of-reference", "Terms of reference agreed"),
    Act("appoint_reviewer", "reviewer-appointments", "Independent chair or reviewer appointed"),
    Act("record_family_participation", "family-participation", "Family participation recorded"),
    Act("check_progress", "progress-checks", "Progress checked (SI 2018/789 reg 14)"),
    Act("defer_publication", "publication-deferral", "Publication deferred (clock paused)"),
    Act("resume_publication", "publication-resumption", "Publication no longer deferred"),
    Act("receive_final_report", "final-report", "Final report received"),
    Act("send_pre_publication_copy", "pre-publication-copy", "Copy sent to Panel / SoS"),
    Act("publish_review", "publication", "Review published"),
    Act("agree_action", "actions", "Action agreed (owner, due date); its id is A<n>"),
    Act("complete_action", "action-completions", "Action completed with evidence"),
    Act("disseminate_learning", "learning-disseminations", "Learning disseminated"),
    Act("close_review", "closure", "Review closed"),
)

CREATES = (
    Act("refer_serious_incident", "/cases/serious-incidents", "Serious incident referred"),
    Act("refer_practice_learning", "/cases/practice-learning", "Practice learning referred"),
    Act("commission_review", "/reviews", "Review or audit commissioned"),
)

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in {
        400: "malformed JSON or header",
        401: "missing, unknown or revoked API key",
        403: "the caller's role may not do this",
        404: "no such case (or not the caller's partnership)",
        409: "the case's state refuses the act, or a stale If-Match",
        413: "body too large",
        415: "body is not application/json",
        422: "invalid fields, or values the process refuses",
    }.items()
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def answer(result: CommandResult, response: Response) -> CommandAnswer:
    response.headers["ETag"] = f'"{result.version}"'
    return CommandAnswer(
        id=result.id, reference=result.reference, version=result.version, position=result.position
    )


def _body(use_case: str) -> Any:
    model = command_model(use_case)
    example: dict[str, Example] = {
        "example": {"summary": "a valid request", "value": EXAMPLES[use_case]}
    }
    return Annotated[model, Body(openapi_examples=example)]


def _act_endpoint(act: Act) -> Callable[..., CommandAnswer]:
    body_type = _body(act.use_case)

    def endpoint(
        aggregate_id: UUID, body: Any, ctx: Context, tracker: AppDep, response: Response
    ) -> CommandAnswer:
        use_case = getattr(tracker, act.use_case)
        return answer(use_case(ctx, aggregate_id, **command_kwargs(body)), response)

    endpoint.__annotations__["body"] = body_type  # the model is built at runtime
    endpoint.__name__ = act.use_case
    return endpoint


def _create_endpoint(act: Act, location: str) -> Callable[..., CommandAnswer]:
    body_type = _body(act.use_case)

    def endpoint(body: Any, ctx: Context, tracker: AppDep, response: Response) -> CommandAnswer:
        result = getattr(tracker, act.use_case)(ctx, **command_kwargs(body))
        response.headers["Location"] = f"/api/v1/{location}/{result.id}"
        return answer(result, response)

    endpoint.__annotations__["body"] = body_type  # the model is built at runtime
    endpoint.__name__ = act.use_case
    return endpoint


for _act in CASE_ACTS:
    router.add_api_route(
        "/cases/{aggregate_id}/" + _act.path,
        _act_endpoint(_act),
        methods=["POST"],
        summary=_act.summary,
        tags=["cases"],
        response_model=CommandAnswer,
    )
for _act in REVIEW_ACTS:
    router.add_api_route(
        "/reviews/{aggregate_id}/" + _act.path,
        _act_endpoint(_act),
        methods=["POST"],
        summary=_act.summary,
        tags=["reviews"],
        response_model=CommandAnswer,
    )
for _act in CREATES:
    router.add_api_route(
        _act.path,
        _create_endpoint(_act, "reviews" if _act.path == "/reviews" else "cases"),
        methods=["POST"],
        summary=_act.summary,
        tags=["reviews" if _act.path == "/reviews" else "cases"],
        response_model=CommandAnswer,
        status_code=status.HTTP_201_CREATED,
    )
