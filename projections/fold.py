"""Each stream's current state, folded from the log with the domain's own aggregates.

Read models that need a case's stage or clocks ask the fold rather than re-implementing the
domain: the same ``Case`` and ``Review`` classes apply the same events, so the read side
can never disagree with the write side about what a fact means.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from application.service import Safeguarding
from domain.case import Case
from domain.clocks import Clock, case_clocks, review_clocks
from projections.decoding import Applied
from projections.store import Cursor


class Fold:
    """Shared by the models of one projector (each folds the same events once)."""

    def __init__(self, app: Safeguarding, maxsize: int = 50_000) -> None:
        self.app = app
        self.maxsize = maxsize
        self._states: OrderedDict[UUID, Any] = OrderedDict()
        self._clocks: dict[tuple[UUID, int], list[Clock]] = {}

    def advance(self, batch: Sequence[Applied], *, keep_all: bool = False) -> dict[UUID, Any]:
        """Apply ``batch``; return the state of every stream it touched, as of the batch.

        ``keep_all`` (a rebuild) keeps every state in memory, to be written once at the end."""
        streams: dict[UUID, list[Any]] = {}
        for a in batch:
            e = a.event
            events = streams.get(e.originator_id)
            if events is None:
                streams[e.originator_id] = [e]
            else:
                events.append(e)
        touched: dict[UUID, Any] = {}
        states = self._states
        for stream, events in streams.items():
            state = states.pop(stream, None)
            if state is not None:
                # models sharing this fold each pass the same events: apply them once
                if events[0].originator_version <= state.version:
                    events = [e for e in events if e.originator_version > state.version]
                if not events:
                    states[stream] = touched[stream] = state
                    continue
            first = events[0].originator_version
            if state is None and first == 1:
                state = None  # the stream begins in this batch: fold it from its creation
            elif state is None or state.version != first - 1:
                # not followed from the start (a restart, or evicted): read it back
                state = self.app.repository.get(stream, version=events[-1].originator_version)
                events = []
            for e in events:
                state = e.mutate(state)
            states[stream] = state
            touched[stream] = state
        if not keep_all:
            while len(states) > self.maxsize:
                states.popitem(last=False)
        return touched

    def take_finished(self, going_on: UUID | None) -> list[Any]:
        """Every state held but ``going_on``'s, dropped from the fold (a rebuild reading
        stream by stream: those streams are finished)."""
        kept = self._states.pop(going_on, None) if going_on is not None else None
        taken = list(self._states.values())
        self._states.clear()
        if kept is not None:
            self._states[going_on] = kept  # type: ignore[index]
        self._clocks.clear()
        return taken

    def states(self) -> list[Any]:
        """Every state held, oldest touched first."""
        return list(self._states.values())

    def clocks(self, state: Any) -> list[Clock]:
        """The domain's clocks of a case or review as of ``state``, with ``date.min`` as
        "today" (open clocks come out pending; read time decides breaches). Computed once
        per state and version for every model that asks."""
        key = (state.id, state.version)
        found = self._clocks.get(key)
        if found is None:
            if len(self._clocks) >= 20_000:
                self._clocks.clear()
            t = self.app.timescales(state.partnership)
            calendar = self.app.calendar_of(state.partnership)
            if isinstance(state, Case):
                found = case_clocks(state, date.min, t, calendar)
            else:
                found = review_clocks(state, date.min, t, calendar)
            self._clocks[key] = found
        return found

    def forget(self) -> None:
        """Drop everything: after a failed transaction the states may be ahead of it."""
        self._states.clear()
        self._clocks.clear()


class FoldedModel:
    """What the read models that follow each case's state share: their fold and tables.

    ``apply`` (following the log) writes the rows of the states a batch touched, replacing
    theirs; a rebuild folds the whole log first and then calls ``write`` once per state, into
    fresh tables (``replace=False``: nothing to delete)."""

    fold: Fold
    tables: tuple[str, ...]

    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None:
        touched = self.fold.advance(batch)
        if touched:
            self.write(c, list(touched.values()), replace=True)

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None:
        raise NotImplementedError

    def drop(self, c: Cursor) -> None:
        for table in reversed(self.tables):
            c.execute(f"DROP TABLE IF EXISTS {table}")

    def forget(self) -> None:
        self.fold.forget()
