"""Introspection (``__schema``, ``__type``) answers only a caller with a key, unless the
deployment opens it to everyone (``TRACKER_GRAPHQL_INTROSPECTION_PUBLIC``): the schema is no
secret (schema.graphql is in the repository), but an open endpoint that describes itself to
anyone invites probing. ``__typename`` is always allowed."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, FieldNode, GraphQLError, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class _Finder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.found = True


def introspects(document: DocumentNode) -> bool:
    finder = _Finder()
    visit(document, finder)
    return finder.found


class IntrospectionNeedsKey(SchemaExtension):
    """Refuses, before validation, an operation that introspects the schema without a key."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        context = ctx.context
        public = bool(
            getattr(
                getattr(getattr(context, "safeguarding", None), "settings", None),
                "graphql_introspection_public",
                False,
            )
        )
        if (
            not public
            and getattr(context, "principal", None) is None
            and ctx.graphql_document is not None
            and introspects(ctx.graphql_document)
        ):
            ctx.pre_execution_errors = [
                GraphQLError(
                    "introspection needs an API key: send Authorization: Bearer <api key>",
                    extensions={"code": "unauthenticated"},
                )
            ]
        yield
