"""Aggregates that keep the application's promises: unique references, idempotent commands.

Both are saved in the same transaction as the events of the command they serve, so a crash
can never leave a case without its reference or a command recorded without its key.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:safeguarding-review-tracker")


class ReferenceCounter(Aggregate):
    """Numbers the cases (or reviews) of one partnership in one year: BHR-2026-0007.

    Concurrent allocations conflict on the counter's next version, and the loser retries,
    so two cases never share a reference.
    """

    @staticmethod
    def create_id(series: str) -> UUID:
        return uuid5(_NAMESPACE, f"reference-counter:{series}")

    @event("Opened")
    def __init__(self, series: str) -> None:
        self.series = series
        self.last = 0

    @event("Allocated")
    def allocate(self, number: int, allocated_to: UUID) -> None:
        self.last = number

    def next_reference(self, allocated_to: UUID) -> str:
        number = self.last + 1
        self.allocate(number=number, allocated_to=allocated_to)
        return f"{self.series}-{number:04d}"


class IdempotencyRecord(Aggregate):
    """The first answer to a command sent with an idempotency key by one principal."""

    @staticmethod
    def create_id(principal_id: str, key: str) -> UUID:
        return uuid5(_NAMESPACE, f"idempotency:{principal_id}\n{key}")

    @event("CommandAccepted")
    def __init__(
        self,
        principal_id: str,
        key: str,
        command: str,
        fingerprint: str,
        aggregate_id: UUID,
        reference: str,
        version: int,
    ) -> None:
        self.principal_id = principal_id
        self.key = key
        self.command = command
        self.fingerprint = fingerprint
        self.aggregate_id = aggregate_id
        self.reference = reference
        self.answer_version = version

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"IdempotencyRecord({self.command}, {self.aggregate_id}, v{self.answer_version})"


def series_for(prefix: str, year: int) -> str:
    return f"{prefix}-{year}"
