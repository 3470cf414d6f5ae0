"""A real server (uvicorn, two worker processes) on PostgreSQL, with concurrent clients."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest

from application.context import Principal
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from domain.values import Role
from tests.e2e.walk import V1, body
from tests.support.graph import free_port

AGENCIES = [f"Agency {n:02d}" for n in range(20)]


@pytest.fixture
def server(store: dict[str, Any]) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({f"TRACKER_{k.upper()}": str(v) for k, v in store.items()})
    env["TRACKER_API_KEY_CACHE_SECONDS"] = "0"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "entrypoints.asgi:create_app",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "the server died on start"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_twenty_agencies_returning_scoping_at_once_record_exactly_twenty_events(
    make_settings: Callable[..., Settings], server: str
) -> None:
    tracker = Safeguarding(make_settings())
    staff = issue_key(tracker, principal_id="staff", role="partnership", partnerships=["LEW"])[0]
    keys = {
        a: issue_key(
            tracker, principal_id=f"sys-{a}", role="agency", agency=a, partnerships=["LEW"]
        )[0]
        for a in AGENCIES
    }
    auth = {"Authorization": f"Bearer {staff}"}
    with httpx.Client(base_url=server, headers=auth, timeout=30) as client:
        case = client.post(
            f"{V1}/cases/serious-incidents", json=body("refer_serious_incident")
        ).json()["id"]
        for path, use_case in (
            ("partners-alerted", "alert_partners"),
            ("criteria-recommendation", "recommend_criteria"),
        ):
            assert client.post(f"{V1}/cases/{case}/{path}", json=body(use_case)).status_code == 200
        for partner in ("local_authority", "police", "icb"):
            r = client.post(
                f"{V1}/cases/{case}/partner-decisions",
                json=body("record_partner_decision", partner=partner),
            )
            assert r.status_code == 200, r.text
        for path, use_case in (
            ("criteria-decision", "decide_criteria"),
            ("panel-notification", "notify_national_panel"),
        ):
            assert client.post(f"{V1}/cases/{case}/{path}", json=body(use_case)).status_code == 200
        for a in AGENCIES:
            r = client.post(
                f"{V1}/cases/{case}/scoping-requests", json=body("request_scoping", agency=a)
            )
            assert r.status_code == 200, r.text
    reader = Principal("reader", Role.PARTNERSHIP, partnerships=("LEW",))
    before = tracker.case_view(reader, UUID(case)).version

    barrier = threading.Barrier(len(AGENCIES))
    statuses: list[int] = []
    problems: list[str] = []

    def agency_system(agency: str) -> None:
        payload = body(
            "return_scoping", agency=agency, completed_by={"name": "Lead", "agency": agency}
        )
        headers = {
            "Authorization": f"Bearer {keys[agency]}",
            "Idempotency-Key": f"ret-{agency.replace(' ', '-')}",
        }
        with httpx.Client(base_url=server, timeout=60) as c:
            barrier.wait()
            # each system sends its return twice, as a client retrying a lost answer would
            for _ in range(2):
                r = c.post(f"{V1}/cases/{case}/scoping-returns", json=payload, headers=headers)
                statuses.append(r.status_code)
                if r.status_code != 200:
                    problems.append(r.text)

    threads = [threading.Thread(target=agency_system, args=(a,)) for a in AGENCIES]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert problems == []
    assert statuses == [200] * 40
    after = tracker.case_view(reader, UUID(case))  # as it stands in the store now
    assert after.version == before + 20
    assert sorted(s.agency for s in after.scoping if s.returned_on) == AGENCIES
    tracker.close()
