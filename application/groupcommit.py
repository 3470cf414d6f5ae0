"""Group commit: concurrent appends share one transaction, each accepted or refused alone.

A thread that appends while no append is being written becomes the *leader*: it takes
every append waiting (its own included, at most ``max_group``) and writes them in one
transaction, each in its own subtransaction (a PostgreSQL exception block, an SQLite
savepoint), so an append whose events conflict with the store (another writer's event at
the same version: the stale expected version or lost race that a single commit would
refuse) is refused alone with the library's ``IntegrityError`` while the others commit.
The other threads wait; appends that arrive meanwhile form the next group, written by one
of them as soon as the leader is done. Nobody waits for a group to fill: a lone append is
written at once, as before, so group commit only changes anything under concurrency.

Notification ids stay in commit order: a group takes the table lock (PostgreSQL) or the
one write lock (SQLite) once, and its appends get their ids in the order written, all
before the group commits. Nothing is acknowledged before its group's commit returns, and
a group commits or rolls back whole (a failure of the transaction itself fails every
append in it), so a crash loses only appends nobody was told were recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import StoredEvent

# What a group's writer answers for each append: its notification ids, or the error that
# refused it (IntegrityError for a conflict).
Outcome = Sequence[int] | BaseException
Flush = Callable[[Sequence[Sequence[StoredEvent]]], Sequence[Outcome]]


@dataclass
class _Append:
    events: Sequence[StoredEvent]
    done: bool = False
    outcome: Outcome = field(default_factory=tuple)


class GroupCommit:
    """Batches concurrent ``append`` calls into groups written by ``flush`` (one
    transaction per group, one outcome per append, in order)."""

    def __init__(self, flush: Flush, max_group: int = 64) -> None:
        self._flush = flush
        self.max_group = max_group
        self._cond = threading.Condition()
        self._waiting: list[_Append] = []
        self._writing = False
        self._held = 0
        # what happened, for tests and metrics
        self.groups = 0
        self.appends = 0

    def append(self, events: Sequence[StoredEvent]) -> Sequence[int]:
        """Write ``events`` (one append: all or none) and return their notification ids,
        or raise what refused them."""
        me = _Append(events)
        with self._cond:
            self._waiting.append(me)
        while True:
            with self._cond:
                while not me.done and (self._writing or self._held):
                    self._cond.wait()
                if me.done:
                    return self._result(me)
                self._writing = True
                group = self._waiting[: self.max_group]  # the oldest first: mine among them
                del self._waiting[: self.max_group]
            self._write(group)

    def _write(self, group: list[_Append]) -> None:
        try:
            try:
                outcomes = self._flush([a.events for a in group])
                assert len(outcomes) == len(group)
            except BaseException as e:  # the transaction failed: every append in it did
                outcomes = [e] * len(group)
            for a, outcome in zip(group, outcomes, strict=True):
                a.outcome = outcome
                a.done = True
        finally:
            with self._cond:
                self.groups += 1
                self.appends += len(group)
                self._writing = False
                self._cond.notify_all()

    @staticmethod
    def _result(a: _Append) -> Sequence[int]:
        if isinstance(a.outcome, BaseException):
            raise a.outcome
        return a.outcome

    def hold(self) -> _Hold:
        """While held, appends wait (then go as groups): for tests that need several
        appends in one group."""
        return _Hold(self)

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)


class _Hold:
    def __init__(self, group: GroupCommit) -> None:
        self.group = group

    def __enter__(self) -> GroupCommit:
        with self.group._cond:
            self.group._held += 1
        return self.group

    def __exit__(self, *_: object) -> None:
        with self.group._cond:
            self.group._held -= 1
            self.group._cond.notify_all()


class GroupCommitting:
    """What a recorder adds for group commit (before the library's recorder in its bases):
    once ``enable_group_commit`` is called, ``insert_events`` hands plain appends to the
    group, which writes them with the recorder's own ``insert_groups``."""

    group_commit: GroupCommit | None = None

    def insert_groups(self, appends: Sequence[Sequence[StoredEvent]]) -> list[Outcome]:
        """Write ``appends`` in one transaction: each one's notification ids, or the
        IntegrityError that refused it alone."""
        raise NotImplementedError

    def enable_group_commit(self, max_group: int = 64) -> GroupCommit:
        """From now on, concurrent appends of this process share transactions."""
        if self.group_commit is None:
            self.group_commit = GroupCommit(self.insert_groups, max_group)
        return self.group_commit

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self.group_commit is None or any(kwargs.values()) or not stored_events:
            ids: Sequence[int] | None = super().insert_events(  # type: ignore[misc]
                stored_events, **kwargs
            )
            return ids
        return self.group_commit.append(stored_events)
