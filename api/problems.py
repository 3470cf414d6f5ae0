"""Every failure as an RFC 9457 ``application/problem+json`` with a stable ``code``.

Bad input never becomes a 500: validation failures are 400/422 with per-field errors,
domain refusals are 409 (the case's state forbids the act) or 422 (the values are wrong),
and anything unexpected is masked as a 500 with no detail.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application import errors as app_errors
from application.config import UnknownAreaError, UnknownPartnershipError
from documents.formats import DocumentError
from domain import errors as domain_errors

log = logging.getLogger("tracker.api")

PROBLEM_JSON = "application/problem+json"

# Domain refusals about values (422) rather than the case's current state (409).
UNPROCESSABLE = (
    domain_errors.InvalidValueError,
    domain_errors.EffectiveDateInFutureError,
    domain_errors.EffectiveDateOutOfRangeError,
    domain_errors.EffectiveDateBeforeCaseBeganError,
    domain_errors.NotASafeguardingPartnerError,
    domain_errors.CorrectionNotAllowedError,
    domain_errors.MeetingNotQuorateError,
)


# RFC 9110's phrases where Python 3.11's http module still has the older ones
_RFC_9110 = {413: "Content Too Large", 422: "Unprocessable Content"}


def title(status: int) -> str:
    """With ``type: about:blank`` the title is the HTTP status phrase (RFC 9457 §4.2.1,
    RFC 9110 §15)."""
    if status in _RFC_9110:
        return _RFC_9110[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    request: Request | None,
    status: int,
    code: str,
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title(status),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": str(request.url.path) if request is not None else "",
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errs = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errs):
        return problem(request, 400, "malformed_json", "the body is not valid JSON")
    fields = [
        {
            "field": _field(tuple(e.get("loc", ()))),
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errs
    ]
    return problem(
        request, 422, "validation_failed", "the request has invalid fields", errors=fields
    )


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, domain_errors.DomainError)
    status = 422 if isinstance(exc, UNPROCESSABLE) else 409
    return problem(request, status, exc.code, exc.message)


async def _application(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, app_errors.ApplicationError)
    if isinstance(exc, app_errors.VersionConflictError):
        return problem(
            request,
            409,
            exc.code,
            exc.message,
            current_version=exc.current_version,
            headers={"ETag": f'"{exc.current_version}"'},
        )
    if isinstance(exc, app_errors.ReadModelBehindError):
        return problem(request, 503, exc.code, exc.message, headers={"Retry-After": "1"})
    status = {
        app_errors.NotFoundError: 404,
        app_errors.NotPermittedError: 403,
        app_errors.TooFewToShowError: 403,
        app_errors.IdempotencyKeyReusedError: 422,
        app_errors.ConcurrentWriteError: 409,
    }.get(type(exc), 400)
    return problem(request, status, exc.code, exc.message)


async def _configuration(request: Request, exc: Exception) -> JSONResponse:
    code = getattr(exc, "code", "invalid_value")
    return problem(request, 422, code, str(exc))


async def _document(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DocumentError)
    return problem(request, exc.status, exc.code, exc.message)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}
    return problem(
        request,
        exc.status_code,
        codes.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers=dict(exc.headers or {}),
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception(
        "unexpected error", extra={"request_id": getattr(request.state, "request_id", "")}
    )
    return problem(
        request,
        500,
        "internal_error",
        "an unexpected error; quote the X-Request-ID when reporting it",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(domain_errors.DomainError, _domain)
    app.add_exception_handler(app_errors.ApplicationError, _application)
    app.add_exception_handler(UnknownAreaError, _configuration)
    app.add_exception_handler(UnknownPartnershipError, _configuration)
    app.add_exception_handler(DocumentError, _document)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
