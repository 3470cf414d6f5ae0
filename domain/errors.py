"""Domain errors: every refusal of a command names the rule it breaks.

Each guard in the aggregates raises one of these before any state changes, so a refused
command records nothing. ``code`` is stable and machine-readable (the API maps it to an
RFC 9457 problem); the message is for people.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused by a rule of the safeguarding process."""

    code = "domain_rule"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidValueError(DomainError):
    """A value is not one the process knows (an unknown partner, criterion, outcome...)."""

    code = "invalid_value"


class EffectiveDateInFutureError(DomainError):
    code = "effective_date_in_future"


class EffectiveDateOutOfRangeError(DomainError):
    """A date no act of the process can have: before 1990, or more than a year ahead."""

    code = "effective_date_out_of_range"


class EffectiveDateBeforeCaseBeganError(DomainError):
    code = "effective_date_before_case_began"


class WrongCaseKindError(DomainError):
    code = "wrong_case_kind"


class WrongStageError(DomainError):
    """The act is not possible at the case's current stage."""

    code = "wrong_stage"


class AlreadyRecordedError(DomainError):
    """A fact that happens once has already been recorded."""

    code = "already_recorded"


class CaseClosedError(DomainError):
    code = "case_closed"


class NotASafeguardingPartnerError(DomainError):
    code = "not_a_safeguarding_partner"


class PartnerDecisionsDisagreeError(DomainError):
    code = "partner_decisions_disagree"


class MeetingNotQuorateError(DomainError):
    code = "meeting_not_quorate"


class ApprovalsIncompleteError(DomainError):
    code = "approvals_incomplete"


class ScopingNotRequestedError(DomainError):
    code = "scoping_not_requested"


class NotNotifiedError(DomainError):
    code = "panel_not_notified"


class ActionNotFoundError(DomainError):
    code = "action_not_found"


class ActionsOutstandingError(DomainError):
    code = "actions_outstanding"


class CorrectionNotAllowedError(DomainError):
    code = "correction_not_allowed"


class AuditMissingError(DomainError):
    """Programming error guard: every event must say who acted."""

    code = "audit_missing"


class CalendarRangeError(InvalidValueError):
    """A working-day count reaches a year the bank-holiday data does not cover (it would
    count every weekday as a working day)."""

    code = "date_beyond_calendar"
