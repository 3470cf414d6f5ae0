"""``/graphql`` on the FastAPI app: the same bearer keys and roles as REST, GraphiQL in the
browser (the page itself needs no key; every query does)."""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any

import orjson
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
    # no key: the GraphiQL page loads, and every query answers `unauthenticated`; a key is
    # read from the store (revocation at once) in the operation's worker thread, before the
    # operation (``ThreadedSchema``): one hand-off to a thread per request, not two
    identify = (
        functools.partial(principal_of, request, safeguarding, authorization)
        if authorization
        else None
    )
    after: int | None = None
    if x_after_position is not None:
        if not x_after_position.strip().isdigit():
            raise HTTPException(400, "X-After-Position must be a log position (a number)")
        after = int(x_after_position.strip())
    return GraphContext(
        safeguarding=safeguarding,
        principal=None,
        identify_with=identify,
        request_id=str(getattr(request.state, "request_id", "")),
        readers=request.app.state.readers,
        after_position=after,
        access_log=request.app.state.access_log,
    )


class _Router(GraphQLRouter[GraphContext, None]):
    """strawberry's router with the GraphiQL page it is given (served from the
    application's own files) instead of strawberry's, which loads GraphiQL from a CDN."""

    def __init__(self, ide_html: str | None, chosen: Any) -> None:
        super().__init__(chosen, context_getter=_context, graphql_ide="graphiql")
        self._ide_html = ide_html

    def encode_json(self, data: object) -> bytes:
        """The answer as JSON, by orjson (a 500-event history is ~1 MB: the standard
        library's encoder took a tenth of the request); what it cannot encode (an integer
        beyond 64 bits in a payload) by the standard library, as before."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data).encode()

    @property
    def graphql_ide_html(self) -> str:
        return self._ide_html if self._ide_html is not None else super().graphql_ide_html


def graphql_router(
    ide_html: str | None = None, *, tracing: bool = False
) -> GraphQLRouter[GraphContext, None]:
    """``/graphql``; GET from a browser answers ``ide_html`` (GraphiQL), else strawberry's;
    ``tracing``: with spans of each operation and resolver (never their arguments)."""
    return _Router(ide_html, make_schema(tracing=True) if tracing else schema)
