"""Signing in and out of the web tracker, and who the visitor of a page is.

Sign-in takes an API key in a form (never in a URL), checks it as the API does and opens a
server-side session (``web/sessions.py``); the browser holds only the session's random
token, in a cookie that scripts cannot read (HttpOnly), that is sent to this site alone
(SameSite=Strict) and, behind HTTPS, only over HTTPS (Secure). Both forms carry a CSRF
token: the sign-in form one bound to a short-lived cookie, the sign-out form the
session's own; a post from another origin is refused.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from application.context import Principal
from application.keys import authenticate, key_id_of, principal_of_key
from domain.values import Role
from web.graph import PageError
from web.sessions import Session, Sessions

COOKIE = "srt_session"
SIGN_IN_COOKIE = "srt_sign_in"
# the roles the web tracker is for (agency systems and admins use the API and the CLI)
VISITORS = frozenset({Role.PARTNERSHIP, Role.PARTNER, Role.SCRUTINEER, Role.ANALYST})


@dataclass(frozen=True)
class Visitor:
    principal: Principal
    session: Session


class SignInRequiredError(Exception):
    """No live session: the visitor is sent to the sign-in page, then back."""

    def __init__(self, then: str) -> None:
        super().__init__(then)
        self.then = then


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.web_sessions
    return sessions


def secure(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (directly or through a proxy that said so
    and that uvicorn trusts), or the public address is HTTPS."""
    public: str = request.app.state.web_public_url
    return request.url.scheme == "https" or public.startswith("https://")


def set_cookie(request: Request, response: Response, name: str, value: str, path: str) -> None:
    response.set_cookie(
        name, value, path=path, httponly=True, samesite="strict", secure=secure(request)
    )


def current_visitor(request: Request) -> Visitor:
    """The signed-in visitor; ``SignInRequiredError`` without a live session."""
    then = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    session = sessions_of(request).find(request.cookies.get(COOKIE, ""))
    if session is None:
        raise SignInRequiredError(then)
    principal = principal_of_key(request.app.state.safeguarding, session.key_id)
    if principal is None or principal.role not in VISITORS:  # the key was revoked
        sessions_of(request).end(session.token)
        raise SignInRequiredError(then)
    request.state.principal_id = principal.id
    return Visitor(principal, session)


CurrentVisitor = Annotated[Visitor, Depends(current_visitor)]


def safe_next(then: str | None) -> str:
    """A page of this site to go back to (never another site's address)."""
    if not then or not then.startswith("/") or then.startswith("//") or "\\" in then:
        return "/"
    parts = urlsplit(then)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


def sign_in_redirect(then: str) -> RedirectResponse:
    return RedirectResponse(f"/sign-in?next={quote(then, safe='')}", status_code=303)


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


async def form_of(request: Request) -> dict[str, str]:
    """An HTML form's fields (``application/x-www-form-urlencoded``; small by the request
    guard's body limit)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def same_origin(request: Request) -> bool:
    """A post from this site: its Origin (which browsers send on every POST), when given,
    is this server's."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def check_sign_in(request: Request, fields: dict[str, str]) -> Principal:
    """The principal of the key posted in the sign-in form; ``PageError`` when the form is
    stale or forged, or the key does not sign in."""
    cookie = request.cookies.get(SIGN_IN_COOKIE, "")
    token = fields.get("csrf", "")
    if not same_origin(request) or not cookie or not hmac.compare_digest(cookie, token):
        raise PageError(400, "The sign-in form has expired. Please try again.")
    key = fields.get("key", "").strip()
    principal = authenticate(request.app.state.safeguarding, key) if key else None
    if principal is None:
        raise PageError(401, "Enter a valid API key")
    if principal.role not in VISITORS:
        raise PageError(403, f"The {principal.role.value} role uses the API, not the web tracker")
    return principal


def open_session(request: Request, key: str, then: str) -> Response:
    key_id = key_id_of(key.strip())
    assert key_id is not None  # authenticate accepted it
    session = sessions_of(request).open(key_id)
    response = RedirectResponse(safe_next(then), status_code=303)
    set_cookie(request, response, COOKIE, session.token, "/")
    response.delete_cookie(SIGN_IN_COOKIE, path="/sign-in")
    return response


def check_sign_out(request: Request, visitor: Visitor, fields: dict[str, str]) -> None:
    if not same_origin(request) or not hmac.compare_digest(
        visitor.session.csrf, fields.get("csrf", "")
    ):
        raise PageError(400, "The sign-out form has expired. Please try again.")
