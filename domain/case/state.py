"""What every stage of a case shares: its state, where it stands, and the guards.

``CaseState`` is mixed into ``Case`` with one class per stage of the process (referral,
decision, rapid review, learning, closure, corrections); each stage module keeps its acts'
command methods beside their events. For the type checker the stages are aggregates; at
run time they are plain mixins and ``Case`` alone is the aggregate, so every event's topic
stays ``domain.case:Case.<Event>`` (pinned by tests/unit/domain/test_event_topics.py).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from domain.base import AuditedAggregate
from domain.errors import (
    AlreadyRecordedError,
    CaseClosedError,
    MeetingNotQuorateError,
    NotASafeguardingPartnerError,
    NotNotifiedError,
    WrongCaseKindError,
)
from domain.values import (
    SAFEGUARDING_PARTNERS,
    Audit,
    CaseKind,
    Child,
    Contact,
    Incident,
    IncidentKind,
    Participant,
    ReferralDetails,
    SafeguardingPartner,
)

if TYPE_CHECKING:
    _Aggregate = AuditedAggregate
else:
    _Aggregate = object


@dataclass(frozen=True)
class CaseActionState:
    """An action of the case's own plan (from its rapid review or Learning from Practice)."""

    action_id: str
    description: str
    owner_agency: str
    agreed_on: date
    due_on: date
    completed_on: date | None = None


@dataclass
class ScopingState:
    """One agency's scoping request within a rapid review."""

    agency: str
    requested_on: date
    due_on: date
    contact: str = ""
    records_secured_on: date | None = None
    returned_on: date | None = None
    involvement: bool | None = None


def safeguarding_partner(value: str, what: str = "party") -> SafeguardingPartner:
    """A safeguarding partner, or NotASafeguardingPartnerError."""
    try:
        return SafeguardingPartner(value)
    except ValueError:
        partners = ", ".join(p.value for p in SafeguardingPartner)
        raise NotASafeguardingPartnerError(
            f"{what} {value!r} is not a safeguarding partner (the partners are {partners})"
        ) from None


def missing_partners(present: typing.Iterable[str | None]) -> list[str]:
    """The safeguarding partners (sorted) not among ``present``."""
    seen = set(present)
    return sorted(p.value for p in SAFEGUARDING_PARTNERS if p.value not in seen)


def check_quorate(participants: typing.Iterable[Participant]) -> None:
    """A rapid review meeting is quorate only with the LA, police and ICB represented."""
    missing = missing_partners(p.represents for p in participants)
    if missing:
        raise MeetingNotQuorateError(
            "the meeting is quorate only with a representative of each safeguarding "
            "partner present; missing: " + ", ".join(missing)
        )


