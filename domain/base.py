"""The base of every aggregate here: audited, hash-chained events with effective dates.

Each command method takes the ``Audit`` of who is acting; ``trigger_event`` stamps it on
the event, uses its ``recorded_at`` as the event timestamp (so time is injectable), and
links the event into the stream's hash chain (``prev_hash`` -> ``hash``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.chain import GENESIS, hash_of
from domain.errors import (
    AlreadyRecordedError,
    AuditMissingError,
    EffectiveDateBeforeCaseBeganError,
    EffectiveDateInFutureError,
    InvalidValueError,
)
from domain.values import Audit, Source

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
            agg.clock_notices = {}
            return agg

    # --- the scheduler's facts about a clock (each aggregate subclasses them, so their
    # topics name the aggregate: ``domain.case:Case.ReminderIssued``) -------------------

    class ClockNotice(Event):
        """What the scheduler records about one clock instance (never recorded itself)."""

        notice: ClassVar[str]
        on: date
        clock: str  # domain.clocks.ClockName value
        subject: str  # the agency or action the clock instance is for, else ""
        started_on: date
        due_on: date

        def apply(self, aggregate: Any) -> None:
            key = notice_key(self.notice, self.clock, self.subject, self.started_on)
            aggregate.clock_notices = {**aggregate.clock_notices, key: self.on}

    class ReminderIssued(ClockNotice):
        """A clock comes due soon: the people responsible were reminded (``on``: the day
        the reminder went out)."""

        notice = "reminder"

    class DeadlineBreached(ClockNotice):
        """A clock passed the end of its due day still open (``on``: the first day after
        the due day, when the breach happened, whenever it was recorded)."""

        notice = "breach"

    if TYPE_CHECKING:  # state set by the events (class annotations would become fields)
        chain_head: str
        clock_notices: dict[str, date]  # notice_key(...) -> the notice's effective date
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

    # --- the scheduler's commands ------------------------------------------------------

    def issue_reminder(
        self, *, audit: Audit, on: date, clock: str, subject: str, started_on: date, due_on: date
    ) -> None:
        """Record that the people responsible for a clock due soon were reminded; once per
        clock instance."""
        if on > due_on:
            raise InvalidValueError(f"a reminder on {on} comes after the due day {due_on}")
        self._notice(type(self).ReminderIssued, audit, on, clock, subject, started_on, due_on)

    def record_breach(
        self, *, audit: Audit, clock: str, subject: str, started_on: date, due_on: date
    ) -> None:
        """Record that a clock passed its due day still open; once per clock instance. The
        breach happened at the end of the due day, so its effective date is the day after."""
        on = due_on + timedelta(days=1)
        self._notice(type(self).DeadlineBreached, audit, on, clock, subject, started_on, due_on)

    def _notice(
        self,
        event_class: type[ClockNotice],
        audit: Audit,
        on: date,
        clock: str,
        subject: str,
        started_on: date,
        due_on: date,
    ) -> None:
        kind = event_class.notice
        if audit.source != Source.SCHEDULER.value:
            raise InvalidValueError(f"only the scheduler records a {kind} of a clock")
        if notice_key(kind, clock, subject, started_on) in self.clock_notices:
            raise AlreadyRecordedError(
                f"the {kind} of {clock}{' for ' + subject if subject else ''} "
                f"started {started_on} is already recorded"
            )
        if started_on < self.began_on():
            raise InvalidValueError(f"{clock} cannot start before {self.reference} began")
        check_not_future(on, audit, f"{kind} date")
        self.trigger_event(
            event_class,
            audit=audit,
            on=on,
            clock=clock,
            subject=subject,
            started_on=started_on,
            due_on=due_on,
        )

    # --- guards shared by all aggregates ---------------------------------------------

    def check_effective_date(self, on: date, audit: Audit, what: str = "effective date") -> None:
        """``on`` must not be in the future nor before this story began."""
        check_not_future(on, audit, what)
        began = self.began_on()
        if on < began:
            raise EffectiveDateBeforeCaseBeganError(
                f"{what} {on.isoformat()} is before the case began on {began.isoformat()}"
            )


def notice_key(kind: str, clock: str, subject: str, started_on: date) -> str:
    """One clock instance's reminder or breach: a clock is known by its name, its subject
    and the day it started (a clock that starts again is a new instance)."""
    return f"{kind}:{clock}:{subject}:{started_on.isoformat()}"


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
