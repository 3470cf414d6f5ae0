"""One POST endpoint for every act of DESIGN §3, each performing exactly one act.

Every route is derived from an act's declaration (application/acts/): its path and title,
its body model (api/schemas.py) and its example. Nothing here names an act.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at runtime.
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

import anyio.to_thread
from fastapi import APIRouter, Body, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example

from api.deps import AppDep, Context
from api.schemas import CommandAnswer, Problem, command_kwargs, command_model
from application.acts import ACTS, Act, Creation, SubjectAct
from application.context import CommandContext, CommandResult
from domain.values import Role

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


BOUND = frozenset({Role.AGENCY, Role.PARTNER})  # keys bound to one agency or partner


def _fields(act: type[Act], body: Any, ctx: CommandContext) -> dict[str, Any]:
    """The act's fields from the body; the agency or partner it is performed for, when the
    body leaves it out, is the key's own (an agency's or partner's key is bound to one)."""
    fields = command_kwargs(body)
    if act.acting_for is not None and fields.get(act.acting_for) is None:
        if ctx.principal.role not in BOUND or not ctx.principal.agency:
            raise RequestValidationError(
                [
                    {
                        "loc": ("body", act.acting_for),
                        "msg": "Field required (only an agency's or partner's key may leave "
                        "it out)",
                        "type": "missing",
                    }
                ]
            )
        fields[act.acting_for] = ctx.principal.agency
    return fields


# The endpoints are ``async`` and hand only the act to a worker thread: FastAPI runs a
# plain ``def`` endpoint in one, and then the answer's validation in another. With the
# key's read (``api.deps.get_principal``) a command makes two hand-offs, not five.


def _body(act: type[Act]) -> Any:
    example: dict[str, Example] = {"example": {"summary": "a valid request", "value": act.example}}
    return Annotated[command_model(act), Body(openapi_examples=example)]


def _subject_endpoint(act: type[SubjectAct]) -> Callable[..., Awaitable[CommandAnswer]]:
    async def endpoint(
        aggregate_id: UUID, body: Any, ctx: Context, app: AppDep, response: Response
    ) -> CommandAnswer:
        assert act.id_field is not None
        performed = act(**{act.id_field: aggregate_id}, **_fields(act, body, ctx))
        return answer(await anyio.to_thread.run_sync(app.execute, ctx, performed), response)

    endpoint.__annotations__["body"] = _body(act)  # the model is built at runtime
    endpoint.__name__ = act.act_name
    return endpoint


def _creation_endpoint(act: type[Creation]) -> Callable[..., Awaitable[CommandAnswer]]:
    async def endpoint(body: Any, ctx: Context, app: AppDep, response: Response) -> CommandAnswer:
        performed = act(**_fields(act, body, ctx))
        result = await anyio.to_thread.run_sync(app.execute, ctx, performed)
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
            operation_id=_act.act_name,
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
            operation_id=_act.act_name,
            summary=_act.title,
            tags=[_act.collection],
            response_model=CommandAnswer,
            status_code=status.HTTP_201_CREATED,
        )
