"""The base of every aggregate here: audited, hash-chained events with effective dates.

Each command method takes the ``Audit`` of who is acting; ``trigger_event`` stamps it on
the event, uses its ``recorded_at`` as the event timestamp (so time is injectable), and
links the event into the stream's hash chain (``prev_hash`` -> ``hash``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.chain import GENESIS, hash_of
from domain.errors import (
    AuditMissingError,
    EffectiveDateBeforeCaseBeganError,
    EffectiveDateInFutureError,
)
from domain.values import Audit

LONDON = ZoneInfo("Europe/London")


def local_date(audit: Audit) -> date:
    """The day (Europe/London) on which the audited act is being recorded."""
    return audit.recorded_at.astimezone(LONDON).date()


class AuditedAggregate(Aggregate):
    """An aggregate whose events carry audit metadata and form a hash chain."""

    class Event(Aggregate.Event):
        audit: Audit
        prev_hash: str
        hash: str

        def mutate(self, aggregate: Any) -> Any:
            agg = super().mutate(aggregate)
            assert agg is not None
            agg.chain_head = self.hash
            return agg

        @property
        def effective_on(self) -> date:
            """The day the recorded act happened (Europe/London), as distinct from when
            it was recorded: ``on`` for acts, ``received_on`` for referrals."""
            day = getattr(self, "on", None) or getattr(self, "received_on", None)
            return day if isinstance(day, date) else local_date(self.audit)

    class Created(Event, Aggregate.Created):
        def mutate(self, aggregate: Any) -> Any:
            agg = super().mutate(aggregate)
            assert agg is not None
            agg.chain_head = self.hash
            return agg

    if TYPE_CHECKING:  # state set by the events (class annotations would become fields)
        chain_head: str
        reference: str  # every audited story has a human reference...
        partnership: str  # ...and belongs to one partnership

    # Subclasses say when their story began (for the "before the case began" guard).
    def began_on(self) -> date:
        raise NotImplementedError

    @classmethod
    def _create_audited(
        cls, event_class: type[Created], *, id: UUID, audit: Audit, **kwargs: Any
    ) -> Self:
        _check_audit(audit)
        fields: dict[str, Any] = dict(kwargs)
        fields.update(audit=audit, prev_hash=GENESIS, hash="", timestamp=audit.recorded_at)
        fields["hash"] = _hash_for(
            event_class,
            originator_topic=_topic(cls),
            originator_id=id,
            originator_version=cls.INITIAL_VERSION,
            **fields,
        )
        return cls._create(event_class, id=id, **fields)

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        audit = kwargs.get("audit")
        _check_audit(audit)
        assert isinstance(audit, Audit)
        kwargs.update(prev_hash=self.chain_head, hash="", timestamp=audit.recorded_at)
        kwargs["hash"] = _hash_for(
            event_class,
            originator_id=self.id,
            originator_version=self.version + 1,
            **kwargs,
        )
        super().trigger_event(event_class, **kwargs)

    # --- guards shared by all aggregates ---------------------------------------------

    def check_effective_date(self, on: date, audit: Audit, what: str = "effective date") -> None:
        """``on`` must not be in the future nor before this story began."""
        check_not_future(on, audit, what)
        began = self.began_on()
        if on < began:
            raise EffectiveDateBeforeCaseBeganError(
                f"{what} {on.isoformat()} is before the case began on {began.isoformat()}"
            )


def check_not_future(on: date, audit: Audit, what: str = "effective date") -> None:
    today = local_date(audit)
    if on > today:
        raise EffectiveDateInFutureError(
            f"{what} {on.isoformat()} is in the future (today is {today.isoformat()})"
        )


def _check_audit(audit: object) -> None:
    if not isinstance(audit, Audit) or not audit.actor_id or not audit.role:
        raise AuditMissingError("every recorded act needs an actor and a role")


def _topic(cls: type) -> str:
    return get_topic(cls)


def _hash_for(event_class: type[Any], **fields: Any) -> str:
    """Build the event once without its hash to hash exactly the fields it will hold."""
    draft = event_class(**fields)
    return hash_of(draft)
