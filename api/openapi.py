"""The OpenAPI document as a client generator needs it, derived from the routes themselves.

FastAPI describes the happy path; this completes each operation from what the API does:

- **auth**: the bearer scheme (``components.securitySchemes.apiKey``) required by every
  operation;
- **operation ids**: an act's name for its route (``return_scoping``), the endpoint's name
  for the others (``get_case``, ``export``);
- **errors**: exactly the statuses the operation can give, each ``application/problem+json``
  with the ``Problem`` schema and the stable ``code`` values it can carry: 401 and 403
  always; 404 with a path parameter; 400 with a body or the command headers (malformed
  JSON, ``If-Match``, ``Idempotency-Key``, ``X-Acting-Person``); 413, 415 and 422 with a
  body; 422 with parameters; 409 for an act (the case's state, a stale ``If-Match``); 503
  ``read_model_behind`` with a position to wait for (``after`` / ``X-After-Position``); 406
  for what negotiates its format;
- **headers**: ``X-Request-ID`` on every answer, ``ETag`` on an act's, ``Location`` on a
  creation's, ``Retry-After`` on a 503; ``If-Match`` with its pattern;
- **roles**: an act's roles in its description and as ``x-roles``; ``x-acting-for`` names the
  body field an agency's or partner's key fills in when the body leaves it out;
- an example of each act's answer.

The committed ``openapi.json`` is this document (``python -m entrypoints.openapi``; a test
fails when it is stale) and a generated client is tested against a real server.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api import problems
from application import errors as app_errors
from application.acts import ACTS, Act, Creation
from domain import errors as domain_errors

SCHEME = "apiKey"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
IF_MATCH_PATTERN = r'^(W/)?"?[0-9]+"?$'
ACTS_BY_ID = {act.act_name: act for act in ACTS}


def _domain_codes() -> tuple[list[str], list[str]]:
    """The domain's refusal codes: (about the case's state: 409, about the values: 422)."""
    state: set[str] = set()
    values: set[str] = set()
    todo: list[type[domain_errors.DomainError]] = [domain_errors.DomainError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is domain_errors.DomainError:
            continue
        (values if issubclass(cls, problems.UNPROCESSABLE) else state).add(cls.code)
    return sorted(state), sorted(values)


_STATE, _VALUES = _domain_codes()

# status -> (what it means, the codes it can carry)
ERRORS: dict[int, tuple[str, list[str]]] = {
    400: (
        "a malformed header or JSON body",
        ["malformed_json", "bad_if_match", "bad_idempotency_key", "bad_acting_person"],
    ),
    401: ("no API key, or an unknown or revoked one", ["unauthenticated"]),
    403: ("the key's role or partnership may not do this", ["forbidden"]),
    404: ("no such case or review (or not the caller's partnership)", ["not_found"]),
    406: ("no format the Accept header names is offered", ["not_acceptable"]),
    409: (
        "the case's state refuses the act, or If-Match is stale",
        sorted({*_STATE, app_errors.VersionConflictError.code, "concurrent_write"}),
    ),
    413: ("the body is larger than the limit", ["body_too_large"]),
    415: ("the body is not application/json", ["unsupported_media_type"]),
    422: (
        "invalid fields, or values the process refuses",
        sorted(
            {
                *_VALUES,
                "validation_failed",
                "idempotency_key_reused",
                "unknown_area",
                "unknown_partnership",
                "invalid_value",
                "unknown_filter",
                "unsupported_format",
                "too_few_to_export",
            }
        ),
    ),
    503: (
        "the read models have not reached the position asked for yet: retry after the "
        "Retry-After seconds",
        [app_errors.ReadModelBehindError.code],
    ),
}

_REQUEST_ID = {
    "description": "the request's id (the caller's X-Request-ID when valid, else a new one); "
    "quote it when reporting a problem",
    "schema": {"type": "string"},
}


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, completed (cached on the app like FastAPI's own)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        webhooks=app.webhooks.routes,  # what the tracker posts to subscribers
        openapi_version=app.openapi_version,
        tags=app.openapi_tags,
        servers=app.servers,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    doc.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "an API key made with `tracker keys create`: `Authorization: Bearer <key>`",
    }
    schemas = doc["components"].setdefault("schemas", {})
    schemas.setdefault("Problem", _problem_schema())
    negotiated = {
        route.path_format: route
        for route in app.routes
        if isinstance(route, APIRoute) and 406 in (route.responses or {})
    }
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            act = ACTS_BY_ID.get(operation.get("operationId", ""))
            _complete(operation, method, act, negotiates=path in negotiated)
    app.openapi_schema = doc
    return doc


def operation_id(route: APIRoute) -> str:
    """An act's name for its route, the endpoint's name for the others."""
    return route.name


def _complete(
    operation: dict[str, Any], method: str, act: type[Act] | None, *, negotiates: bool
) -> None:
    operation["security"] = [{SCHEME: []}]
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    locations = {p["in"] for p in parameters}
    headers_checked = {p["name"].lower() for p in parameters if p["in"] == "header"} & {
        "idempotency-key",
        "if-match",
        "x-acting-person",
    }
    waits = any(p["name"].lower() in ("after", "x-after-position") for p in parameters)
    statuses = {401, 403}
    if "path" in locations or (act is not None and _names_others(act)):
        statuses.add(404)
    if has_body or headers_checked:
        statuses.add(400)
    if has_body:
        statuses |= {413, 415, 422}
    if parameters:
        statuses.add(422)
    if act is not None:
        statuses.add(409)
    if waits:
        statuses.add(503)
    if negotiates:
        statuses.add(406)
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for code in [c for c in responses if c.isdigit() and int(c) >= 400 and int(c) not in statuses]:
        del responses[code]
    for status in sorted(statuses):
        meaning, codes = ERRORS[status]
        headers = {"X-Request-ID": _REQUEST_ID}
        if status == 503:
            headers["Retry-After"] = {
                "description": "seconds to wait before asking again",
                "schema": {"type": "integer"},
            }
        if status == 401:
            headers["WWW-Authenticate"] = {"schema": {"type": "string"}}
        responses[str(status)] = {
            "description": f"{meaning}. `code`: {', '.join(f'`{c}`' for c in codes)}",
            "headers": headers,
            "content": {
                problems.PROBLEM_JSON: {
                    "schema": PROBLEM_REF,
                    "example": _problem_example(status, codes[0]),
                }
            },
        }
    for code, response in responses.items():
        if code.isdigit() and int(code) < 400:
            for media, content in response.get("content", {}).items():
                if not media.endswith("json") and not content.get("schema"):
                    content["schema"] = {"type": "string", "format": "binary"}  # a file
            headers = response.setdefault("headers", {})
            headers["X-Request-ID"] = _REQUEST_ID
            if act is not None or operation.get("operationId") in ("get_case", "get_review"):
                headers["ETag"] = {
                    "description": 'the version the case or review reached, e.g. "4": send it '
                    "as If-Match",
                    "schema": {"type": "string"},
                }
                content = response.get("content", {}).get("application/json")
                if content is not None and act is not None:
                    content["example"] = _answer_example(act)
            if code == "201":
                headers["Location"] = {
                    "description": "the new case's (or review's) address",
                    "schema": {"type": "string"},
                }
    for parameter in parameters:
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            parameter["schema"] = {**parameter.get("schema", {}), "pattern": IF_MATCH_PATTERN}
            parameter["schema"].pop("anyOf", None)
            parameter["schema"]["type"] = "string"
    if act is not None:
        roles = sorted(role.value for role in act.roles)
        operation["x-roles"] = roles
        operation["description"] = (
            f"{act.describe()}\n\nMay be performed by: {', '.join(roles)}."
            + (
                f" An agency's or partner's key may leave `{act.acting_for}` out: it is "
                "the key's own."
                if act.acting_for
                else ""
            )
        )
        if act.acting_for:
            operation["x-acting-for"] = act.acting_for


def _names_others(act: type[Act]) -> bool:
    """Whether the act's body names other cases or reviews (a review commissioned on cases),
    which may not exist or not be the caller's."""
    return any(f.name.endswith(("_id", "_ids")) for f in act.body_fields())


def _problem_schema() -> dict[str, Any]:
    from api.schemas import Problem

    schema: dict[str, Any] = Problem.model_json_schema()
    return schema


def _problem_example(status: int, code: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": problems.title(status),
        "status": status,
        "code": code,
        "detail": ERRORS[status][0],
        "instance": "/api/v1/...",
    }


def _answer_example(act: type[Act]) -> dict[str, Any]:
    creation = issubclass(act, Creation)
    return {
        "id": "0b6c6f3e-8d1b-4f5e-9a51-2f1c3c9f2a10",
        "reference": "LEW-R-2026-0001"
        if act.collection == "reviews" and creation
        else "LEW-2026-0007",
        "version": 1 if creation else 4,
        "position": 1234,
        "action_id": None,
    }


def install(app: FastAPI) -> None:
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
