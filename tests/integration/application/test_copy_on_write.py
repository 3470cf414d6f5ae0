"""A command works on a shallow copy of the cached aggregate (``application.service._copy``):
safe only while the domain never changes a value it holds in place. These tests pin that:
no event applied, and no command decided, changes anything the previous state held."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from application import service
from application.generate import generate
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.scenario import walk_to_panel_response


def test_applying_any_generated_event_changes_nothing_the_previous_state_held(
    tracker: Safeguarding,
) -> None:
    generate(tracker, 60, seed=5, batch=10)
    streams: dict[Any, list[Any]] = {}
    for n in tracker.recorder.select_notifications(start=1, limit=100_000):
        if n.topic.startswith(("domain.case:", "domain.review:")):
            streams.setdefault(n.originator_id, []).append(tracker.mapper.to_domain_event(n))
    assert len(streams) >= 60
    kinds: set[str] = set()
    for events in streams.values():
        state: Any = None
        for event in events:
            kinds.add(type(event).__qualname__)
            if state is None:
                state = event.mutate(None)
                continue
            before = copy.deepcopy(state.__dict__)
            after = event.mutate(service._copy(state))
            assert state.__dict__ == before, type(event).__qualname__
            assert after.version == state.version + 1
            state = after
    assert len(kinds) > 20  # many kinds of event were applied


def test_no_command_of_the_seed_timetable_changes_the_cached_aggregate(
    tracker: Safeguarding, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[tuple[Any, dict[str, Any]]] = []
    real: Callable[[Any], Any] = service._copy

    def watched(aggregate: Any) -> Any:
        copied.append((aggregate, copy.deepcopy(aggregate.__dict__)))
        return real(aggregate)

    monkeypatch.setattr(service, "_copy", watched)
    walk_to_panel_response(tracker, clock)
    assert len(copied) > 20
    for aggregate, before in copied:
        assert aggregate.__dict__ == before
