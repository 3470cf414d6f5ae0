"""On the embedded default the API process keeps the read models current itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from application.app import Tracker
from application.keys import issue_key
from application.settings import Settings
from projections.store import ReadStore
from projections.tracker import CaseTracker
from tests.e2e.walk import V1, body


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_referral_posted_to_the_api_reaches_the_tracker_read_model(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    assert settings.runs_projector_in_process
    tracker = Tracker(settings)
    key = issue_key(
        tracker, principal_id="mash", role="agency", agency="MASH", partnerships=["LEW"]
    )[0]
    app = create_app(settings, tracker=tracker)
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
