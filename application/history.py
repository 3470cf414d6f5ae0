"""The audit trail, read from the event store itself (not from a read model): every event of
a case or review in order with its full payload and audit, and the aggregate replayed as it
stood at any version or instant (DESIGN §6, §8).

These are the scrutineer's tools: what they show is what is stored, decoded by the same
mapper (and cipher) that wrote it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import Application

from application.context import Principal
from application.errors import NotFoundError, NotPermittedError
from application.views import FULL_READERS, ScopingView, scoping_view
from domain.base import LONDON
from domain.case import Case
from domain.clocks import Clock, case_clocks

if TYPE_CHECKING:  # the service imports what this module imports, not this module
    from application.service import Safeguarding

# What every event carries besides what it says (shown as its own fields, not the payload).
ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "audit", "prev_hash", "hash"}
)


def json_ready(value: Any) -> Any:
    """``value`` as JSON: dates ISO, enums their value, dataclasses and mappings objects."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return json_ready(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_ready(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_ready(v) for v in value]
    return str(value)


@dataclass(frozen=True)
class HistoryEntry:
    stream_id: UUID
    version: int
    event_type: str
    recorded_at: datetime
    effective_on: date
    actor_id: str
    role: str
    agency: str
    person: str
    request_id: str
    idempotency_key: str
    source: str
    prev_hash: str
    hash: str
    payload: dict[str, Any]


def history_entry(event: Any) -> HistoryEntry:
    a = event.audit
    return HistoryEntry(
        stream_id=event.originator_id,
        version=event.originator_version,
        event_type=type(event).__name__,
        recorded_at=event.timestamp,
        effective_on=event.effective_on,
        actor_id=a.actor_id,
        role=a.role,
        agency=a.agency,
        person=a.person,
        request_id=a.request_id,
        idempotency_key=a.idempotency_key,
        source=a.source,
        prev_hash=event.prev_hash,
        hash=event.hash,
        payload={k: json_ready(v) for k, v in vars(event).items() if k not in ENVELOPE},
    )


def last_version(app: Application[UUID], stream_id: UUID) -> int:
    """The stream's newest stored version (0: no such stream)."""
    rows = app.recorder.select_events(stream_id, desc=True, limit=1)
    return rows[0].originator_version if rows else 0


class DecodedEvents:
    """Stored events decoded, kept by (stream, version) with the stored bytes they came
    from: a stored event never changes, so nothing invalidates an entry. A row is still
    read every time; only its decoding (decryption, decompression, JSON, the event object
    and its history entry) is skipped when its topic and bytes are those already decoded.
    A row altered in the store is therefore decoded afresh, never answered from here; a
    newer version is simply not here yet. The oldest entries go beyond ``size``."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[UUID, int], tuple[str, bytes, HistoryEntry]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self.decoded = 0  # how many rows were decoded rather than found (for the tests)

    def entry(self, app: Application[UUID], row: Any) -> HistoryEntry:
        key = (row.originator_id, row.originator_version)
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == row.topic and found[1] == row.state:
                self._entries.move_to_end(key)
                return found[2]
        made = history_entry(app.mapper.to_domain_event(row))
        with self._lock:
            self.decoded += 1
            self._entries[key] = (row.topic, bytes(row.state), made)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return made


_DECODED: WeakKeyDictionary[Application[UUID], DecodedEvents] = WeakKeyDictionary()
_DECODED_LOCK = threading.Lock()


def decoded_events(app: Application[UUID]) -> DecodedEvents:
    """The application's decoded history entries (one set per application object)."""
    with _DECODED_LOCK:
        found = _DECODED.get(app)
        if found is None:
            found = _DECODED[app] = DecodedEvents()
        return found


def history(
    app: Application[UUID], stream_id: UUID, *, after_version: int = 0, limit: int = 100
) -> list[HistoryEntry]:
    """Up to ``limit`` events of the stream after ``after_version``, oldest first: read
    from the store, each decoded once per process (``DecodedEvents``)."""
    rows = app.recorder.select_events(stream_id, gt=after_version, limit=limit)
    decoded = decoded_events(app)
    return [decoded.entry(app, r) for r in rows]


