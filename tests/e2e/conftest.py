"""An API over a real store (SQLite and PostgreSQL), with a key for every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap

POLICE = "Metropolitan Police"


@dataclass
class Api:
    client: TestClient
    tracker: Safeguarding
    keys: dict[str, str]

    def post(self, path: str, body: Any, *, as_: str = "staff", **headers: str) -> Any:
        return self.client.post(path, json=body, headers=self.headers(as_, **headers))

    def get(self, path: str, *, as_: str = "staff") -> Any:
        return self.client.get(path, headers=self.headers(as_))

    def headers(self, as_: str, **extra: str) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.keys[as_]}"} if as_ else {}
        h.update({k.replace("_", "-"): v for k, v in extra.items()})
        return h

    def position(self) -> int:
        return self.tracker.recorder.max_notification_id() or 0


# who -> (role, agency, partnerships)
PRINCIPALS: dict[str, tuple[str, str, list[str]]] = {
    "staff": ("partnership", "Lewisham Safeguarding Partnership", ["LEW"]),
    "mash": ("agency", "Lewisham MASH", ["LEW"]),
    "police_agency": ("agency", POLICE, ["LEW"]),
    "la": ("partner", "local_authority", ["LEW"]),
    "police": ("partner", "police", ["LEW"]),
    "icb": ("partner", "icb", ["LEW"]),
    "scrutineer": ("scrutineer", "Independent scrutineer", ["LEW"]),
    "analyst": ("analyst", "", ["LEW"]),
    "admin": ("admin", "", ["LEW", "HIL"]),
    "hil_staff": ("partnership", "Hillingdon Safeguarding Partnership", ["HIL"]),
}


@pytest.fixture
def api(make_settings: Callable[..., Settings]) -> Iterator[Api]:
    # the in-process projector has its own test (api/test_read_models.py)
    settings = make_settings(api_key_cache_seconds=0, projector_in_process=False)
    tracker = bootstrap.safeguarding(settings)
    keys = {
        who: issue_key(tracker, principal_id=who, role=role, agency=agency, partnerships=parts)[0]
        for who, (role, agency, parts) in PRINCIPALS.items()
    }
    app = bootstrap.web_app(settings, app=tracker)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, tracker, keys)
    tracker.close()
