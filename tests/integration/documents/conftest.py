"""The seed scenario (tests/support/scenario.py) on SQLite and PostgreSQL, and the
documents on top of it, built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest

from application.history import events_until
from application.service import Safeguarding
from documents.service import Asked, Documents
from entrypoints import bootstrap
from tests.support.clock import FakeClock
from tests.support.people import STAFF
from tests.support.scenario import walk_to_panel_response

ASKED = Asked(STAFF, "test-request", "test")


@dataclass
class Seeded:
    app: Safeguarding
    case_id: UUID
    documents: Documents

    def events(self, version: int | None = None) -> list[Any]:
        return events_until(self.app, self.case_id, version=version)

    def last(self, kind: str, version: int | None = None, **where: Any) -> Any:
        found = [
            e
            for e in self.events(version)
            if type(e).__name__ == kind and all(getattr(e, k) == v for k, v in where.items())
        ]
        return found[-1]


@pytest.fixture
def seeded(tracker: Safeguarding, clock: FakeClock) -> Seeded:
    case_id = walk_to_panel_response(tracker, clock)
    return Seeded(tracker, case_id, bootstrap.documents(tracker))
