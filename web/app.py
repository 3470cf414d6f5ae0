"""The browser's side of the tracker, handed to ``api.app.create_app`` by the composition
root: the static files (GOV.UK Frontend, its fonts, Swagger UI, GraphiQL; installed by
``scripts/assets``), ``/docs`` and the GraphiQL page made from them, and the pages."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.app import Browser
from application.access import AccessLog
from application.service import Safeguarding
from web import auth
from web.graph import PageError
from web.pages import audit, case, statistics, tracker, work
from web.sessions import Sessions
from web.templates import TEMPLATES, page

log = logging.getLogger("tracker.web")

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"
# every page: only this origin's scripts, styles, fonts and images, never framed
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def graphiql_html() -> str:
    """GraphiQL from the application's own files, with its headers editor (for
    ``Authorization: Bearer <key>``)."""
    return (TEMPLATES / "graphiql.html").read_text()


def _docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API documentation",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
            # no badge from validator.swagger.io (Swagger UI asks it on any host but localhost)
            swagger_ui_parameters={"validatorUrl": None},
        )


class _SecurityHeaders:
    """The pages' security headers: this origin's files only, never framed, not sniffed.

    Plain ASGI (not Starlette's ``BaseHTTPMiddleware``, which ran every request, the API's
    commands too, through a task group and a memory stream of its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        inline = scope["path"] in ("/docs", "/graphql")  # those two run inline scripts

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not inline and headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = POLICY
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return page(request, "error.html", exc.status, title="Sorry", message=exc.message)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, auth.SignInRequiredError)
    return auth.sign_in_redirect(exc.then)


def browser(
    app: Safeguarding,
    access_log: AccessLog,
    *,
    idle: timedelta,
    lifetime: timedelta,
    public_url: str,
) -> Browser:
    """The web tracker on ``app`` (sessions beside its events, ending after ``idle``
    without a request or ``lifetime`` after sign-in)."""

    def install(web: FastAPI) -> None:
        if not (VENDOR / ".stamp").exists():
            log.warning("web/static/vendor is missing: run scripts/assets (the set-up does)")
        web.state.web_sessions = Sessions(app.datastore, app.clock, idle=idle, lifetime=lifetime)
        web.state.web_public_url = public_url
        web.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
        # GOV.UK Frontend's stylesheet names its fonts and images under /assets/
        web.mount(
            "/assets",
            StaticFiles(directory=VENDOR / "govuk" / "assets", check_dir=False),
            name="govuk-assets",
        )
        _docs(web)
        web.add_exception_handler(PageError, _page_error)
        web.add_exception_handler(auth.SignInRequiredError, _sign_in_required)
        for module in (tracker, case, work, statistics, audit):
            web.include_router(module.router, include_in_schema=False)

        web.add_middleware(_SecurityHeaders)

    return Browser(
        install=install, graphiql_html=graphiql_html(), form_paths=("/sign-in", "/sign-out")
    )
