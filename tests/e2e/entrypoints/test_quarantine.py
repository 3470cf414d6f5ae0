"""One bad stored event never stops the read side: ``tracker project --once`` and
``tracker rebuild --all`` set it aside and go on, and ``tracker verify``, ``/readyz``,
``/metrics`` and the scheduler report it (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from tests.support.clock import FakeClock
from tests.support.processes import tracker_cli
from tests.support.receivers import SmtpReceiver
from tests.support.stages import referred, scoping_sent
from tests.support.tamper import flip_byte, rewrite_text


def test_a_nul_event_and_an_undecodable_one_are_set_aside_and_reported(
    store: dict[str, Any],
    make_settings: Callable[..., Settings],
    clock: FakeClock,
    smtp: SmtpReceiver,
) -> None:
    app = Safeguarding(make_settings(), clock=clock)
    poisoned = scoping_sent(app, clock)  # its last event: scoping sent to SLaM NHS Trust
    damaged = referred(app, clock)
    clock.set_day(date(2027, 1, 5))
    healthy = referred(app, clock)  # recorded after both: the models must reach it
    poisoned_version: int = app.repository.get(poisoned).version
    # an old release let a NUL through; an insider's (or a disk's) flipped byte
    rewrite_text(app, poisoned, poisoned_version, "SLaM NHS Trust", "SLaM\u0000NHS Trust")
    flip_byte(app, damaged, 1)
    end = app.recorder.max_notification_id()
    app.close()

    projected = tracker_cli(store, "project", "--once", "--quiet")
    assert projected.returncode == 0, projected.stderr
    assert f"caught up at position {end}" in projected.stdout
    assert f"stream {damaged} version 1) in read model tracker" in projected.stdout
    if store["database"] == "postgres":  # SQLite stores the NUL; PostgreSQL refuses it
        assert f"stream {poisoned} version {poisoned_version}) in read model deadlines" in (
            projected.stdout
        )

    rebuilt = tracker_cli(store, "rebuild", "--all", "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"rebuilt timeline, tracker, deadlines, reviews up to position {end}" in rebuilt.stdout
    assert f"stream {damaged} version 1) in read model tracker" in rebuilt.stdout

    verified = tracker_cli(store, "verify", "--quiet")
    assert verified.returncode == 1
    assert f"BROKEN {damaged} at version 1" in verified.stdout
    assert "DAMAGED event at position" in verified.stdout

    settings = make_settings(
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        projector_in_process=False,
        api_key_cache_seconds=0,
    )
    app = Safeguarding(settings, clock=clock)
    key, _ = issue_key(
        app, principal_id="staff", role="partnership", agency="LSP", partnerships=["LEW"]
    )
    with TestClient(bootstrap.web_app(settings, app=app), raise_server_exceptions=False) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text  # every other event is served
        assert ready.json()["quarantined_events"] >= 1
        assert ready.json()["read_models"]["tracker"]["quarantined"] == 1
        metrics = {
            s.labels.get("model"): s.value
            for f in text_string_to_metric_families(client.get("/metrics").text)
            if f.name == "tracker_read_model_quarantined_events"
            for s in f.samples
        }
        assert metrics["tracker"] == 1
        rows = client.get("/api/v1/tracker", headers={"Authorization": f"Bearer {key}"}).json()
        assert str(healthy) in {r["case_id"] for r in rows}

    jobs = bootstrap.scheduler_jobs(app)
    jobs.deliver()
    jobs.deliver()  # once per event and contact, however often it runs
    jobs.close()
    alerts = [m.message for m in smtp.received() if "set aside" in str(m.message["Subject"])]
    contacts = set(app.partnerships.get("LEW").contacts)
    assert {str(m["To"]) for m in alerts} >= contacts
    assert len(alerts) == len({(str(m["To"]), str(m["Subject"])) for m in alerts})
    assert all("Tamsin" not in m.get_content() for m in alerts)
    app.close()
