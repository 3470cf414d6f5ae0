"""Read models projected exactly once from the log (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.service import Safeguarding
from projections.store import ReadStore


@pytest.fixture
def read_store(tracker: Safeguarding) -> Iterator[ReadStore]:
    rs = ReadStore(tracker.settings)
    yield rs
    rs.close()
