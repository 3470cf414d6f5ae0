"""Metrics as Prometheus scrapes them from the real processes: ``tracker serve`` with two
workers counts every request once whichever worker answers it or the scrape, and
``tracker project`` and ``tracker schedule`` serve their own metrics port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import TEST_KEY
from tests.support.graph import free_port
from tests.support.processes import eventually, tracker_process

Samples = dict[str, list[tuple[dict[str, str], float]]]


def scrape(url: str) -> Samples:
    """One scrape on a fresh connection (so either worker may answer it)."""
    with httpx.Client(timeout=5) as client:
        text = client.get(url).text
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found.setdefault(s.name, []).append((dict(s.labels), s.value))
    return found


def total(found: Samples, name: str, **labels: str) -> float:
    return sum(v for got, v in found.get(name, []) if labels.items() <= got.items())


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: Any) -> None:
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # SQLite serves one worker
def test_two_workers_count_every_request_once_whichever_answers_the_scrape(
    store: dict[str, Any], tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = tracker_process(
        ["serve", "--port", str(port), "--workers", "2"],
        store,
        tmp_path / "serve.log",
        # production: no first-run key written; the trust-auth server ignores the password
        TRACKER_ENV="production",
        TRACKER_ENCRYPTION_KEY=TEST_KEY,
        TRACKER_POSTGRES_PASSWORD="unused",
        TRACKER_PROJECTOR_IN_PROCESS="false",
        TRACKER_SCHEDULER_IN_API="false",
    )
    try:
        eventually(
            lambda: answers(f"{base}/healthz") or server.poll() is not None, "the server to start"
        )
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        sent = 1  # the probe that answered
        # requests on fresh connections until both workers have answered some (each worker
        # then has its files and shows in process_* with its pid)
        for _ in range(40):
            for _ in range(25):
                assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
                sent += 1
            if (
                len(
                    {
                        labels["pid"]
                        for labels, _ in scrape(f"{base}/metrics").get(
                            "process_resident_memory_bytes", []
                        )
                    }
                )
                == 2
            ):
                break
        else:
            pytest.fail("one worker answered every request")
        counts = set()
        for _ in range(8):
            found = scrape(f"{base}/metrics")
            counts.add(
                total(
                    found,
                    "tracker_http_requests_total",
                    method="GET",
                    route="/healthz",
                    status="200",
                )
            )
            assert total(found, "process_cpu_seconds_total") > 0
            assert total(found, "tracker_event_store_up") == 1
        assert counts == {sent}
    finally:
        stop(server)


@pytest.mark.usefixtures("backend")
def test_projector_and_scheduler_serve_their_own_metrics(
    store: dict[str, Any], tmp_path: Path
) -> None:
    project_port, schedule_port = free_port(), free_port()
    projector = tracker_process(
        ["project", "--quiet", "--poll", "0.2"],
        store,
        tmp_path / "project.log",
        TRACKER_PROJECTOR_METRICS_PORT=str(project_port),
        TRACKER_METRICS_HOST="127.0.0.1",
    )
    scheduler = None
    try:
        project = f"http://127.0.0.1:{project_port}/metrics"
        schedule = f"http://127.0.0.1:{schedule_port}/metrics"
        eventually(lambda: answers(project), "the projector's metrics port")
        eventually(
            lambda: total(scrape(project), "tracker_projector_leading") == 1,
            "the projector to lead",
        )
        eventually(
            lambda: (
                {
                    labels["model"]
                    for labels, _ in scrape(project).get("tracker_read_model_position", [])
                }
                >= {"timeline", "tracker", "deadlines", "reviews"}
            ),
            "the read models' positions",
        )
        found = scrape(project)
        assert total(found, "process_resident_memory_bytes") > 0
        assert total(found, "tracker_event_store_up") == 1

        # the scheduler starts once the projector has built the read models: on SQLite two
        # processes creating their tables at once meet a locked file, and a job failed so is
        # only run again later (what the failures counter below would show)
        scheduler = tracker_process(
            ["schedule"],
            store,
            tmp_path / "schedule.log",
            TRACKER_SCHEDULER_METRICS_PORT=str(schedule_port),
            TRACKER_METRICS_HOST="127.0.0.1",
            TRACKER_WATCH_INTERVAL_SECONDS="1",
        )
        eventually(lambda: answers(schedule), "the scheduler's metrics port")
        eventually(
            lambda: total(scrape(schedule), "tracker_scheduler_leading") == 1,
            "the scheduler to lead",
        )
        eventually(
            lambda: total(scrape(schedule), "tracker_scheduler_job_runs_total", job="watch") >= 1,
            "a watch run",
        )
        found = scrape(schedule)
        assert "tracker_outbox_deliveries" in found
        assert total(found, "tracker_scheduler_job_failures_total") == 0
        assert total(found, "process_cpu_seconds_total") > 0
    finally:
        stop(projector)
        if scheduler is not None:
            stop(scheduler)
