"""One POST endpoint for every act of DESIGN §3, each performing exactly one act.

Every route is derived from an act's declaration (application/acts/): its path and title,
its body model (api/schemas.py) and its example. Nothing here names an act.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at runtime.
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Response, status
from fastapi.openapi.models import Example

from api.deps import AppDep, Context
from api.schemas import CommandAnswer, Problem, command_kwargs, command_model
from application.acts import ACTS, Act, Creation, SubjectAct
from application.context import CommandResult

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
        id=result.id,
        reference=result.reference,
        version=result.version,
        position=result.position,
        action_id=result.action_id,
    )


def _body(act: type[Act]) -> Any:
    example: dict[str, Example] = {"example": {"summary": "a valid request", "value": act.example}}
    return Annotated[command_model(act), Body(openapi_examples=example)]


def _subject_endpoint(act: type[SubjectAct]) -> Callable[..., CommandAnswer]:
    def endpoint(
        aggregate_id: UUID, body: Any, ctx: Context, app: AppDep, response: Response
    ) -> CommandAnswer:
        assert act.id_field is not None
        performed = act(**{act.id_field: aggregate_id}, **command_kwargs(body))
        return answer(app.execute(ctx, performed), response)

    endpoint.__annotations__["body"] = _body(act)  # the model is built at runtime
    endpoint.__name__ = act.act_name
    return endpoint


def _creation_endpoint(act: type[Creation]) -> Callable[..., CommandAnswer]:
    def endpoint(body: Any, ctx: Context, app: AppDep, response: Response) -> CommandAnswer:
        result = app.execute(ctx, act(**command_kwargs(body)))
        response.headers["Location"] = f"/api/v1/{act.collection}/{result.id}"
        return answer(result, response)

    endpoint.__annotations__["body"] = _body(act)  # the model is built at runtime
    endpoint.__name__ = act.act_name
    return endpoint


for _act in ACTS:
    if issubclass(_act, SubjectAct):
        router.add_api_route(
            f"/{_act.collection}/{{aggregate_id}}/{_act.path}",
            _subject_endpoint(_act),
            methods=["POST"],
            summary=_act.title,
            tags=[_act.collection],
            response_model=CommandAnswer,
        )
    else:
        assert issubclass(_act, Creation)
        router.add_api_route(
            _act.path,
            _creation_endpoint(_act),
            methods=["POST"],
            summary=_act.title,
            tags=[_act.collection],
            response_model=CommandAnswer,
            status_code=status.HTTP_201_CREATED,
        )