def events_until(
    app: Application[UUID],
    stream_id: UUID,
    *,
    version: int | None = None,
    at: datetime | None = None,
) -> list[Any]:
    """The stream's events, oldest first, up to ``version`` (inclusive) or recorded at or
    before the instant ``at``."""
    events: list[Any] = []
    for row in app.recorder.select_events(stream_id, lte=version):
        event: Any = app.mapper.to_domain_event(row)
        if at is not None and event.timestamp > at:
            break
        events.append(event)
    return events


def fold(events: list[Any]) -> Any:
    """The aggregate the events make (None for no events)."""
    state: Any = None
    for event in events:
        state = event.mutate(state)
    return state


def replay(
    app: Application[UUID],
    stream_id: UUID,
    *,
    version: int | None = None,
    at: datetime | None = None,
) -> Any:
    """The aggregate as it stood at ``version`` (inclusive) or at the instant ``at`` (the
    last event recorded at or before it); None when nothing had been recorded by then."""
    return fold(events_until(app, stream_id, version=version, at=at))


# --- the scrutineer's reads, with their permission checks ------------------------------------


@dataclass(frozen=True)
class Subject:
    """Which stream a history or replay is about: its partnership and reference."""

    stream_id: UUID
    partnership: str
    reference: str
    last_version: int


def subject(app: Application[UUID], principal: Principal, stream_id: UUID) -> Subject:
    """The stream, if ``principal`` may read its history; NotFound/NotPermitted otherwise.

    The partnership comes from the stream's first event; a stream whose first event can no
    longer be decoded (tampered) is reported as not found here -- the integrity check,
    which authorises from the read models, still names the broken event."""
    if principal.role not in FULL_READERS:
        raise NotPermittedError(f"the {principal.role.value} role reads no case history")
    first = app.recorder.select_events(stream_id, limit=1)
    if not first:
        raise NotFoundError(f"no case {stream_id}")
    try:
        created = decoded_events(app).entry(app, first[0]).payload
    except Exception as e:
        raise NotFoundError(f"no readable case {stream_id}") from e
    partnership = created.get("partnership")
    if not isinstance(partnership, str) or not principal.may_see(partnership):
        raise NotFoundError(f"no case {stream_id}")
    return Subject(
        stream_id=stream_id,
        partnership=partnership,
        reference=str(created.get("reference", "")),
        last_version=last_version(app, stream_id),
    )


# --- a case as it stood --------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAsAt:
    """A case replayed from its events as it stood, with its clocks and scoping requests
    as they stood on ``as_of`` (the day of the instant, or of the version's last event)."""

    case: Case
    as_of: date
    clocks: list[Clock]
    scoping: list[ScopingView]


def case_as_at(
    app: Safeguarding,
    principal: Principal,
    stream_id: UUID,
    *,
    version: int | None = None,
    at: datetime | None = None,
) -> CaseAsAt:
    """The case as it stood at ``version`` or at the instant ``at`` (an instant without a
    zone is UTC), for a principal who may read its history (``subject``).

    NotFound when the stream is no case, has no such version, or had recorded nothing by
    ``at``. Give one of ``version`` and ``at`` (the caller checks its arguments)."""
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    found = subject(app, principal, stream_id)
    case = replay(app, found.stream_id, version=version, at=at)
    if not isinstance(case, Case) or (version is not None and case.version != version):
        raise NotFoundError(f"case {stream_id} has no version {version or 'recorded by then'}")
    when = at or case.modified_on
    as_of = when.astimezone(LONDON).date()
    p = case.partnership
    clocks = case_clocks(case, as_of, app.timescales(p), app.calendar_of(p))
    scoping = [scoping_view(case, s, clocks) for s in case.scoping.values()]
    return CaseAsAt(case=case, as_of=as_of, clocks=clocks, scoping=scoping)
