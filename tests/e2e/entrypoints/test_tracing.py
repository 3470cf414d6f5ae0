"""Tracing from a real ``tracker serve`` to a real OTLP/HTTP receiver: spans of the requests,
GraphQL and (on PostgreSQL) the statements arrive, and not one of them carries personal data,
a raw path, a query string or an exception's message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from tests.e2e.walk import V1, body
from tests.support.graph import free_port
from tests.support.processes import eventually, tracker_process
from tests.support.receivers import WebhookReceiver

CHILD = "Tamsin Orrowby"


def text(value: AnyValue) -> str:
    kind = value.WhichOneof("value")
    return "" if kind is None else str(getattr(value, kind))


def spans(receiver: WebhookReceiver) -> list[dict[str, Any]]:
    """Every span the receiver was sent: name, kind, attributes, events."""
    found = []
    for request in receiver.received():
        assert request.path == "/v1/traces"
        export = ExportTraceServiceRequest.FromString(request.body)
        for resource in export.resource_spans:
            for scope in resource.scope_spans:
                for span in scope.spans:
                    found.append(
                        {
                            "name": span.name,
                            "attributes": {a.key: text(a.value) for a in span.attributes},
                            "events": [
                                {a.key: text(a.value) for a in e.attributes} for e in span.events
                            ],
                            "status": span.status.message,
                        }
                    )
    return found


@pytest.mark.usefixtures("backend")
def test_spans_reach_the_collector_without_personal_data(
    store: dict[str, Any], make_settings: Any, tmp_path: Path
) -> None:
    app = Safeguarding(make_settings())
    key = issue_key(app, principal_id="staff", role="partnership", partnerships=["LEW"])[0]
    app.close()
    collector = WebhookReceiver().start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = tracker_process(
        ["serve", "--port", str(port)],
        store,
        tmp_path / "serve.log",
        TRACKER_ENV="test",  # a key exists: no first-run key is made
        TRACKER_TRACING="true",
        TRACKER_PROJECTOR_IN_PROCESS="true",
        TRACKER_SCHEDULER_IN_API="false",
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    auth = {"Authorization": f"Bearer {key}"}
    try:
        eventually(lambda: server.poll() is not None or _answers(f"{base}/healthz"), "the server")
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
            made = client.post(f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"))
            assert made.status_code == 201, made.text
            # refused: the name is quoted back to the caller in the 422, never to the spans
            bad = body("refer_serious_incident", received_on=CHILD)
            assert client.post(f"{V1}/cases/serious-incidents", json=bad).status_code == 422
            # a query string naming someone
            client.get(f"{V1}/scoping-requests", params={"agency": CHILD})
            graph = client.post(
                "/graphql",
                json={"query": f'{{ cases(filter: {{reference: "{CHILD}"}}) {{ totalCount }} }}'},
            )
            assert graph.status_code == 200
        eventually(
            lambda: any(s["attributes"].get("http.route") == "/graphql" for s in spans(collector)),
            "the spans to be exported",
            timeout=30,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        collector.stop()
    found = spans(collector)
    routes = {s["attributes"].get("http.route") for s in found}
    assert {f"{V1}/cases/serious-incidents", f"{V1}/scoping-requests", "/graphql"} <= routes
    assert any(s["attributes"].get("component") == "graphql" for s in found)  # strawberry's
    if store["database"] == "postgres":
        statements = [s for s in found if "db.statement" in s["attributes"]]
        assert statements
    everything = json.dumps(found)
    for secret in (CHILD, "Orrowby", "485 777 3456", "Imaginary Lane"):
        assert secret not in everything
    for span in found:
        assert not {"url.path", "url.query", "url.full", "http.url", "query"} & set(
            span["attributes"]
        )
        for event in span["events"]:
            assert "exception.message" not in event
            assert "exception.stacktrace" not in event
        assert span["status"] == ""


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_tracing_is_off_by_default() -> None:
    assert Settings(_env_file=None).tracing is False
