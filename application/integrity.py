"""Verify the hash chains: has anybody altered, removed or reordered recorded history?

Reads the stored rows themselves (through the application's mapper, so encrypted state is
decrypted and a tampered ciphertext fails to decrypt) and checks, event by event, that
versions run 1, 2, 3..., that each event's ``prev_hash`` is its predecessor's ``hash`` and
that each ``hash`` is the hash of what the event now says.

Limit, stated plainly: a chain cannot show that its *newest* events were deleted (the
remaining chain is still whole). The read models record each stream's last version and
hash, which is where truncation shows: a case's verdict (``CaseIntegrity``) compares the
store's last version with the one the read models saw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from application import history
from application.context import Principal
from application.errors import NotPermittedError
from application.views import FULL_READERS
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


# --- a case's verdict, for the scrutineer's surface ----------------------------------------


class ReadSide(Protocol):
    """What the read models say of a stream (the surface asking supplies it: this layer
    reads no read model itself)."""

    def holds(self, stream_id: UUID, partnerships: Sequence[str]) -> bool:
        """The tracker has the case, in one of ``partnerships``."""
        ...

    def last_version_seen(self, stream_id: UUID) -> int | None:
        """The stream's last version the read models saw (None: none)."""
        ...


@dataclass(frozen=True)
class CaseVerdict:
    stream_id: UUID
    ok: bool
    events_checked: int
    first_broken_version: int | None
    problem: str
    last_version_stored: int
    last_version_seen: int | None  # by the read models: more than stored means removed


class CaseIntegrity:
    """A principal's integrity checks of single cases: only the roles that read a case in
    full may make one (checked here, before the case is even named)."""

    def __init__(self, app: Application[UUID], principal: Principal, read_side: ReadSide) -> None:
        if principal.role not in FULL_READERS:
            raise NotPermittedError(f"the {principal.role.value} role verifies no case")
        self.app = app
        self.principal = principal
        self.read_side = read_side

    def verdict(self, stream_id: UUID) -> CaseVerdict:
        """The case's hash chain checked from the stored rows, and whether the store ends
        before what the read models saw (its newest events removed, which a chain cannot
        show). NotFound/NotPermitted when the principal may not read the case."""
        app, principal = self.app, self.principal
        # authorise from the read model: a tampered first event may not decode
        if not self.read_side.holds(stream_id, list(principal.partnerships)):
            history.subject(app, principal, stream_id)  # not projected yet: from the store
        report = verify_stream(app, stream_id)
        stored = history.last_version(app, stream_id)
        seen = self.read_side.last_version_seen(stream_id)
        ok, problem, first_broken = report.ok, report.problem, report.first_broken_version
        if ok and seen is not None and seen > stored:
            ok, first_broken = False, stored + 1
            problem = (
                f"the store ends at version {stored} but the read models saw version {seen}: "
                "its newest events were removed"
            )
        return CaseVerdict(
            stream_id=stream_id,
            ok=ok,
            events_checked=report.events_checked,
            first_broken_version=first_broken,
            problem=problem,
            last_version_stored=stored,
            last_version_seen=seen,
        )
