"""Errors on the GraphQL surface: every one says what kind it is in ``extensions.code`` (as
REST problems do), and an unexpected one is masked."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.graph.context import NotAuthenticatedError
from application.errors import ApplicationError
from projections.paging import BadCursorError


class BadArgumentError(ValueError):
    code = "bad_argument"


PUBLIC_ERRORS = (ApplicationError, NotAuthenticatedError, BadCursorError, BadArgumentError)


def code_of(error: BaseException | None) -> str:
    if isinstance(error, BadCursorError):
        return "bad_cursor"
    return str(getattr(error, "code", "bad_request"))


def client_code(error: GraphQLError) -> str | None:
    """The code of an error the request caused, or None for an unexpected one."""
    original = error.original_error
    if original is None:  # refused before execution: its own code, if it says one
        return str((error.extensions or {}).get("code", "invalid_query"))
    if isinstance(original, GraphQLError) or (
        error.path is None and isinstance(original, ValueError | TypeError)
    ):
        # the request itself: a document that does not validate, a variable its type
        # cannot hold (an Int past 32 bits), a null for an argument that takes none
        return "invalid_query"
    if isinstance(original, PUBLIC_ERRORS):
        return code_of(original)
    return None


class ErrorCodes(SchemaExtension):
    """Every error says what kind it is in ``extensions.code`` (as REST problems do), and an
    unexpected one is masked: its message, SQL or stack never leave the server (it is
    logged there)."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        answered = []
        for error in result.errors:
            code = client_code(error)
            if code is None:
                error = GraphQLError("Unexpected error.", nodes=error.nodes, path=error.path)
                code = "internal_error"
            error.extensions = {**(error.extensions or {}), "code": code}
            answered.append(error)
        result.errors = answered
