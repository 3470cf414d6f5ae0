"""Verify the hash chains: has anybody altered, removed or reordered recorded history?

Reads the stored rows themselves (through the application's mapper, so encrypted state is
decrypted and a tampered ciphertext fails to decrypt) and checks, event by event, that
versions run 1, 2, 3..., that each event's ``prev_hash`` is its predecessor's ``hash`` and
that each ``hash`` is the hash of what the event now says.

Limit, stated plainly: a chain cannot show that its *newest* events were deleted (the
remaining chain is still whole). The read models record each stream's last version and
hash, which is where truncation shows (see the Read models issue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from domain.chain import GENESIS, hash_of


@dataclass(frozen=True)
class IntegrityReport:
    stream_id: UUID
    ok: bool
    events_checked: int
    first_broken_version: int | None = None
    problem: str = ""


@dataclass
class _ChainCursor:
    stream_id: UUID
    expected_version: int = 1
    prev_hash: str = GENESIS
    checked: int = 0
    broken: IntegrityReport | None = None

    def check(self, stored: StoredEvent, decode: Callable[[StoredEvent], Any]) -> None:
        if self.broken is not None:
            return
        version = stored.originator_version
        self.checked += 1
        if version != self.expected_version:
            gap = "removed" if version > self.expected_version else "reordered or duplicated"
            self._fail(
                self.expected_version,
                f"expected version {self.expected_version} but found {version}: an event was {gap}",
            )
            return
        try:
            event = decode(stored)
        except Exception as e:  # any failure to decode stored bytes is tampering evidence
            self._fail(
                version,
                f"version {version} cannot be decoded ({type(e).__name__}): "
                "its stored bytes were altered",
            )
            return
        stored_hash = getattr(event, "hash", None)
        if stored_hash is None:
            self._fail(version, f"version {version} carries no hash")
            return
        if getattr(event, "prev_hash", None) != self.prev_hash:
            self._fail(
                version,
                f"version {version} does not follow the event before it "
                "(an earlier event was removed, replaced or reordered)",
            )
            return
        if hash_of(event) != stored_hash:
            self._fail(version, f"version {version} was altered after it was recorded")
            return
        self.prev_hash = stored_hash
        self.expected_version += 1

    def _fail(self, version: int, problem: str) -> None:
        self.broken = IntegrityReport(
            self.stream_id, False, self.checked, first_broken_version=version, problem=problem
        )

    def report(self) -> IntegrityReport:
        if self.broken is not None:
            return self.broken
        return IntegrityReport(self.stream_id, True, self.checked)


def verify_stream(app: Application[UUID], stream_id: UUID) -> IntegrityReport:
    """Check one aggregate's hash chain from its stored rows."""
    cursor = _ChainCursor(stream_id)
    rows = app.recorder.select_events(stream_id)
    if not rows:
        return IntegrityReport(
            stream_id, False, 0, first_broken_version=1, problem="no events are stored for this id"
        )
    for stored in rows:
        cursor.check(stored, app.mapper.to_domain_event)
    return cursor.report()


def _is_chained(topic: str) -> bool:
    return topic.startswith(("domain.case:", "domain.review:"))


def verify_all(
    app: Application[UUID], *, batch: int = 1000, progress: Callable[[int], object] | None = None
) -> Iterator[IntegrityReport]:
    """Check every hash-chained stream in one pass over the notification log.

    Yields one report per stream, in the order the streams began. ``progress`` is called
    with the number of events read after each batch.
    """
    cursors: dict[UUID, _ChainCursor] = {}
    start = 1
    while True:
        notifications = app.recorder.select_notifications(start=start, limit=batch)
        if not notifications:
            break
        for n in notifications:
            if not _is_chained(n.topic):
                continue
            stream_id = n.originator_id
            assert isinstance(stream_id, UUID)
            cursor = cursors.get(stream_id)
            if cursor is None:
                cursor = cursors[stream_id] = _ChainCursor(stream_id)
            cursor.check(n, app.mapper.to_domain_event)
        start = notifications[-1].id + 1
        if progress:
            progress(len(notifications))
    for cursor in cursors.values():
        yield cursor.report()
