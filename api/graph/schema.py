"""The GraphQL schema: the root ``Query`` composed from one query class per feature, its
limits and error handling, and how an operation runs.

Each feature is a folder with its ``types.py`` and ``query.py``: ``cases`` (the tracker),
``deadlines``, ``reviews`` (and actions), ``statistics`` (and the read models' positions),
``audit`` (history, as-at replay, integrity, access log; ``log.py``: the verifiable log).
What they share is in this folder: ``context`` (per request), ``connections`` (Relay
pages), ``arguments``, ``limits``, ``errors``, ``enums`` and ``personal`` (personal data,
every read logged).

Roles (DESIGN §5): partnership staff, partners, scrutineers and analysts read the read
models of their partnerships (analysts pseudonymised, small counts suppressed); partnership
staff, partners and scrutineers read a case's full history, replay and integrity; the
access log is the scrutineer's. Agencies and admins read nothing here.
"""

from __future__ import annotations

import functools
import logging
from functools import partial
from typing import Any, cast

import anyio.to_thread
import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.extensions.tracing import OpenTelemetryExtensionSync
from strawberry.types import ExecutionResult

from api.graph.audit.log import LogQuery
from api.graph.audit.query import AuditQuery
from api.graph.cases.query import CasesQuery
from api.graph.context import GraphContext
from api.graph.deadlines.query import DeadlinesQuery
from api.graph.errors import ErrorCodes, client_code
from api.graph.fast import FastExecutionContext
from api.graph.introspection import IntrospectionNeedsKey
from api.graph.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from api.graph.node import NodeQuery
from api.graph.prepared import PreparedDocuments
from api.graph.reviews.query import ReviewsQuery
from api.graph.statistics.query import StatisticsQuery

log = logging.getLogger("tracker.graphql")


@strawberry.type
class Query(
    CasesQuery, DeadlinesQuery, ReviewsQuery, StatisticsQuery, AuditQuery, LogQuery, NodeQuery
):
    """Every root field; their order in the schema is the order of these classes."""


class ThreadedSchema(strawberry.Schema):
    """Runs each operation in a worker thread (the resolvers do blocking database I/O) with
    one read transaction, and writes the access log before the answer leaves: a read of
    personal data that cannot be logged is not answered."""

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        **kwargs: Any,
    ) -> ExecutionResult:
        run = functools.partial(
            self._run,
            query,
            variable_values,
            cast(GraphContext, context_value),
            root_value,
            operation_name,
            kwargs,
        )
        return await anyio.to_thread.run_sync(run)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: Any | None = None
    ) -> None:
        """A client's error (a bad query, a refused argument, no key) is logged at INFO with
        its code; only the unexpected at ERROR. Never a message: it may quote arguments."""
        for error in errors:
            code = client_code(error)
            if code is not None:
                log.info("graphql: refused (%s)", code)
            else:
                log.error("graphql: unexpected error", exc_info=error.original_error)

    def _run(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        ctx: GraphContext,
        root: Any,
        operation_name: str | None,
        kwargs: dict[str, Any],
    ) -> ExecutionResult:
        try:
            ctx.identify()
            result = self.execute_sync(query, variables, ctx, root, operation_name, **kwargs)
            statements = ctx.statements
        finally:
            ctx.close()  # ends the read transaction (on SQLite it holds the file's lock)
        try:
            ctx.write_access_log()
        except Exception:
            log.exception("the access log could not be written")
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "the read could not be logged, so nothing is returned",
                        extensions={"code": "access_log_unavailable"},
                    )
                ],
            )
        if result.extensions is None:
            result.extensions = {}
        result.extensions["cost"] = {"readModelStatements": statements}
        return result


def make_schema(*, tracing: bool = False) -> strawberry.Schema:
    """The schema with its limits (depth, aliases, tokens) and error codes; with
    ``tracing``, strawberry's OpenTelemetry spans (its sync extension: operations run in a
    worker thread), their resolver arguments left out."""
    extensions: list[Any] = [
        PreparedDocuments,
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ErrorCodes,
        IntrospectionNeedsKey,
    ]
    if tracing:
        extensions.append(partial(OpenTelemetryExtensionSync, arg_filter=_no_arguments))
    return ThreadedSchema(
        query=Query, extensions=extensions, execution_context_class=FastExecutionContext
    )


def _no_arguments(args: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}


schema = make_schema()


if __name__ == "__main__":  # python -m api.graph.schema > schema.graphql
    print(schema.as_str())
