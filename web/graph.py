"""A page's reads: a GraphQL operation run in process against the API's own schema, as the
signed-in principal, with the request's id -- the same resolvers, role checks, redaction
and access-log entries as a GraphQL client gets (nothing re-implemented here)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.graph.context import GraphContext
from api.graph.schema import schema
from application.context import Principal

# the error codes of the schema and the status a page answers with for each
_STATUS = {
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "bad_argument": 400,
    "bad_cursor": 400,
    "invalid_value": 400,
    "too_few_to_show": 403,  # an analyst's filter that would single out fewer than 5
    "read_model_behind": 503,
    "access_log_unavailable": 503,
}


class PageError(Exception):
    """A page that cannot be shown: its status and what to tell the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def ask(
    request: Request, principal: Principal, document: str, **variables: Any
) -> dict[str, Any]:
    """The data of ``document`` for ``principal``; a ``PageError`` when it is refused."""
    state = request.app.state
    ctx = GraphContext(
        safeguarding=state.safeguarding,
        principal=principal,
        request_id=str(getattr(request.state, "request_id", "")),
        readers=state.readers,
        access_log=state.access_log,
    )
    result = await schema.execute(document, variables, context_value=ctx)
    if result.errors:
        error = result.errors[0]
        code = str((error.extensions or {}).get("code", "internal_error"))
        status = _STATUS.get(code, 500)
        message = {
            404: "There is no such case, or it is not one of your partnership's.",
            500: "Something went wrong on our side.",
        }.get(status, error.message)
        raise PageError(status, message)
    assert result.data is not None
    return result.data
