"""A revoked key is refused at once: ``tracker serve --workers 2`` on PostgreSQL, the key
revoked with ``tracker keys revoke`` from another process, and within 1 second every
request with it, on both workers, is 401."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from tests.support.graph import free_port
from tests.support.processes import eventually, tracker_cli, tracker_process

ROUTE = "/api/v1/cases/{case_id}"


def _answers(log: Path) -> list[dict[str, Any]]:
    """The server's access lines for the case route, in order."""
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
    return [x for x in lines if x.get("route") == ROUTE]


@pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_revoked_key_is_refused_by_every_worker_within_one_second(
    store: dict[str, Any], make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    app = Safeguarding(make_settings())
    key, info = issue_key(
        app, principal_id="staff", role="partnership", agency="LSP", partnerships=["LEW"]
    )
    app.close()
    port = free_port()
    log = tmp_path / "serve.log"
    server = tracker_process(
        ["serve", "--port", str(port), "--workers", "2"],
        store,
        log,
        TRACKER_PROJECTOR_IN_PROCESS="false",
        TRACKER_SCHEDULER_IN_API="false",
    )
    url = f"http://127.0.0.1:{port}/api/v1/cases/{uuid4()}"
    headers = {"Authorization": f"Bearer {key}"}

    def status() -> int:
        try:  # a new connection each time, so the kernel spreads them over the workers
            return httpx.get(url, headers=headers, timeout=5).status_code
        except httpx.HTTPError:
            return 0

    try:
        eventually(lambda: status() == 404, "the server to start")  # the key works

        # both workers have served the key (and would have cached it) before it is revoked
        def both_answered() -> bool:
            with ThreadPoolExecutor(8) as pool:  # busy workers: the kernel uses both
                assert set(pool.map(lambda _: status(), range(16))) == {404}
            return len({x["pid"] for x in _answers(log) if x["status"] == 404}) == 2

        try:
            eventually(both_answered, "both workers to answer", timeout=30)
        except AssertionError:
            raise AssertionError(log.read_text()[-3000:]) from None
        revoked = tracker_cli(store, "keys", "revoke", info.key_id, "--reason", "left")
        assert revoked.returncode == 0, revoked.stderr
        committed = time.monotonic()  # the revocation is in the store
        seen: list[tuple[float, int]] = []
        with ThreadPoolExecutor(4) as pool:  # four clients at once, each polling

            def poll(_: int) -> list[tuple[float, int]]:
                mine = []
                while time.monotonic() - committed < 3:
                    sent = time.monotonic() - committed
                    mine.append((sent, status()))
                return mine

            for answers in pool.map(poll, range(4)):
                seen.extend(answers)
        served_before = len(_answers(log))
    finally:
        server.terminate()
        server.wait(timeout=30)

    still_accepted = [sent for sent, code in seen if code != 401]
    refused_from = max(still_accepted, default=0.0)
    print(
        f"revocation: {len(seen)} requests from 4 clients in the 3 s after `tracker keys "
        f"revoke` returned; {len(still_accepted)} accepted (the last sent at "
        f"{refused_from:.3f} s), {sum(code == 401 for _, code in seen)} refused with 401"
    )
    assert refused_from <= 1.0, seen
    assert all(code == 401 for sent, code in seen if sent > 1.0)
    after = _answers(log)[served_before - len(seen) :]
    assert len({x["pid"] for x in after if x["status"] == 401}) == 2  # both workers refused it
