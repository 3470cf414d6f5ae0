"""``/metrics`` in the Prometheus text format, and the middleware that measures every request
and writes its access line.

What is measured (aggregate numbers only: no case, person or key is ever a label):

- ``tracker_http_requests_total{method,route,status}`` and
  ``tracker_http_request_duration_seconds{method,route}`` (a histogram), by route *template*
  (``/api/v1/cases/{aggregate_id}/scoping-returns``; a path no route matches is
  ``<unmatched>``);
- ``tracker_api_commands_total{route}``: command POSTs the API answered with 2xx (an
  idempotent replay counts too, though it records nothing), and
  ``tracker_event_log_position``: the log's last position, read at scrape time -- its
  increase is the number of events appended by every process;
- ``tracker_read_model_position{model}`` and ``tracker_read_model_lag{model}`` at scrape
  time (from ``rm_tracking``, so also right when ``tracker project`` runs elsewhere);
- ``tracker_read_model_quarantined_events{model}``: stored events a read model could not
  take (undecodable, or text the database refuses) and set aside (``projections.quarantine``);
- ``tracker_scheduler_job_runs_total{job}``, ``tracker_scheduler_job_failures_total{job}``
  and ``tracker_scheduler_leading`` for the scheduler thread of this process, when it has one
  (a separate ``tracker schedule`` process has its own metrics port);
- ``tracker_outbox_deliveries{status}``: the outbox backlog (``pending``, ``sent``, ...,
  and ``failing``: pending deliveries that have failed at least once);
- ``tracker_event_store_up``: 1 when the scrape could read the event store.

- ``process_*``: of this process, or with several workers of each live worker (``pid``).

With several uvicorn workers (``tracker serve --workers N``) the request counters are kept in
prometheus_client's multiprocess files and a scrape answered by any worker adds up every
worker's: each request is counted once (``application/metrics.py``). The scrape-time gauges
read the database and are the same from any worker.

``/metrics`` takes no key. It names no one, but it shows activity and backlog: do not
expose it publicly -- serve it only to the monitoring network.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import path_ids
from application import logs
from application.metrics import (
    SchedulerCollector,
    StoreCollector,
    instrument_registry,
    scrape_registry,
)

log = logging.getLogger("tracker.api")
access = logging.getLogger("tracker.api.access")

UNMATCHED = "<unmatched>"
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})

router = APIRouter(include_in_schema=False)


class Metrics:
    """The registry ``/metrics`` reads, and this process's request instruments."""

    def __init__(self, app: Any) -> None:
        state = app.state
        self.registry = scrape_registry(
            StoreCollector(
                lambda: state.safeguarding.recorder,
                positions=lambda: state.readers.get().positions(),
                outbox=lambda: state.outbox,  # the app's own, given to create_app
                quarantined=lambda: state.readers.get().quarantine_counts(),
            ),
            SchedulerCollector(lambda: getattr(state, "scheduler", None)),
        )
        instruments = instrument_registry(self.registry)
        self.requests = Counter(
            "tracker_http_requests",
            "HTTP requests answered, by route template and status",
            ["method", "route", "status"],
            registry=instruments,
        )
        self.latency = Histogram(
            "tracker_http_request_duration_seconds",
            "time to answer an HTTP request, by route template",
            ["method", "route"],
            registry=instruments,
        )
        self.commands = Counter(
            "tracker_api_commands",
            "command POSTs answered with 2xx (idempotent replays included)",
            ["route"],
            registry=instruments,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if (
            method == "POST"
            and 200 <= status < 300
            and route.startswith(("/api/v1/cases", "/api/v1/reviews"))
        ):
            self.commands.labels(route).inc()


@router.get("/metrics")
def metrics(request: Request) -> Response:
    registry: CollectorRegistry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope) -> str:
    """The template of the route that served this request, or, for an answer given before
    routing (the request guard's 413 and 415), of the documented path it was sent to."""
    raw = str(scope.get("path", ""))
    path = getattr(scope.get("route"), "path", None)
    # a route of a router included with a prefix may know only its own part of the path
    if isinstance(path, str) and _pattern(path).match(raw):
        return path
    app = scope.get("app")
    for template, pattern in _templates(app):
        if pattern.match(raw):
            return template
    return UNMATCHED


@functools.lru_cache(maxsize=512)
def _pattern(template: str) -> re.Pattern[str]:
    """A route template's pattern, compiled once (a few hundred templates at most)."""
    return compile_path(template)[0]


def _templates(app: Any) -> list[tuple[str, re.Pattern[str]]]:
    """The OpenAPI document's paths (and ``/graphql``), compiled once per application."""
    if app is None:
        return []
    found: list[tuple[str, re.Pattern[str]]] | None = getattr(app.state, "route_templates", None)
    if found is None:
        paths = [*app.openapi().get("paths", {}), "/graphql"]
        found = [(p, compile_path(p)[0]) for p in paths]
        app.state.route_templates = found
    return found


class Observe:
    """Pure ASGI middleware, outermost: a log context per request, the request metrics and
    one access line (method, route template, status, duration, ids -- never the raw path,
    the query string or the body)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the server answers when the app raises before responding
        started = time.perf_counter()

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        # kept when the app raises: the server's error handler (outside) logs with the ids
        with logs.request_context(keep_on_error=True) as ctx:
            try:
                await self.app(scope, receive, observed_send)
            finally:
                seconds = time.perf_counter() - started
                route = route_template(scope)
                method = str(scope.get("method", ""))
                self.metrics.observe(method, route, status, seconds)
                _bind_path_ids(ctx, route, scope.get("path_params") or {})
                access.log(
                    logging.DEBUG if route in PROBES else logging.INFO,
                    "%s %s %d %.1fms",
                    method,
                    route,
                    status,
                    seconds * 1000,
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )


def _bind_path_ids(ctx: logs.LogContext, route: str, params: dict[str, Any]) -> None:
    for name, value in path_ids(route, params).items():
        if not getattr(ctx, name):
            setattr(ctx, name, value)
