"""Telling the people the seeds say must be told, each an act with its audit (seed 001's
timetable and "The Rapid Review", seed 004 §7): the agencies informed of the rapid review's
outcome, a dissent shared with the lead representatives, a dispute reported to the
Strategic Partners. (The referrer told the outcome is ``learning.ReferrerInformed``.)

The tracker's outbox sends the message each of these names (``application/outbox/``); the
event records that the partnership told them, and when."""

from __future__ import annotations

import typing
from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import CaseState
from domain.errors import AlreadyRecordedError, InvalidValueError, WrongStageError
from domain.values import Audit, text


class Informing(CaseState):
    """Agencies informed of the outcome, dissent shared, a dispute reported."""

    class AgenciesInformedOfOutcome(AuditedAggregate.Event):
        on: date
        agencies: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.agencies_informed = {
                **aggregate.agencies_informed,
                **dict.fromkeys(self.agencies, self.on),
            }

    def inform_agencies_of_outcome(
        self, *, audit: Audit, on: date, agencies: typing.Iterable[str]
    ) -> None:
        """ "Agencies are informed of the outcome of the Rapid Review" (seed 001's
        timetable, with the report sent to the Panel): once the meeting has decided it;
        each agency once (more may be told later)."""
        self._si_act(on, audit, "date agencies were informed")
        if self.meeting_held_on is None:
            raise WrongStageError("the outcome is known once the rapid review meeting is held")
        if on < self.meeting_held_on:
            raise InvalidValueError("agencies cannot be told the outcome before the meeting")
        named = tuple(dict.fromkeys(text(a, "agency", limit=200) for a in agencies))
        if not named:
            raise InvalidValueError("name at least one agency informed of the outcome")
        already = [a for a in named if a in self.agencies_informed]
        if already:
            raise AlreadyRecordedError(
                f"{', '.join(already)} already informed of the outcome of {self.reference}"
            )
        self.trigger_event(self.AgenciesInformedOfOutcome, audit=audit, on=on, agencies=named)

    class DissentShared(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.dissent_shared_on = self.on

    def share_dissent(self, *, audit: Audit, on: date) -> None:
        """ "Where there is not unanimous agreement about the recommended outcome, this must
        be clearly recorded and shared with the lead representatives for the three
        safeguarding partners" (seed 001): only after a meeting that was not unanimous."""
        self._si_act(on, audit, "date dissent was shared")
        if self.meeting_held_on is None:
            raise WrongStageError("the rapid review meeting has not been held")
        if self.meeting_unanimous:
            raise WrongStageError("the meeting's agreement was unanimous: there is no dissent")
        if on < self.meeting_held_on:
            raise InvalidValueError("the dissent cannot be shared before the meeting")
        self.check_not_yet(self.dissent_shared_on, "sharing the dissent")
        self.trigger_event(self.DissentShared, audit=audit, on=on)

    class DisputeReportedToStrategicPartners(AuditedAggregate.Event):
        on: date
        concern: str

        def apply(self, aggregate: Any) -> None:
            aggregate.disputes_reported = (*aggregate.disputes_reported, self.on)

    def report_dispute_to_strategic_partners(self, *, audit: Audit, on: date, concern: str) -> None:
        """ "Any dispute or concerns about the progress of practice development and learning
        ... should be reported to the Strategic Partners" (seed 004 §7): on an open case of
        either kind, as often as one arises."""
        self.check_open()
        self.check_effective_date(on, audit, "date reported")
        self.trigger_event(
            self.DisputeReportedToStrategicPartners,
            audit=audit,
            on=on,
            concern=text(concern, "concern"),
        )
