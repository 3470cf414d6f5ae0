"""A mistake in a referral fixed by a new fact, ``DetailsCorrected`` with its reason, never
by editing history (DESIGN §3)."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from typing import Any

from domain.base import AuditedAggregate, check_not_future, local_date
from domain.case.state import CaseState
from domain.errors import CorrectionNotAllowedError, InvalidValueError
from domain.values import Audit, CaseKind, IncidentKind, parse, text

_CORRECTABLE_TOP = ("area", "aware_on", "received_on", "siblings_action", "learning")
_CORRECTABLE_DETAILS = ("outline", "reason", "other_information")


class Corrections(CaseState):
    """What may be corrected, and how a correction changes the case."""

    class DetailsCorrected(AuditedAggregate.Event):
        on: date  # the day the correction was recorded
        what: str
        new_value: Any
        reason: str

        def apply(self, aggregate: Any) -> None:
            case: Corrections = aggregate
            case._apply_correction(self.what, self.new_value)

    def correct_details(self, *, audit: Audit, what: str, new_value: Any, reason: str) -> None:
        """Fix a mistake in the referral by a new fact, never by editing history."""
        self.check_open()
        value = self._coerce_correction(what, new_value, audit)
        self.trigger_event(
            self.DetailsCorrected,
            audit=audit,
            on=local_date(audit),
            what=what,
            new_value=value,
            reason=text(reason, "reason"),
        )

    def _coerce_correction(self, what: str, new_value: Any, audit: Audit) -> Any:
        parts = what.split(".")
        if len(parts) == 1 and parts[0] in _CORRECTABLE_TOP:
            if parts[0] in ("aware_on", "received_on"):
                value = _as_date(new_value, what)
                check_not_future(value, audit, what)
                if parts[0] == "aware_on" and self.kind is not CaseKind.SERIOUS_INCIDENT:
                    raise CorrectionNotAllowedError("aware_on applies to serious incidents")
                return value
            return text(_as_str(new_value, what), what, required=parts[0] == "area")
        if len(parts) == 2 and parts[0] == "details" and parts[1] in _CORRECTABLE_DETAILS:
            return text(_as_str(new_value, what), what, required=False)
        if len(parts) == 2 and parts[0] in ("child", "incident", "referrer", "safeguarding_lead"):
            target = self._correction_target(parts[0])
            if target is None:
                raise CorrectionNotAllowedError(
                    f"case {self.reference} has no {parts[0]} to correct"
                )
            hints = typing.get_type_hints(type(target))
            if parts[1] not in hints:
                raise CorrectionNotAllowedError(f"{parts[0]} has no field {parts[1]!r}")
            hint = str(hints[parts[1]])
            if "tuple" in hint:
                raise CorrectionNotAllowedError(f"{what} is a list: it cannot be corrected yet")
            if "date" in hint:
                if new_value is None and "None" in hint:
                    return None
                day = _as_date(new_value, what)
                check_not_future(day, audit, what)
                return day
            if "bool" in hint:
                if not isinstance(new_value, bool):
                    raise InvalidValueError(f"{what} must be true or false")
                return new_value
            if parts == ["incident", "kind"]:
                return parse(IncidentKind, _as_str(new_value, what), "incident kind").value
            return text(_as_str(new_value, what), what, required=parts[1] == "name")
        raise CorrectionNotAllowedError(f"{what!r} cannot be corrected")

    def _correction_target(self, name: str) -> Any:
        if name == "child":
            return self.details.child
        if name == "incident":
            return self.incident
        if name == "referrer":
            return self.details.referrer
        return self.details.safeguarding_lead

    def _apply_correction(self, what: str, value: Any) -> None:
        parts = what.split(".")
        if len(parts) == 1:
            setattr(self, parts[0], value)
        elif parts[0] == "details":
            self.details = dataclasses.replace(self.details, **{parts[1]: value})
        elif parts[0] == "incident":
            assert self.incident is not None
            self.incident = dataclasses.replace(self.incident, **{parts[1]: value})
        else:
            target = self._correction_target(parts[0])
            updated = dataclasses.replace(target, **{parts[1]: value})
            self.details = dataclasses.replace(self.details, **{parts[0]: updated})


def _as_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"{what} must be text")
    return value


def _as_date(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValueError(f"{what} must be a date (YYYY-MM-DD)")
