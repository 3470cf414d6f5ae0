"""The probes (/healthz, /readyz) and /metrics, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from tests.e2e.walk import V1, body, ok

MODELS = {"timeline", "tracker", "deadlines", "reviews"}


@contextmanager
def served(settings: Settings) -> Iterator[tuple[TestClient, Safeguarding, dict[str, str]]]:
    """The API on ``settings`` with a partnership key (as headers)."""
    tracker = Safeguarding(settings)
    key = issue_key(tracker, principal_id="staff", role="partnership", partnerships=["LEW"])[0]
    try:
        app = bootstrap.web_app(settings, app=tracker)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, tracker, {"Authorization": f"Bearer {key}"}
    finally:
        tracker.close()


def catch_up(tracker: Safeguarding) -> None:
    """What `tracker project` does, once."""
    store = ReadStore(tracker.settings)
    try:
        projector = Projector(tracker, store, read_models(tracker))
        projector.setup()
        while projector.run_once():
            pass
    finally:
        store.close()


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of a Prometheus text answer, by sample name."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found.setdefault(s.name, []).append((dict(s.labels), s.value))
    return found


def value(found: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    matching = [
        v for ls, v in found.get(name, []) if all(ls.get(k) == x for k, x in labels.items())
    ]
    assert matching, f"no sample {name} {labels} in {sorted(found)}"
    return sum(matching)


def test_healthz_answers_without_touching_the_database(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    with served(make_settings(projector_in_process=False)) as (client, tracker, _):

        def down(*args: Any, **kwargs: Any) -> int:
            raise OSError("the database is down")

        monkeypatch.setattr(tracker.recorder, "max_notification_id", down)
        r = client.get("/healthz")
        assert r.status_code == 200
        assert r.json() == {"status": "ok"}
        # no key needed, and readiness notices the database
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["code"] == "not_ready"
        assert problem["problems"] == ["the event store database did not answer"]
        assert "down" not in r.text  # the exception's text is not repeated


def test_readyz_is_503_while_a_read_model_lags_more_than_allowed(
    make_settings: Callable[..., Settings],
) -> None:
    # no projector in this process: as on PostgreSQL, where `tracker project` runs apart
    settings = make_settings(projector_in_process=False, ready_max_lag=1)
    with served(settings) as (client, tracker, auth):
        r = client.get("/readyz")
        assert r.status_code == 503
        assert {f"read model {m} is not built yet" for m in MODELS} <= set(r.json()["problems"])

        catch_up(tracker)
        r = client.get("/readyz")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "ready"
        assert set(r.json()["read_models"]) == MODELS

        referred = ok(
            client.post(
                f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"), headers=auth
            ),
            201,
        )
        case = referred["id"]
        ok(
            client.post(
                f"{V1}/cases/{case}/partners-alerted", json=body("alert_partners"), headers=auth
            )
        )
        end = tracker.recorder.max_notification_id() or 0
        assert end >= 2
        r = client.get("/readyz")
        assert r.status_code == 503
        problem = r.json()
        assert problem["code"] == "not_ready"
        assert problem["log_end"] == end
        assert problem["max_lag"] == 1
        assert all(
            m["lag"] == end - m["position"] and m["lag"] >= 2
            for m in problem["read_models"].values()
        )
        assert any("positions behind the log (more than 1)" in p for p in problem["problems"])
        assert r.headers["Retry-After"] == "5"

        catch_up(tracker)
        r = client.get("/readyz")
        assert r.status_code == 200
        assert all(m["lag"] == 0 for m in r.json()["read_models"].values())


def test_readyz_with_the_projector_in_the_api_process(
    make_settings: Callable[..., Settings],
) -> None:
    with served(make_settings(projector_in_process=True, ready_max_lag=0)) as (client, _, auth):
        ok(
            client.post(
                f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"), headers=auth
            ),
            201,
        )
        deadline = time.monotonic() + 30
        while (r := client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, r.text
            time.sleep(0.1)
        assert all(m["lag"] == 0 and m["position"] >= 1 for m in r.json()["read_models"].values())


def test_metrics_count_requests_by_route_template_and_show_lag_and_backlog(
    make_settings: Callable[..., Settings],
) -> None:
    with served(make_settings(projector_in_process=False)) as (client, tracker, auth):
        referred = ok(
            client.post(
                f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"), headers=auth
            ),
            201,
        )
        case = referred["id"]
        ok(
            client.post(
                f"{V1}/cases/{case}/partners-alerted", json=body("alert_partners"), headers=auth
            )
        )
        ok(client.get(f"{V1}/cases/{case}", headers=auth))
        assert client.get(f"{V1}/cases/{case}").status_code == 401
        assert client.get("/no/such/path/Quillon").status_code == 404
        assert (
            client.post(
                f"{V1}/cases/{case}/partners-alerted", content=b"x", headers=auth
            ).status_code
            == 415
        )

        r = client.get("/metrics")  # no key
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain")
        text = r.text
        assert case not in text
        assert "Quillon" not in text
        found = samples(text)

        requests = "tracker_http_requests_total"
        assert value(found, requests, route="/api/v1/cases/serious-incidents", status="201") == 1
        alerted = "/api/v1/cases/{aggregate_id}/partners-alerted"
        assert value(found, requests, route=alerted, status="200", method="POST") == 1
        assert value(found, requests, route=alerted, status="415") == 1
        assert value(found, requests, route="/api/v1/cases/{case_id}", status="200") == 1
        assert value(found, requests, route="/api/v1/cases/{case_id}", status="401") == 1
        assert value(found, requests, route="<unmatched>", status="404") == 1
        assert (
            value(
                found,
                "tracker_http_request_duration_seconds_count",
                route="/api/v1/cases/{case_id}",
            )
            == 2
        )
        assert value(found, "tracker_api_commands_total", route=alerted) == 1
        assert value(found, "tracker_api_commands_total") == 2

        end = tracker.recorder.max_notification_id() or 0
        assert value(found, "tracker_event_store_up") == 1
        assert value(found, "tracker_event_log_position") == end
        for model in MODELS:  # never built: no projector runs here
            assert value(found, "tracker_read_model_position", model=model) == -1
            assert value(found, "tracker_read_model_lag", model=model) == end
        for status in ("pending", "sent", "failing"):
            assert value(found, "tracker_outbox_deliveries", status=status) == 0
        assert "tracker_scheduler_job_runs_total" not in found  # no scheduler in this process

        catch_up(tracker)
        found = samples(client.get("/metrics").text)
        for model in MODELS:
            assert value(found, "tracker_read_model_position", model=model) == end
            assert value(found, "tracker_read_model_lag", model=model) == 0


def test_metrics_show_the_scheduler_runs_and_the_outbox_backlog(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(scheduler_in_api=True, projector_in_process=False)
    with served(settings) as (client, _tracker, auth):
        ok(
            client.post(
                f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"), headers=auth
            ),
            201,
        )
        service = client.app.state.scheduler  # type: ignore[attr-defined]
        assert service.became_leader.wait(30)
        deadline = time.monotonic() + 30
        while service.jobs.counts.runs.get("deliver", 0) < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        found = samples(client.get("/metrics").text)
        assert value(found, "tracker_scheduler_job_runs_total", job="watch") >= 1
        assert value(found, "tracker_scheduler_job_runs_total", job="deliver") >= 1
        assert value(found, "tracker_scheduler_job_failures_total", job="watch") == 0
        assert value(found, "tracker_scheduler_leading") == 1
        backlog = {labels["status"]: v for labels, v in found["tracker_outbox_deliveries"]}
        assert set(backlog) >= {"pending", "sending", "sent", "failing"}
        assert all(v >= 0 for v in backlog.values())
