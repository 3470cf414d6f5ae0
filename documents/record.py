"""A case as its documents show it: its events up to a version (or an instant), the state
they make, its clocks on that day, and the stamp every document carries -- the version,
the log position of that version's event and the event's hash from the chain.

Documents are rendered from this and never stored: the events are the record, and the
same version renders to the same bytes, so anyone can re-render a document and compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from application.errors import NotFoundError
from application.eventstore import position_of
from application.history import events_until, fold
from application.service import Safeguarding
from documents.layout import Stamp
from domain.base import LONDON
from domain.case import Case
from domain.clocks import Clock, ClockName, case_clocks

E = TypeVar("E")


@dataclass(frozen=True)
class CaseRecord:
    case: Case
    events: tuple[Any, ...]
    stamp: Stamp
    as_of: date  # the day of the version's last event, or of the instant asked for
    clocks: tuple[Clock, ...]

    def of(self, kind: type[E]) -> Iterator[E]:
        """The events of ``kind``, oldest first."""
        return (e for e in self.events if isinstance(e, kind))

    def last(self, kind: type[E], **where: Any) -> E | None:
        """The newest event of ``kind`` whose fields equal ``where`` (None: none yet)."""
        found = None
        for e in self.of(kind):
            if all(getattr(e, k) == v for k, v in where.items()):
                found = e
        return found

    def clock(self, name: ClockName, subject: str = "") -> Clock | None:
        return next((c for c in self.clocks if c.name is name and c.subject == subject), None)


def case_record(
    app: Safeguarding,
    case_id: UUID,
    *,
    version: int | None = None,
    at: datetime | None = None,
) -> CaseRecord:
    """The case at ``version`` (default: the current one) or as it stood at the instant
    ``at`` (a time without a zone is UTC). NotFound when there is no such case or version.
    Who may read it is the caller's business (documents/service.py)."""
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    events = events_until(app, case_id, version=version, at=at)
    case = fold(events) if events else None
    if not isinstance(case, Case) or (version is not None and case.version != version):
        raise NotFoundError(f"case {case_id} has no version {version or 'recorded by then'}")
    last = events[-1]
    as_of = (at or last.timestamp).astimezone(LONDON).date()
    p = case.partnership
    clocks = case_clocks(case, as_of, app.timescales(p), app.calendar_of(p))
    stamp = Stamp(
        subject=f"case {case.reference}",
        version=case.version,
        position=position_of(app.recorder, case.id, case.version) or 0,
        event_hash=last.hash,
        recorded_at=last.timestamp,
    )
    return CaseRecord(case, tuple(events), stamp, as_of, tuple(clocks))
