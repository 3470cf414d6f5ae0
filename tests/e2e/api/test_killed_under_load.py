"""A real server (uvicorn, two worker processes, group commit on) killed with SIGKILL in the
middle of a concurrent load, then started again: every command it acknowledged is in the
log exactly once, and every command whose answer was lost, sent again with its
Idempotency-Key, is recorded once too -- none lost, none duplicated. On SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from tests.e2e.walk import V1, body
from tests.support.graph import free_port

CLIENTS = 8
STEPS = [
    ("partners-alerted", "alert_partners", {}),
    ("criteria-recommendation", "recommend_criteria", {}),
    ("partner-decisions", "record_partner_decision", {"partner": "local_authority"}),
    ("partner-decisions", "record_partner_decision", {"partner": "police"}),
    ("partner-decisions", "record_partner_decision", {"partner": "icb"}),
    ("criteria-decision", "decide_criteria", {}),
    ("panel-notification", "notify_national_panel", {}),
    ("rapid-review", "start_rapid_review", {}),
]


@dataclass
class Sent:
    path: str
    payload: dict[str, Any]
    key: str
    status: int | None = None  # None: no answer (the server died)
    answer: dict[str, Any] | None = None


def start(store: dict[str, Any], log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({f"TRACKER_{k.upper()}": str(v) for k, v in store.items()})
    env.update(
        TRACKER_GROUP_COMMIT="true",
        TRACKER_SCHEDULER_IN_API="false",
        TRACKER_PROJECTOR_IN_PROCESS="false",
        TRACKER_POSTGRES_POOL_SIZE="16",
    )
    command = [sys.executable, "-m", "uvicorn", "--factory", "entrypoints.asgi:create_app"]
    command += ["--port", str(port), "--workers", "2", "--log-level", "warning"]
    with log.open("ab") as out:
        # its own process group: SIGKILL reaches the workers too, as a crash of the host would
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return url, proc
        except httpx.TransportError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def key_of(event: Any) -> str:
    return str(event.audit.idempotency_key)


def post(http: httpx.Client, sent: Sent) -> Sent:
    try:
        r = http.post(sent.path, json=sent.payload, headers={"Idempotency-Key": sent.key})
    except httpx.TransportError:
        return sent
    sent.status = r.status_code
    if r.status_code in (200, 201):
        sent.answer = r.json()
    return sent


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_server_killed_mid_load_loses_and_duplicates_nothing(
    store: dict[str, Any], make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    tracker = Safeguarding(make_settings())
    key = issue_key(tracker, principal_id="staff", role="partnership", partnerships=["LEW"])[0]
    auth = {"Authorization": f"Bearer {key}"}
    url, server = start(store, tmp_path / "server.log")

    sent: list[Sent] = []
    lock = threading.Lock()
    dead = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=url, headers=auth, timeout=30) as http:
            while not dead.is_set():
                referral = post(
                    http,
                    Sent(
                        f"{V1}/cases/serious-incidents", body("refer_serious_incident"), uuid4().hex
                    ),
                )
                with lock:
                    sent.append(referral)
                if referral.answer is None:
                    if referral.status is not None:
                        raise AssertionError(referral.status)
                    return
                case = referral.answer["id"]
                for path, act, changes in STEPS:
                    step = post(
                        http, Sent(f"{V1}/cases/{case}/{path}", body(act, **changes), uuid4().hex)
                    )
                    with lock:
                        sent.append(step)
                    if step.answer is None:
                        assert step.status is None, (step.status, path)
                        return

    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for c in clients:
        c.start()
    deadline = time.monotonic() + 60
    while True:  # kill it once it has acknowledged a good load, mid-stream
        with lock:
            acknowledged = sum(1 for s in sent if s.answer is not None)
        if acknowledged >= 150:
            break
        assert time.monotonic() < deadline, f"only {acknowledged} commands acknowledged"
        time.sleep(0.01)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    dead.set()
    for c in clients:
        c.join(timeout=60)

    unanswered = [s for s in sent if s.status is None]
    assert unanswered, "the kill fell between requests: nothing was in flight"
    assert all(s.status in (200, 201) for s in sent if s.status is not None)

    url, server = start(store, tmp_path / "server.log")
    try:
        with httpx.Client(base_url=url, headers=auth, timeout=30) as http:
            for s in unanswered:  # a client retrying what it got no answer to
                post(http, s)
                assert s.status in (200, 201), s.status
    finally:
        server.terminate()
        server.wait(timeout=30)

    fresh = Safeguarding(make_settings())
    stored = [
        n
        for n in fresh.recorder.select_notifications(start=1, limit=1_000_000)
        if n.topic.startswith("domain.case:")
    ]
    events = {n.id: fresh.mapper.to_domain_event(n) for n in stored}
    keys = Counter(key_of(e) for e in events.values())
    assert all(count == 1 for count in keys.values()), keys.most_common(3)
    assert set(keys) == {s.key for s in sent}  # every command once, nothing else
    for s in sent:
        assert s.answer is not None
        recorded = events[s.answer["position"]]
        assert str(recorded.originator_id) == s.answer["id"]
        assert recorded.originator_version == s.answer["version"]
        assert key_of(recorded) == s.key
    fresh.close()
    tracker.close()
