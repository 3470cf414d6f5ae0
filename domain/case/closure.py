"""A case closed (with its reason) and, when that was wrong, reopened."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import CaseState
from domain.errors import InvalidValueError, WrongStageError
from domain.values import Audit, text


class Closure(CaseState):
    """Closing and reopening a case."""

    class CaseClosed(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on = self.on
            aggregate.close_reason = self.reason

    def close_case(self, *, audit: Audit, on: date, reason: str) -> None:
        self.check_open()
        self.check_effective_date(on, audit, "date closed")
        self.trigger_event(self.CaseClosed, audit=audit, on=on, reason=text(reason, "reason"))

    class CaseReopened(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on = None
            aggregate.close_reason = ""

    def reopen_case(self, *, audit: Audit, on: date, reason: str) -> None:
        if self.closed_on is None:
            raise WrongStageError(f"case {self.reference} is not closed")
        self.check_effective_date(on, audit, "date reopened")
        if on < self.closed_on:
            raise InvalidValueError("a case cannot be reopened before it was closed")
        self.trigger_event(self.CaseReopened, audit=audit, on=on, reason=text(reason, "reason"))
