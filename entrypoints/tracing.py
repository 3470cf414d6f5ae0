"""OpenTelemetry tracing, off unless ``TRACKER_TRACING=true``: spans of the API's requests
(FastAPI's own instrumentation: the request, its dependencies, the endpoint), of GraphQL
operations and resolvers (strawberry's extension), of PostgreSQL statements (psycopg) and of
webhook calls (httpx), exported over OTLP/HTTP to the collector the standard variables name
(``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_SERVICE_NAME``, ...).

Spans obey the logs' rule: no personal data. What the instrumentations record is not ours to
choose (a request's query string, a GraphQL query's text, an exception's message), so the
exporter is wrapped (:class:`PrivateSpans`) and sends only the attributes on an allow-list --
the route *template*, the method and status, the database system and statement (placeholders,
never values), the GraphQL operation type and field path, code locations -- and of an
exception event only its type. Anything else is dropped before it leaves the process.
FastAPI's own telemetry logs (validation failures and exceptions with their messages) and
metrics (Prometheus serves those) stay off whatever the setting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.util.types import Attributes

log = logging.getLogger("tracker.tracing")

ALLOWED = frozenset(
    {
        # HTTP (FastAPI): the route template, never the raw path or its query
        "http.route",
        "http.request.method",
        "http.response.status_code",
        "url.scheme",
        "network.protocol.version",
        "server.address",
        "server.port",
        "fastapi.operation",
        "fastapi.dependency",
        "fastapi.endpoint",
        # PostgreSQL (psycopg): parameterised statements; values are never in them
        "db.system",
        "db.system.name",
        "db.name",
        "db.namespace",
        "db.statement",
        "db.query.text",
        "db.operation.name",
        "net.peer.name",
        "net.peer.port",
        # webhooks (httpx): the method and status; the receiver's URL is dropped
        "http.method",
        "http.status_code",
        # GraphQL (strawberry): the operation's type and the resolvers' paths
        "component",
        "graphql.operation.type",
        "graphql.operation.name",
        "graphql.parentType",
        "graphql.path",
        # where
        "code.function",
        "code.function.name",
        "code.namespace",
        "code.filepath",
        "code.lineno",
        "exception.type",
        "error.type",
    }
)


def _allowed(attributes: Attributes) -> dict[str, Any]:
    return {k: v for k, v in (attributes or {}).items() if k in ALLOWED}


class PrivateSpans(SpanExporter):
    """Exports through ``inner`` a copy of each span holding only the allowed attributes;
    events keep their name and allowed attributes (an exception: its type, not its message
    or stack trace); a span's status keeps its code, not its description."""

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([self.private(span) for span in spans])

    @staticmethod
    def private(span: ReadableSpan) -> ReadableSpan:
        from opentelemetry.trace import Status

        return ReadableSpan(
            name=span.name,
            context=span.context,
            parent=span.parent,
            resource=span.resource,
            attributes=_allowed(span.attributes),
            events=[
                Event(event.name, _allowed(event.attributes), event.timestamp)
                for event in span.events
            ],
            links=span.links,
            kind=span.kind,
            status=Status(span.status.status_code),
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        )

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


_lock = threading.Lock()
_provider: TracerProvider | None = None


def configure_tracing(service: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """Install (once per process) the tracer provider exporting through ``PrivateSpans`` to
    ``exporter`` (default: OTLP over HTTP as the ``OTEL_*`` variables say), and instrument
    psycopg and httpx. Returns the provider (tests flush it)."""
    global _provider
    with _lock:
        if _provider is not None:
            return _provider
        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(BatchSpanProcessor(PrivateSpans(exporter)))
        trace.set_tracer_provider(provider)
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
        from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

        PsycopgInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
        HTTPXClientInstrumentor().instrument(tracer_provider=provider)
        _provider = provider
        log.info("tracing: spans exported over OTLP")
        return provider
