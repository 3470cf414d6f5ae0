"""Each stream's current state, folded from the log with the domain's own aggregates.

Read models that need a case's stage or clocks ask the fold rather than re-implementing the
domain: the same ``Case`` and ``Review`` classes apply the same events, so the read side
can never disagree with the write side about what a fact means.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from application.app import Tracker
from projections.engine import Applied
from projections.store import Cursor


class Fold:
    """Shared by the models of one projector (each folds the same events once)."""

    def __init__(self, tracker: Tracker, maxsize: int = 50_000) -> None:
        self.tracker = tracker
        self.maxsize = maxsize
        self._states: OrderedDict[UUID, Any] = OrderedDict()

    def advance(self, batch: Sequence[Applied]) -> dict[UUID, Any]:
        """Apply ``batch``; return the state of every stream it touched, as of the batch."""
        streams: dict[UUID, list[Any]] = {}
        for a in batch:
            streams.setdefault(a.event.originator_id, []).append(a.event)
        touched: dict[UUID, Any] = {}
        for stream, events in streams.items():
            state = self._states.pop(stream, None)
            if state is not None:
                # models sharing this fold each pass the same events: apply them once
                events = [e for e in events if e.originator_version > state.version]
                if not events:
                    self._states[stream] = touched[stream] = state
                    continue
            first = events[0].originator_version
            if state is None and first == 1:
                state = None  # the stream begins in this batch: fold it from its creation
            elif state is None or state.version != first - 1:
                # not followed from the start (a restart, or evicted): read it back
                state = self.tracker.repository.get(stream, version=events[-1].originator_version)
                events = []
            for e in events:
                state = e.mutate(state)
            self._states[stream] = state
            touched[stream] = state
        while len(self._states) > self.maxsize:
            self._states.popitem(last=False)
        return touched

    def forget(self) -> None:
        """Drop everything: after a failed transaction the states may be ahead of it."""
        self._states.clear()


class FoldedModel:
    """What the read models that follow each case's state share: their fold and tables."""

    fold: Fold
    tables: tuple[str, ...]

    def drop(self, c: Cursor) -> None:
        for table in reversed(self.tables):
            c.execute(f"DROP TABLE IF EXISTS {table}")

    def forget(self) -> None:
        self.fold.forget()
