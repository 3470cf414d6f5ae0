"""Each query text parsed and validated once per process, not on every request.

Parsing and validating a document against the schema took half of a small read's time
(11 of 22 ms for a case with its deadlines, in process): a client sends the same few
query texts again and again, with other variables. What validation decides depends only
on the text and the schema (variables are checked when the operation runs), so a text
that parsed and validated without an error is kept with its document, and the next
request with the same text skips both steps. Only clean documents are kept, and none that
introspects (whether that is allowed depends on the caller: ``IntrospectionNeedsKey``), so
every refusal is decided afresh. The depth, alias and token limits are validation and
parsing rules: a kept text has passed them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

from api.graph.introspection import introspects

MAX_DOCUMENTS = 256  # distinct query texts kept (a client sends a handful)

_documents: OrderedDict[str, DocumentNode] = OrderedDict()
_lock = threading.Lock()


def _kept(query: str) -> DocumentNode | None:
    with _lock:
        found = _documents.get(query)
        if found is not None:
            _documents.move_to_end(query)
        return found


def _keep(query: str, document: DocumentNode) -> None:
    with _lock:
        _documents[query] = document
        while len(_documents) > MAX_DOCUMENTS:
            _documents.popitem(last=False)


class PreparedDocuments(SchemaExtension):
    """Skips parsing and validation for a query text already parsed and validated."""

    def __init__(self) -> None:
        super().__init__()
        self._kept = False

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query and ctx.graphql_document is None:
            document = _kept(ctx.query)
            if document is not None:
                ctx.graphql_document = document
                self._kept = True
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if self._kept and ctx.pre_execution_errors is None:
            ctx.pre_execution_errors = []  # validated when it was kept
        yield
        if (
            not self._kept
            and ctx.query
            and ctx.graphql_document is not None
            and ctx.pre_execution_errors == []
            and not introspects(ctx.graphql_document)
        ):
            _keep(ctx.query, ctx.graphql_document)
