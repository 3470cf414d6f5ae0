"""Dependencies shared by the routes: the application, the caller, the command context."""

from __future__ import annotations

import re
import threading
import time
from typing import Annotated, Any
from uuid import UUID

import anyio.to_thread
from fastapi import Depends, Header, HTTPException, Request

from application import logs
from application.context import CommandContext, Principal
from application.keys import authenticate
from application.service import Safeguarding
from domain.values import Source

_IF_MATCH = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')
_KEY_HEADER = re.compile(r"^[\x21-\x7e]{1,255}$")


class BadHeaderError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class KeyCache:
    """Verified keys for a few seconds, so a burst of commands costs one key lookup.

    A revoked key stops working within ``ttl`` seconds (0 disables the cache)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._seen: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def principal(self, safeguarding: Safeguarding, presented: str) -> Principal | None:
        now = time.monotonic()
        if self.ttl > 0:
            with self._lock:
                hit = self._seen.get(presented)
            if hit is not None and now - hit[0] < self.ttl:
                return hit[1]
        principal = authenticate(safeguarding, presented)
        if principal is not None and self.ttl > 0:
            with self._lock:
                if len(self._seen) > 10_000:
                    self._seen.clear()
                self._seen[presented] = (now, principal)
        return principal


# The dependencies that only pick something out of the request are ``async``: FastAPI runs
# a plain ``def`` dependency in a worker thread, one hand-off (and a wake-up of the event
# loop) each, and a command used to pay four of them before its own. Only the key's read,
# which blocks on the event store, goes to a worker thread (``get_principal``).


async def get_safeguarding(request: Request) -> Safeguarding:
    safeguarding: Safeguarding = request.app.state.safeguarding
    return safeguarding


AppDep = Annotated[Safeguarding, Depends(get_safeguarding)]


_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def principal_of(request: Request, safeguarding: Safeguarding, authorization: str) -> Principal:
    """The caller named by an ``Authorization`` header; 401 when it names nobody."""
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise HTTPException(401, "send Authorization: Bearer <api key>", headers=_CHALLENGE)
    cache: KeyCache = request.app.state.key_cache
    principal = cache.principal(safeguarding, presented.strip())
    if principal is None:
        raise HTTPException(
            401, "the API key is not valid (unknown or revoked)", headers=_CHALLENGE
        )
    request.state.principal_id = principal.id
    route = getattr(request.scope.get("route"), "path", "")
    logs.bind(principal_id=principal.id, **path_ids(str(route), request.path_params))
    return principal


def path_ids(route: str, params: dict[str, Any]) -> dict[str, str]:
    """The case or review a request's path names (for the logs), when it is a well-formed
    id: a path is free text, and anything else in it is not repeated in a log."""
    found: dict[str, str] = {}
    for param in ("case_id", "aggregate_id"):
        if param not in params:
            continue
        try:
            value = str(UUID(str(params[param])))
        except ValueError:
            continue
        found["review_id" if route.startswith("/api/v1/reviews/") else "case_id"] = value
    return found


async def get_principal(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    if not authorization:
        raise HTTPException(401, "send Authorization: Bearer <api key>", headers=_CHALLENGE)
    safeguarding: Safeguarding = request.app.state.safeguarding
    return await anyio.to_thread.run_sync(principal_of, request, safeguarding, authorization)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_context(
    request: Request,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(description="makes a retried POST safe: the first answer is returned again"),
    ] = None,
    if_match: Annotated[
        str | None,
        Header(description="the version you last saw; a stale one is refused (409)"),
    ] = None,
    x_acting_person: Annotated[
        str | None, Header(description="the person acting, where the agency system knows")
    ] = None,
) -> CommandContext:
    expected: int | None = None
    if if_match is not None:
        m = _IF_MATCH.match(if_match.strip())
        if not m:
            raise BadHeaderError("bad_if_match", 'If-Match must be a version number, e.g. "3"')
        expected = int(m.group(1))
    if idempotency_key is not None and not _KEY_HEADER.match(idempotency_key):
        raise BadHeaderError(
            "bad_idempotency_key", "Idempotency-Key must be 1-255 printable characters"
        )
    person = (x_acting_person or "").strip()
    if len(person) > 200:
        raise BadHeaderError("bad_acting_person", "X-Acting-Person is longer than 200 characters")
    return CommandContext(
        principal=principal,
        person=person,
        request_id=request.state.request_id,
        idempotency_key=idempotency_key or "",
        expected_version=expected,
        source=Source.API,
    )


Context = Annotated[CommandContext, Depends(get_context)]
