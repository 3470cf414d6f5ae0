"""On the embedded default the API process keeps the read models current itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.routes import read_models as read_models_routes
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from projections.store import ReadStore
from projections.tracker import CaseTracker
from tests.e2e.walk import V1, body


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_referral_posted_to_the_api_reaches_the_tracker_read_model(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    assert settings.runs_projector_in_process
    tracker = Safeguarding(settings)
    key = issue_key(
        tracker, principal_id="mash", role="agency", agency="MASH", partnerships=["LEW"]
    )[0]
    app = bootstrap.web_app(settings, app=tracker)
    store = ReadStore(settings)
    with TestClient(app) as client:
        answer = client.post(
            f"{V1}/cases/serious-incidents",
            json=body("refer_serious_incident"),
            headers={"Authorization": f"Bearer {key}"},
        ).json()
        deadline = time.monotonic() + 30
        rows: list[str] = []
        while not rows and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                with store.transaction() as c:
                    rows = [r.reference for r in CaseTracker(tracker).query(c, date(2025, 10, 7))]
            except Exception:
                rows = []
        assert rows == [answer["reference"]]
        assert app.state.projector.alive
    assert not app.state.projector.alive  # stopped with the application
    store.close()
    tracker.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_read_handed_a_commands_position_sees_that_write(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    tracker = Safeguarding(settings)
    keys = {
        role: issue_key(tracker, principal_id=role, role=role, agency=agency, partnerships=["LEW"])[
            0
        ]
        for role, agency in (("agency", "MASH"), ("partnership", ""), ("analyst", ""))
    }
    with TestClient(bootstrap.web_app(settings, app=tracker)) as client:
        auth = {r: {"Authorization": f"Bearer {k}"} for r, k in keys.items()}
        answer = client.post(
            f"{V1}/cases/serious-incidents",
            json=body("refer_serious_incident"),
            headers=auth["agency"],
        ).json()

        read = client.get(
            f"{V1}/tracker", params={"after": answer["position"]}, headers=auth["partnership"]
        )
        assert read.status_code == 200, read.text
        assert [r["reference"] for r in read.json()] == [answer["reference"]]
        by_header = client.get(
            f"{V1}/deadlines",
            headers={**auth["partnership"], "X-After-Position": str(answer["position"])},
        )
        assert by_header.status_code == 200
        assert {d["clock"] for d in by_header.json()} == {
            "partners_alerted",
            "criteria_recommendation",
            "criteria_decision",
            "panel_notification",
        }
        # one case is fewer than an analyst may see: refused, not counted
        for path in ("tracker", "deadlines"):
            small = client.get(f"{V1}/{path}", headers=auth["analyst"])
            assert small.status_code == 403
            assert small.json()["code"] == "too_few_to_show"
        lag = client.get(f"{V1}/read-models", headers=auth["partnership"]).json()
        assert set(lag) == {"timeline", "tracker", "deadlines", "reviews"}
        assert client.get(f"{V1}/tracker", headers=auth["agency"]).status_code == 403
        assert (
            client.get(
                f"{V1}/tracker", params={"partnership": "HIL"}, headers=auth["analyst"]
            ).status_code
            == 403
        )
    tracker.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_read_past_what_the_read_models_reached_answers_503_to_retry(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_models_routes, "READ_WAIT_SECONDS", 0.2)
    settings = make_settings(projector_in_process=False)
    tracker = Safeguarding(settings)
    key = issue_key(tracker, principal_id="staff", role="partnership", partnerships=["LEW"])[0]
    with TestClient(bootstrap.web_app(settings, app=tracker)) as client:
        auth = {"Authorization": f"Bearer {key}"}
        answer = client.post(
            f"{V1}/cases/serious-incidents", json=body("refer_serious_incident"), headers=auth
        ).json()
        r = client.get(f"{V1}/tracker", params={"after": answer["position"]}, headers=auth)
        assert r.status_code == 503
        assert r.json()["code"] == "read_model_behind"
        assert r.headers["Retry-After"] == "1"
    tracker.close()
