"""A request's hand-offs to worker threads are part of its fixed cost (each a queue, a
wake-up of a thread and of the event loop), so they are pinned, not timed: a GraphQL read
makes one (the key's read and the operation together), a command two (the key's read
before the body is looked at, so that a caller without a valid key learns nothing about
the body; then the act). Counted on a real uvicorn server in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
import pytest

from application.acts import EXAMPLES
from tests.support.graph import Graph

CASE_PAGE = "{ cases(first: 5) { totalCount edges { node { reference nextDueOn } } } }"


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions handed to a worker thread (every caller goes through
    ``anyio.to_thread.run_sync``: FastAPI's and Starlette's too)."""
    made: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        made.append(getattr(func, "__name__", type(func).__name__))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return made


def test_a_graphql_read_hands_off_to_a_worker_thread_once(
    graph: Graph, hand_offs: list[str]
) -> None:
    graph.post("staff", CASE_PAGE)  # warm: the first request of a thread makes its reader
    hand_offs.clear()
    answer = graph.post("staff", CASE_PAGE).json()
    assert "errors" not in answer, answer
    assert len(hand_offs) == 1, hand_offs


def test_a_graphql_read_with_a_key_that_names_nobody_is_refused_401(
    graph: Graph, hand_offs: list[str]
) -> None:
    r = httpx.post(
        f"{graph.url}/graphql",
        json={"query": CASE_PAGE},
        headers={"Authorization": "Bearer srt_000000000000_not-a-key"},
        timeout=30,
    )
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert len(hand_offs) == 1, hand_offs  # the key's read, and no operation after it


def test_a_command_hands_off_to_worker_threads_twice(graph: Graph, hand_offs: list[str]) -> None:
    r = httpx.post(
        f"{graph.url}/api/v1/cases/serious-incidents",
        json=EXAMPLES["refer_serious_incident"],
        headers={"Authorization": f"Bearer {graph.keys['mash']}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    assert hand_offs == ["principal_of", "execute"], hand_offs


def test_a_command_without_a_valid_key_is_refused_before_its_body_is_looked_at(
    graph: Graph, hand_offs: list[str]
) -> None:
    r = httpx.post(
        f"{graph.url}/api/v1/cases/serious-incidents",
        json={"not": "a referral"},
        headers={"Authorization": "Bearer srt_000000000000_not-a-key"},
        timeout=30,
    )
    assert r.status_code == 401, r.text
    assert hand_offs == ["principal_of"], hand_offs
