"""The acts of telling those the seeds say must be told (seed 001's timetable and "The
Rapid Review", seed 004 §7): domain/case/informing.py decides them; the outbox sends the
messages they name (application/outbox/)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from application.acts.base import CaseAct, body, notes


@dataclass(frozen=True, kw_only=True)
class InformAgenciesOfOutcome(CaseAct):
    """The agencies are informed of the outcome of the rapid review (seed 001's timetable:
    with the report and letter sent to the Panel), each agency once."""

    path = "agencies-informed"
    title = "Agencies informed of the rapid review's outcome"
    example = body(on="2025-10-30", agencies=["Metropolitan Police", "SLaM NHS Trust"])
    field_notes = notes(on="The day the agencies were informed of the rapid review's outcome.")

    on: date
    agencies: Sequence[str]


@dataclass(frozen=True, kw_only=True)
class ShareDissent(CaseAct):
    """The meeting's agreement was not unanimous: the dissent, as recorded, shared with the
    lead representatives of the three safeguarding partners (seed 001)."""

    path = "dissent-shared"
    title = "Dissent shared with the lead representatives"
    example = body(on="2025-10-24")
    field_notes = notes(on="The day the dissent was shared with the lead representatives.")

    on: date


@dataclass(frozen=True, kw_only=True)
class ReportDisputeToStrategicPartners(CaseAct):
    """A dispute or concern about the progress of practice development and learning
    reported to the Strategic Partners (seed 004 §7)."""

    path = "dispute-reports"
    title = "Dispute reported to the Strategic Partners"
    example = body(on="2025-11-10", concern="The audit has not started three months on.")
    field_notes = notes(on="The day the dispute was reported to the Strategic Partners.")

    on: date
    concern: str
