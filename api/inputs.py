"""What every request's input must be before anything reads it: no control characters in
its text, and no nesting deeper than the surface uses.

A NUL in a value that reaches PostgreSQL is a ``DataError`` (a 500, or worse: a stored
event that stops the read side), and JSON or a GraphQL document nested a thousand deep is
a ``RecursionError`` in the parser. Both are refused here, at the boundary, as problems:
422 ``invalid_value`` and 400 ``too_deep``. The acts' own text is checked where every
surface constructs them (``application.acts.base.Act``).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

from domain.values import CONTROL_CHARACTERS

MAX_NESTING = 32  # brackets and braces, in a JSON body or a GraphQL document

# Strings are skipped when counting nesting (their brackets are text).
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_GRAPHQL_TOKENS = re.compile(
    r'"""(?:\\"""|[^"]|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|[\[\]{}()]'
)
# A GraphQL string literal may spell a control character as an escape: \u0000, \u{0}.
_ESCAPED_CONTROL = re.compile(
    r"\\u(?:00[0-1][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})"
    r"|\\u\{0*(?:[0-1]?[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})\}"
)
_OPENING = frozenset("[{(")
_CLOSING = frozenset("]})")
_ALLOWED_ESCAPES = {"\\u0009", "\\u000a", "\\u000A", "\\u000d", "\\u000D"}


class InputRefusedError(ValueError):
    """Input refused before it is read: ``status`` and ``code`` make its problem."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _depth(tokens: re.Pattern[str], text: str) -> int:
    depth = deepest = 0
    for m in tokens.finditer(text):
        piece = m.group()
        if piece in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif piece in _CLOSING:
            depth -= 1
    return deepest


def check_json_nesting(text: str, what: str = "the body") -> None:
    if _depth(_JSON_TOKENS, text) > MAX_NESTING:
        raise InputRefusedError(400, "too_deep", f"{what} is nested deeper than {MAX_NESTING}")


def check_text(value: Any, what: str) -> None:
    """Every string in ``value`` (nested in lists and objects) is free of control
    characters (tab and newlines aside), else ``invalid_value``."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        if found is not None:
            raise InputRefusedError(
                422,
                "invalid_value",
                f"{what} contains the control character U+{ord(found.group()):04X}",
            )
    elif isinstance(value, list):
        for item in value:
            check_text(item, what)
    elif isinstance(value, dict):
        for k, item in value.items():
            check_text(k, what)
            check_text(item, f"{what}.{k}")


def check_query_string(raw: bytes) -> None:
    """The query string's parameters, decoded, carry no control character."""
    if raw:
        check_text(unquote_plus(raw.decode("latin-1")), "a query parameter")


def check_graphql_document(query: str) -> None:
    """A GraphQL document no deeper than ``MAX_NESTING`` whose string literals spell no
    control character."""
    if _depth(_GRAPHQL_TOKENS, query) > MAX_NESTING:
        raise InputRefusedError(400, "too_deep", f"the query is nested deeper than {MAX_NESTING}")
    check_text(query.replace("\t", " "), "the query")
    for m in _ESCAPED_CONTROL.finditer(query):
        if m.group() not in _ALLOWED_ESCAPES:
            raise InputRefusedError(
                422, "invalid_value", "a string in the query spells a control character"
            )


def check_graphql_request(body: bytes, params: dict[str, str]) -> None:
    """A GraphQL request (a JSON body, or the GET parameters) within the limits: its
    variables no deeper than ``MAX_NESTING`` and free of control characters, its document
    as ``check_graphql_document`` says."""
    payload: Any = {}
    if body:
        text = body.decode("utf8", errors="replace")
        check_json_nesting(text)
        try:
            payload = json.loads(text)
        except ValueError:
            return  # not JSON: the GraphQL router answers that
    else:
        payload = {"query": params.get("query")}
        variables = params.get("variables")
        if variables:
            check_json_nesting(variables, "the variables")
            try:
                payload["variables"] = json.loads(variables)
            except ValueError:
                return
    if not isinstance(payload, dict):
        return
    query = payload.get("query")
    if isinstance(query, str):
        check_graphql_document(query)
    check_text(payload.get("variables"), "the variables")
    check_text(payload.get("operationName"), "the operation name")
