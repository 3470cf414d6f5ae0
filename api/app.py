"""The FastAPI application: the REST surface agency systems post facts to (DESIGN §8).

``create_app`` assembles the web app from the parts it is given: the key cache, error
handling, the routes, GraphQL, the probes and metrics, and the request guard. The parts
themselves (the write side, the access log, the outbox, the projector and scheduler
threads of the embedded default) are made by the composition root,
``entrypoints/bootstrap.py``; ``uvicorn --factory entrypoints.asgi:create_app`` (or
``tracker serve``) runs it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qs
from uuid import uuid4

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import health, inputs, openapi, problems
from api.deps import BadHeaderError, KeyCache
from api.graph.router import graphql_router
from api.metrics import Metrics, Observe
from api.metrics import router as metrics_router
from api.readers import Readers
from api.routes import commands, read_models, reads
from api.routes import documents as document_routes
from api.routes import outbox as outbox_routes
from api.routes.webhook_types import webhooks_router
from application import logs
from application.access import AccessLog
from application.outbox import Outbox
from application.service import Safeguarding
from application.settings import Settings
from documents.service import Documents

log = logging.getLogger("tracker.api")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class _TooLargeError(Exception):
    pass


class RequestGuard:
    """Pure ASGI middleware: request ids, body size limit (413), JSON-only bodies (415).

    Every response carries ``X-Request-ID`` (the caller's, when valid, else a new one),
    which the command context stores in each event's metadata.
    """

    def __init__(self, app: ASGIApp, max_body: int, form_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_body = max_body
        self.form_paths = form_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        logs.bind(request_id=request_id)
        rid_header = (b"x-request-id", request_id.encode())

        try:
            inputs.check_query_string(scope.get("query_string", b""))
            if scope["path"].rstrip("/") == "/graphql" and scope["method"] == "GET":
                query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
                inputs.check_graphql_request(b"", {k: v[0] for k, v in query.items()})
        except inputs.InputRefusedError as e:
            await _problem(send, e.status, e.code, e.message, scope, rid_header)
            return

        # whether a route takes the request is asked only of one about to be refused (trying
        # every route's pattern on each command was a few percent of a command's CPU)
        if scope["method"] in _BODY_METHODS:
            ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            form = ctype == b"application/x-www-form-urlencoded" and scope["path"] in (
                self.form_paths
            )
            if ctype != b"application/json" and not form and _routed(scope):
                await _problem(
                    send,
                    415,
                    "unsupported_media_type",
                    "send the body as application/json",
                    scope,
                    rid_header,
                )
                return
            length = headers.get(b"content-length")
            if (
                length is not None
                and (not length.isdigit() or int(length) > self.max_body)
                and _routed(scope)
            ):
                await _problem(
                    send,
                    413,
                    "body_too_large",
                    f"the body is larger than {self.max_body} bytes",
                    scope,
                    rid_header,
                )
                return

        received = 0
        started = False
        if scope["method"] == "POST" and scope["path"].rstrip("/") == "/graphql":
            # a GraphQL request is read whole (it is small: max_body) and checked before
            # the parser sees it: no nesting past MAX_NESTING, no control characters
            chunks = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > self.max_body:
                    await _problem(
                        send,
                        413,
                        "body_too_large",
                        f"the body is larger than {self.max_body} bytes",
                        scope,
                        rid_header,
                    )
                    return
                if not message.get("more_body", False):
                    break
            whole = b"".join(chunks)
            try:
                inputs.check_graphql_request(whole, {})
            except inputs.InputRefusedError as e:
                await _problem(send, e.status, e.code, e.message, scope, rid_header)
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": whole, "more_body": False}

            receive = replay

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLargeError
            return message

        async def tagged_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), rid_header]
            await send(message)

        try:
            await self.app(scope, limited_receive, tagged_send)
        except _TooLargeError:
            if started:
                raise
            await _problem(
                send,
                413,
                "body_too_large",
                f"the body is larger than {self.max_body} bytes",
                scope,
                rid_header,
            )


def _routed(scope: Scope) -> bool:
    """Whether a route takes this method at this path (else the router answers 404 or 405,
    and the body's type or size is beside the point)."""
    app = scope.get("app")
    routes = getattr(getattr(app, "router", None), "routes", None)
    if routes is None:
        return True
    return any(route.matches(scope)[0] is Match.FULL for route in routes)


async def _problem(
    send: Send, status: int, code: str, detail: str, scope: Scope, extra: tuple[bytes, bytes]
) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": problems.title(status),
            "status": status,
            "code": code,
            "detail": detail,
            "instance": scope.get("path", ""),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", problems.PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Background(Protocol):
    """A thread the web process runs beside the API (the embedded default's projector and
    scheduler): started when the app starts, stopped when it stops."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Browser:
    """What a browser is served beside the API, made by the composition root (the web
    tracker, ``web/``): ``install`` adds its pages, static files and the API documentation
    (``/docs``, ``/redoc``) to the app; ``graphiql_html`` is the GraphiQL page of
    ``/graphql``; ``form_paths`` are the paths that take HTML form posts (sign in, sign
    out), the only bodies other than JSON the request guard lets through."""

    install: Callable[[FastAPI], None]
    graphiql_html: str
    form_paths: tuple[str, ...] = ()


async def _bad_header(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadHeaderError)
    return problems.problem(request, 400, exc.code, exc.message)


def create_app(
    settings: Settings,
    safeguarding: Safeguarding,
    *,
    access_log: AccessLog,
    outbox: Outbox,
    readers: Readers,
    documents: Documents,
    projector: Background | None = None,
    scheduler: Background | None = None,
    close: Callable[[], None] | None = None,
    browser: Browser | None = None,
) -> FastAPI:
    """The web app on the parts it is given (``entrypoints.bootstrap.web_app`` makes them):
    the write side, the access log, the outbox, the readers of the read models (one per
    server thread), the documents, and the threads to run beside the API
    (``app.state.projector``, ``app.state.scheduler``), started and stopped with it;
    ``close`` runs last at shutdown (closing what the composer made for the app);
    ``browser`` (the web tracker) serves the pages, ``/docs`` and GraphiQL from the
    application's own files, else FastAPI's and strawberry's pages are used (from a CDN)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if projector is not None:
            projector.start()
        if scheduler is not None:
            scheduler.start()
        yield
        if scheduler is not None:
            scheduler.stop()
        if projector is not None:
            projector.stop()
        if close is not None:
            close()

    app = FastAPI(
        title="Safeguarding Review Tracker",
        version="1",
        summary="Record every act of the child safeguarding review process as an immutable fact.",
        description=(
            "Agency systems and partnership staff post facts here. Every POST takes an "
            "`Idempotency-Key` (a retry returns the first answer and records nothing) and an "
            "optional `If-Match: <version>`. Answers carry the case id, reference, version and "
            "log position. Errors are RFC 9457 `application/problem+json` with a stable `code`. "
            "Authenticate with `Authorization: Bearer <api key>`."
        ),
        lifespan=lifespan,
        # one schema per model (not X-Input and X-Output of the same title, which client
        # generators refuse as duplicates)
        separate_input_output_schemas=False,
        # FastAPI's own OpenTelemetry: spans only with TRACKER_TRACING (entrypoints/tracing.py
        # exports them without personal data); its logs (exception messages) and metrics never
        telemetry={
            "tracing": settings.tracing,
            "operation_spans": settings.tracing,
            "metrics": False,
            "logs": False,
        },
        # the browser's own /docs (from local files) replaces FastAPI's, from a CDN
        docs_url=None if browser is not None else "/docs",
        redoc_url=None if browser is not None else "/redoc",
    )
    app.state.safeguarding = safeguarding
    app.state.projector = projector
    app.state.scheduler = scheduler
    app.state.outbox = outbox
    app.state.readers = readers
    app.state.documents = documents
    app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
    problems.install(app)
    app.add_exception_handler(BadHeaderError, _bad_header)
    app.state.access_log = access_log
    ide = browser.graphiql_html if browser is not None else None
    # first: a route is found by trying each in turn, and a GraphQL read (the hottest path)
    # would otherwise be tried against every act's route before its own
    app.include_router(
        graphql_router(ide, tracing=settings.tracing), prefix="/graphql", include_in_schema=False
    )
    app.include_router(commands.router)
    app.include_router(reads.router)
    app.include_router(read_models.router)
    app.include_router(document_routes.router)
    app.include_router(outbox_routes.router)
    app.webhooks.include_router(webhooks_router())
    app.include_router(health.router)
    app.include_router(metrics_router)
    openapi.install(app)
    if browser is not None:
        browser.install(app)
    app.state.metrics = Metrics(app)
    app.add_middleware(
        RequestGuard,
        max_body=settings.api_max_body_bytes,
        form_paths=browser.form_paths if browser is not None else (),
    )
    # outermost: measures and logs every answer, the guard's 413/415 included
    app.add_middleware(Observe, metrics=app.state.metrics)
    return app
