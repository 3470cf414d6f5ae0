"""The FastAPI application: the REST surface agency systems post facts to (DESIGN §8).

``create_app`` is the composition root of the web process: settings, the Tracker, the key
cache, error handling, the routes and the request guard. ``uvicorn --factory
api.app:create_app`` (or ``tracker serve``) runs it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import health, problems
from api.deps import BadHeaderError, KeyCache
from api.graph.router import graphql_router
from api.metrics import Metrics, Observe
from api.metrics import router as metrics_router
from api.routes import commands, outbox, read_models, reads
from application import logs
from application.access import AccessLog
from application.service import Safeguarding
from application.settings import Settings

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

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

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

        if scope["method"] in _BODY_METHODS:
            ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if ctype != b"application/json":
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
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
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


async def _problem(
    send: Send, status: int, code: str, detail: str, scope: Scope, extra: tuple[bytes, bytes]
) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": problems._TITLES.get(status, "Error"),
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


class InProcessProjector:
    """The read models kept current by a thread of the API process (the embedded default,
    where there is no separate `tracker project`)."""

    def __init__(self, tracker: Safeguarding) -> None:
        self.tracker = tracker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="projector", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        # composes the read side for this process (as `tracker project` does for its own)
        from projections import read_models
        from projections.engine import Projector
        from projections.store import ReadStore

        store = ReadStore(self.tracker.settings)
        factory = partial(read_models, self.tracker)
        projector = Projector(self.tracker, store, factory("rm_"), factory=factory)
        try:
            while not self._stop.is_set():
                try:
                    projector.setup()
                    projector.follow(self._stop.is_set, poll=0.2)
                except Exception:
                    log.exception("projector failed; retrying in 5 s")
                    self._stop.wait(5)
        finally:
            store.close()


def _in_process_scheduler(tracker: Safeguarding) -> Any:
    """The scheduler as a thread of the API process (the embedded default; with several
    server processes one leads, by a file lock, and the others stand by)."""
    from scheduler.service import SchedulerService

    return SchedulerService(tracker.settings, tracker=tracker)


async def _bad_header(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadHeaderError)
    return problems.problem(request, 400, exc.code, exc.message)


def create_app(settings: Settings | None = None, *, tracker: Safeguarding | None = None) -> FastAPI:
    settings = settings or Settings()
    owned = tracker is None
    the_tracker = tracker or Safeguarding(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        follower = InProcessProjector(the_tracker) if settings.runs_projector_in_process else None
        app.state.projector = follower
        if follower is not None:
            follower.start()
        scheduler = _in_process_scheduler(the_tracker) if settings.runs_scheduler_in_api else None
        app.state.scheduler = scheduler
        if scheduler is not None:
            scheduler.start()
        yield
        if scheduler is not None:
            scheduler.stop()
        if follower is not None:
            follower.stop()
        if owned:
            the_tracker.close()

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
    )
    app.state.tracker = the_tracker
    app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
    problems.install(app)
    app.add_exception_handler(BadHeaderError, _bad_header)
    app.include_router(commands.router)
    app.include_router(reads.router)
    app.include_router(read_models.router)
    app.include_router(outbox.router)
    app.state.access_log = AccessLog(the_tracker.datastore)
    app.include_router(graphql_router(), prefix="/graphql", include_in_schema=False)
    app.include_router(health.router)
    app.include_router(metrics_router)
    app.state.metrics = Metrics(app)
    app.add_middleware(RequestGuard, max_body=settings.api_max_body_bytes)
    # outermost: measures and logs every answer, the guard's 413/415 included
    app.add_middleware(Observe, metrics=app.state.metrics)
    return app
