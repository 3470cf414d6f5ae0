"""GraphQL over HTTP (a real uvicorn server, the ``gql`` client), on SQLite and PostgreSQL:
roles, privacy, suppression, isolation, replay, integrity, the access log, limits, cost."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from application.service import Safeguarding
from application.settings import Settings
from tests.support.clock import FakeClock
from tests.support.graph import Graph, graph_server


@pytest.fixture
def graph(make_settings: Callable[..., Settings], clock: FakeClock) -> Iterator[Graph]:
    settings = make_settings(api_key_cache_seconds=0, projector_in_process=False)
    tracker = Safeguarding(settings, clock=clock)
    with graph_server(settings, tracker) as g:
        yield g
    tracker.close()
