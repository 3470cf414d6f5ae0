"""Probes for the orchestrator: ``/healthz`` (the process answers) and ``/readyz`` (it can
serve: the event store answers and the read models are current enough).

Neither takes a key and neither says anything about a case: ``/readyz`` names only the read
models and the numbers of log positions.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api import problems
from api.readers import Readers
from application.service import Safeguarding

log = logging.getLogger("tracker.api.health")

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive: the process answers. Touches no database."""
    return {"status": "ok"}


def readiness(safeguarding: Safeguarding, readers: Readers) -> tuple[bool, dict[str, Any]]:
    """Whether this process can serve, and what it found.

    Ready when the event store answers (the log's last position is read) and every read
    model is within ``TRACKER_READY_MAX_LAG`` positions of that end. On PostgreSQL, where
    ``tracker project`` keeps the read models in another process, the positions are those
    it recorded in ``rm_tracking``; a model never built there is not ready."""
    max_lag = safeguarding.settings.ready_max_lag
    problems_found: list[str] = []
    try:
        end = safeguarding.recorder.max_notification_id() or 0
    except Exception as e:
        log.warning("readiness: the event store did not answer (%s)", type(e).__name__)
        return False, {"problems": ["the event store database did not answer"]}
    models: dict[str, dict[str, int]] = {}
    try:
        positions = readers.get().positions()
    except Exception as e:
        log.warning("readiness: the read models could not be read (%s)", type(e).__name__)
        return False, {"log_end": end, "problems": ["the read models could not be read"]}
    for name, position in positions.items():
        lag = end - max(position, 0)
        models[name] = {"position": position, "lag": lag}
        if position < 0:
            problems_found.append(f"read model {name} is not built yet")
        elif lag > max_lag:
            problems_found.append(
                f"read model {name} is {lag} positions behind the log (more than {max_lag})"
            )
    found: dict[str, Any] = {"log_end": end, "max_lag": max_lag, "read_models": models}
    try:
        set_aside = readers.get().quarantine_counts()
    except Exception as e:
        log.warning("readiness: the quarantine could not be read (%s)", type(e).__name__)
    else:
        # still ready (every other event is served), but said: see `tracker verify`
        found["quarantined_events"] = sum(set_aside.values())
        for name, n in set_aside.items():
            models[name]["quarantined"] = n
    if problems_found:
        found["problems"] = problems_found
    return not problems_found, found


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """200 when ready; else 503 ``not_ready`` (problem+json) listing what is wrong."""
    ready, found = readiness(request.app.state.safeguarding, request.app.state.readers)
    if ready:
        return JSONResponse({"status": "ready", **found})
    return problems.problem(
        request,
        503,
        "not_ready",
        "; ".join(found.get("problems", [])),
        headers={"Retry-After": "5"},
        **found,
    )
