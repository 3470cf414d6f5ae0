"""``/graphql`` on the FastAPI app: the same bearer keys and roles as REST, GraphiQL in the
browser (the page itself needs no key; every query does)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, HTTPException, Request
from strawberry.fastapi import GraphQLRouter

from api.deps import principal_of
from api.graph.context import GraphContext
from api.graph.schema import make_schema, schema


async def _context(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_after_position: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> GraphContext:
    safeguarding = request.app.state.safeguarding
    # no key: the GraphiQL page loads, and every query answers `unauthenticated`
    principal = principal_of(request, safeguarding, authorization) if authorization else None
    after: int | None = None
    if x_after_position is not None:
        if not x_after_position.strip().isdigit():
            raise HTTPException(400, "X-After-Position must be a log position (a number)")
        after = int(x_after_position.strip())
    return GraphContext(
        safeguarding=safeguarding,
        principal=principal,
        request_id=str(getattr(request.state, "request_id", "")),
        readers=request.app.state.readers,
        after_position=after,
        access_log=request.app.state.access_log,
    )


def graphql_router(*, tracing: bool = False) -> GraphQLRouter[GraphContext, None]:
    """``tracing``: with spans of each operation and resolver (never their arguments)."""
    chosen = make_schema(tracing=True) if tracing else schema
    return GraphQLRouter(chosen, context_getter=_context, graphql_ide="graphiql")