class CaseState(_Aggregate):
    """A case's state (set by its events), where it stands, and the shared guards."""

    def _init_common(self, reference: str, partnership: str, area: str, received_on: date) -> None:
        self.reference = reference
        self.referred_by = ""  # the principal who posted the referral
        self.partnership = partnership
        self.area = area
        self.received_on = received_on
        self.aware_on: date = received_on
        self.kind: CaseKind = CaseKind.SERIOUS_INCIDENT
        self.details: ReferralDetails = ReferralDetails(referrer=Contact(name="", agency=""))
        self.incident: Incident | None = None
        self.siblings_action = ""
        self.learning_category = ""
        self.learning = ""
        self.alerted_on: date | None = None
        self.alerted: tuple[str, ...] = ()
        self.recommendation: str | None = None
        self.recommended_on: date | None = None
        self.partner_decisions: dict[str, str] = {}
        self.partner_decided_on: dict[str, date] = {}
        self.disputed_on: date | None = None
        self.mediation_requested_on: date | None = None
        self.mediation_concluded_on: date | None = None
        self.mediation_outcome: str | None = None
        self.decision: str | None = None
        self.decided_on: date | None = None
        self.lfp_referred_on: date | None = None
        self.lfp_meeting_on: date | None = None
        self.notified_on: date | None = None
        self.panel_reference = ""
        self.rapid_review_started_on: date | None = None
        self.meeting_planned_on: date | None = None
        self.scoping: dict[str, ScopingState] = {}
        self.meeting_held_on: date | None = None
        self.rapid_review_recommendation: str | None = None
        self.criteria_apply: tuple[str, ...] = ()
        self.approvals: dict[str, date] = {}
        self.submitted_on: date | None = None
        self.panel_response_on: date | None = None
        self.panel_concurs: bool | None = None
        self.learning_considered_on: date | None = None
        self.learning_outcome: str | None = None
        self.referrer_informed_on: date | None = None
        self.closed_on: date | None = None
        self.close_reason = ""
        self.sos_ofsted_notified_on: date | None = None
        self.outcome_disputed_on: date | None = None
        self.outcome_mediation_requested_on: date | None = None
        self.outcome_mediation_concluded_on: date | None = None
        self.actions: dict[str, CaseActionState] = {}
        self.forum_on: date | None = None
        self.meeting_unanimous = True
        self.agencies_informed: dict[str, date] = {}
        self.dissent_shared_on: date | None = None
        self.disputes_reported: tuple[date, ...] = ()

    def began_on(self) -> date:
        return min(self.received_on, self.aware_on)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def child(self) -> Child | None:
        return self.details.child

    @property
    def approvals_complete(self) -> bool:
        return not missing_partners(self.approvals)

    @property
    def approvals_completed_on(self) -> date | None:
        return max(self.approvals.values()) if self.approvals_complete else None

    @property
    def is_death(self) -> bool:
        return self.incident is not None and self.incident.kind == IncidentKind.DEATH.value

    @property
    def rapid_review_excluded(self) -> bool:
        """A care leaver (not looked after): their death is notified to the Secretary of State
        and Ofsted, with no rapid review (Working Together 2023)."""
        return self.child is not None and self.child.care_leaver and not self.child.looked_after

    @property
    def sos_ofsted_notification_required(self) -> bool:
        """The death of a looked-after child (seed 004 §3.2) or of a care leaver: the Secretary
        of State and Ofsted must be notified too, within five working days."""
        return (
            self.is_death
            and self.child is not None
            and (self.child.looked_after or self.child.care_leaver)
        )

    @property
    def outcome_in_dispute(self) -> bool:
        """A partner disputes the rapid review's outcome and mediation has not concluded."""
        return self.outcome_disputed_on is not None and self.outcome_mediation_concluded_on is None

    @property
    def open_actions(self) -> list[CaseActionState]:
        return [a for a in self.actions.values() if a.completed_on is None]

    @property
    def partners_disagree(self) -> bool:
        return len(set(self.partner_decisions.values())) > 1

    @property
    def stage(self) -> str:
        """Where the case stands, named for the last milestone reached."""
        if self.closed_on is not None:
            return "closed"
        if self.kind is CaseKind.PRACTICE_LEARNING or self.lfp_referred_on is not None:
            if self.referrer_informed_on is not None:
                return "referrer_informed"
            if self.learning_considered_on is not None:
                return "learning_considered"
            if self.lfp_referred_on is not None:
                return "referred_to_learning_from_practice"
            return "awaiting_learning_group"
        milestones: list[tuple[object, str]] = [
            (self.panel_response_on, "panel_responded"),
            (self.submitted_on, "submitted_to_panel"),
            (self.approvals_completed_on, "report_approved"),
            (self.outcome_mediation_concluded_on, "outcome_mediation_concluded"),
            (self.outcome_mediation_requested_on, "outcome_in_mediation"),
            (self.outcome_disputed_on, "outcome_disputed"),
            (self.meeting_held_on, "rapid_review_meeting_held"),
            (self.scoping or None, "scoping"),
            (self.rapid_review_started_on, "rapid_review_started"),
            (self.notified_on, "panel_notified"),
            (self.decided_on, "criteria_decided"),
            (self.mediation_requested_on, "in_mediation"),
            (self.disputed_on, "criteria_disputed"),
            (self.partner_decisions or None, "partner_decisions"),
            (self.recommended_on, "recommendation_made"),
            (self.alerted_on, "partners_alerted"),
        ]
        for value, name in milestones:
            if value is not None:
                if name == "in_mediation" and self.mediation_concluded_on is not None:
                    return "mediation_concluded"
                return name
        return "referred"

    # ----------------------------------------------------------------------- guards

    def check_open(self) -> None:
        if self.closed_on is not None:
            raise CaseClosedError(
                f"case {self.reference} was closed on {self.closed_on.isoformat()}; reopen it first"
            )

    def check_serious_incident(self) -> None:
        if self.kind is not CaseKind.SERIOUS_INCIDENT:
            raise WrongCaseKindError(
                f"case {self.reference} is a practice-learning referral, not a serious incident"
            )

    def check_not_yet(self, value: object, what: str) -> None:
        if value is not None:
            raise AlreadyRecordedError(f"{what} is already recorded for case {self.reference}")

    def check_notified(self, what: str) -> None:
        if self.notified_on is None:
            raise NotNotifiedError(f"{what} needs the national Panel to have been notified first")

    def check_criteria_not_decided(self) -> None:
        if self.decided_on is not None:
            raise AlreadyRecordedError(
                f"the criteria decision ({self.decision}) is already recorded for case "
                f"{self.reference}"
            )

    def _si_act(self, on: date, audit: Audit, what: str) -> None:
        """The guards of every act on a serious incident: open, the right kind, a valid
        effective date."""
        self.check_open()
        self.check_serious_incident()
        self.check_effective_date(on, audit, what)
