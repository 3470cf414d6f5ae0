"""The Case aggregate: one referral, from receipt to closure (DESIGN §3.1).

Two kinds, chosen at creation: a serious child safeguarding incident (seed 001 appendix i,
seed 004 §2) and a practice-learning referral (no-harm incidents, near misses, good
practice; seeds 000, 001 appendix vi, 002, 003 §4).

Command methods are imperative (``alert_partners``), events are past-tense facts
(``PartnersAlerted``). Every command runs its named guards first and raises a
``DomainError`` before anything changes, so a refused command records nothing.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.base import AuditedAggregate, check_not_future, local_date
from domain.errors import (
    AlreadyRecordedError,
    ApprovalsIncompleteError,
    CaseClosedError,
    CorrectionNotAllowedError,
    InvalidValueError,
    MeetingNotQuorateError,
    NotASafeguardingPartnerError,
    NotNotifiedError,
    PartnerDecisionsDisagreeError,
    ScopingNotRequestedError,
    WrongCaseKindError,
    WrongStageError,
)
from domain.values import (
    RECOMMENDATIONS_NEEDING_TEXT,
    SAFEGUARDING_PARTNERS,
    AbuseOrNeglect,
    AlertRecipient,
    Audit,
    CaseKind,
    Child,
    Contact,
    CriteriaOutcome,
    Incident,
    IncidentKind,
    LearningCategory,
    LearningOutcome,
    LfpMeeting,
    MeetingFormat,
    Participant,
    RapidReviewCriterion,
    Recommendation,
    ReferralDetails,
    SafeguardingPartner,
    parse,
    text,
)


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


def _partner(value: str, what: str = "party") -> SafeguardingPartner:
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


class Case(AuditedAggregate):
    """A referral and everything the partnership does about it."""

    # ---------------------------------------------------------------- events: creation

    class SeriousIncidentReferred(AuditedAggregate.Created):
        reference: str
        partnership: str
        area: str
        received_on: date
        aware_on: date
        details: ReferralDetails
        incident: Incident
        siblings_action: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case._init_common(self.reference, self.partnership, self.area, self.received_on)
            case.referred_by = self.audit.actor_id
            case.kind = CaseKind.SERIOUS_INCIDENT
            case.aware_on = self.aware_on
            case.details = self.details
            case.incident = self.incident
            case.siblings_action = self.siblings_action

    class PracticeLearningReferred(AuditedAggregate.Created):
        reference: str
        partnership: str
        area: str
        received_on: date
        details: ReferralDetails
        category: str
        learning: str
        incident: Incident | None

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case._init_common(self.reference, self.partnership, self.area, self.received_on)
            case.referred_by = self.audit.actor_id
            case.kind = CaseKind.PRACTICE_LEARNING
            case.aware_on = self.received_on
            case.details = self.details
            case.incident = self.incident
            case.learning_category = self.category
            case.learning = self.learning

    # ------------------------------------------------------- events: serious incident

    class PartnersAlerted(AuditedAggregate.Event):
        on: date
        recipients: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case.alerted_on = self.on
            case.alerted = tuple(self.recipients)

    class CriteriaRecommendationMade(AuditedAggregate.Event):
        on: date
        recommendation: str
        rationale: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case.recommendation = self.recommendation
            case.recommended_on = self.on

    class PartnerDecisionRecorded(AuditedAggregate.Event):
        on: date
        partner: str
        decision: str
        rationale: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case.partner_decisions = {**case.partner_decisions, self.partner: self.decision}
            case.partner_decided_on = {**case.partner_decided_on, self.partner: self.on}

    class CriteriaDisputed(AuditedAggregate.Event):
        on: date
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.disputed_on = self.on

    class MediationRequested(AuditedAggregate.Event):
        on: date
        mediator: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.mediation_requested_on = self.on

    class MediationConcluded(AuditedAggregate.Event):
        on: date
        outcome: str
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.mediation_concluded_on = self.on
            aggregate.mediation_outcome = self.outcome

    class CriteriaDecided(AuditedAggregate.Event):
        on: date
        outcome: str
        rationale: str

        def apply(self, aggregate: Any) -> None:
            aggregate.decision = self.outcome
            aggregate.decided_on = self.on

    class ReferredToLearningFromPractice(AuditedAggregate.Event):
        on: date
        meeting: str
        meeting_on: date | None

        def apply(self, aggregate: Any) -> None:
            aggregate.lfp_referred_on = self.on
            aggregate.lfp_meeting_on = self.meeting_on

    class NationalPanelNotified(AuditedAggregate.Event):
        on: date
        panel_reference: str
        notified_by: str
        secretary_of_state_and_ofsted: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.notified_on = self.on
            aggregate.panel_reference = self.panel_reference

    class RapidReviewStarted(AuditedAggregate.Event):
        on: date
        meeting_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.rapid_review_started_on = self.on
            aggregate.meeting_planned_on = self.meeting_on

    class ScopingRequested(AuditedAggregate.Event):
        on: date
        agency: str
        contact: str
        period_from: date | None
        period_to: date | None
        due_on: date

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case.scoping = {
                **case.scoping,
                self.agency: ScopingState(
                    agency=self.agency,
                    requested_on=self.on,
                    due_on=self.due_on,
                    contact=self.contact,
                ),
            }

    class AgencyRecordsSecured(AuditedAggregate.Event):
        on: date
        agency: str
        note: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            state = dataclasses.replace(case.scoping[self.agency], records_secured_on=self.on)
            case.scoping = {**case.scoping, self.agency: state}

    class ScopingReturned(AuditedAggregate.Event):
        """Seed 001 appendix iii, section 2, as returned by one agency."""

        on: date
        agency: str
        completed_by: Contact
        involvement: bool
        summary: str
        analysis: str
        inter_agency_concerns: str
        other_agencies: str
        further_information: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            state = dataclasses.replace(
                case.scoping[self.agency], returned_on=self.on, involvement=self.involvement
            )
            case.scoping = {**case.scoping, self.agency: state}

    class RapidReviewMeetingHeld(AuditedAggregate.Event):
        """Seed 001 appendix iv: the report of the rapid review discussions."""

        on: date
        format: str
        participants: tuple[Participant, ...]
        immediate_action_taken: bool
        immediate_action_details: str
        criteria: tuple[str, ...]
        discussion: str
        nature_of_harm: str
        legal_advice_sought: bool
        legal_advice_details: str
        recommendation: str
        recommendation_other: str
        rationale: str
        unanimous: bool
        dissent: str

        def apply(self, aggregate: Any) -> None:
            aggregate.meeting_held_on = self.on
            aggregate.rapid_review_recommendation = self.recommendation
            aggregate.criteria_apply = tuple(self.criteria)

    class RapidReviewReportApproved(AuditedAggregate.Event):
        on: date
        partner: str
        approver: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case.approvals = {**case.approvals, self.partner: self.on}

    class RapidReviewSubmitted(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.submitted_on = self.on

    class PanelResponseReceived(AuditedAggregate.Event):
        on: date
        concurs: bool
        view: str

        def apply(self, aggregate: Any) -> None:
            aggregate.panel_response_on = self.on
            aggregate.panel_concurs = self.concurs

    # ------------------------------------------------------- events: practice learning

    class LearningReferralConsidered(AuditedAggregate.Event):
        on: date
        outcome: str
        notes: str

        def apply(self, aggregate: Any) -> None:
            aggregate.learning_considered_on = self.on
            aggregate.learning_outcome = self.outcome

    class ReferrerInformed(AuditedAggregate.Event):
        on: date
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.referrer_informed_on = self.on

    # ---------------------------------------------------------------- events: common

    class ReminderIssued(AuditedAggregate.ReminderIssued):
        pass

    class DeadlineBreached(AuditedAggregate.DeadlineBreached):
        pass

    class CaseClosed(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on = self.on
            aggregate.close_reason = self.reason

    class CaseReopened(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on = None
            aggregate.close_reason = ""

    class DetailsCorrected(AuditedAggregate.Event):
        on: date  # the day the correction was recorded
        what: str
        new_value: Any
        reason: str

        def apply(self, aggregate: Any) -> None:
            case: Case = aggregate
            case._apply_correction(self.what, self.new_value)

    # ------------------------------------------------------------------------- state

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

    # ------------------------------------------------------------ creation commands

    @classmethod
    def refer_serious_incident(
        cls,
        *,
        id: UUID,
        audit: Audit,
        reference: str,
        partnership: str,
        area: str,
        received_on: date,
        aware_on: date | None,
        details: ReferralDetails,
        incident: Incident,
        siblings_action: str = "",
    ) -> Case:
        """Record a serious child safeguarding incident referral (seed 001 appendix i)."""
        aware = aware_on or received_on
        check_not_future(received_on, audit, "received on")
        check_not_future(aware, audit, "date the local authority became aware")
        if details.child is None or not details.child.name.strip():
            raise InvalidValueError("a serious incident referral names the child")
        _check_referral_details(details, audit)
        kind = parse(IncidentKind, incident.kind, "incident kind")
        if kind is IncidentKind.NO_HARM:
            raise InvalidValueError(
                "a serious incident is a death or serious harm; refer no-harm incidents "
                "for practice learning"
            )
        _check_incident(incident, received_on, audit)
        return cls._create_audited(
            cls.SeriousIncidentReferred,
            id=id,
            audit=audit,
            reference=text(reference, "reference"),
            partnership=text(partnership, "partnership"),
            area=text(area, "local authority area"),
            received_on=received_on,
            aware_on=aware,
            details=details,
            incident=incident,
            siblings_action=text(siblings_action, "action for siblings", required=False),
        )

    @classmethod
    def refer_practice_learning(
        cls,
        *,
        id: UUID,
        audit: Audit,
        reference: str,
        partnership: str,
        area: str,
        received_on: date,
        details: ReferralDetails,
        category: str,
        learning: str,
        incident: Incident | None = None,
    ) -> Case:
        """Record a referral for practice learning (seed 001 appendix vi)."""
        check_not_future(received_on, audit, "received on")
        _check_referral_details(details, audit)
        cat = parse(LearningCategory, category, "learning category")
        if incident is not None:
            parse(IncidentKind, incident.kind, "incident kind")
            _check_incident(incident, received_on, audit)
        return cls._create_audited(
            cls.PracticeLearningReferred,
            id=id,
            audit=audit,
            reference=text(reference, "reference"),
            partnership=text(partnership, "partnership"),
            area=text(area, "local authority area"),
            received_on=received_on,
            details=details,
            category=cat.value,
            learning=text(learning, "what could be learned"),
            incident=incident,
        )

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

    def check_decision_follows_partners(self, outcome: CriteriaOutcome) -> None:
        """The decision rests with the three partners: all agree, or mediation decided."""
        if self.mediation_outcome is not None:
            if outcome.value != self.mediation_outcome:
                raise PartnerDecisionsDisagreeError(
                    f"mediation concluded '{self.mediation_outcome}'; the decision must follow it"
                )
            return
        missing = missing_partners(self.partner_decisions)
        if missing:
            raise PartnerDecisionsDisagreeError(
                "the decision rests with the three safeguarding partners; missing: "
                + ", ".join(missing)
            )
        if self.partners_disagree:
            raise PartnerDecisionsDisagreeError(
                "the safeguarding partners disagree; record a dispute and ask the "
                "scrutineer to mediate"
            )
        agreed = next(iter(self.partner_decisions.values()))
        if outcome.value != agreed:
            raise PartnerDecisionsDisagreeError(
                f"the three partners decided '{agreed}', not '{outcome.value}'"
            )

    def check_all_approved(self) -> None:
        missing = missing_partners(self.approvals)
        if missing:
            raise ApprovalsIncompleteError(
                "the report needs the approval of all three lead partners; missing: "
                + ", ".join(missing)
            )

    def _si_act(self, on: date, audit: Audit, what: str) -> None:
        self.check_open()
        self.check_serious_incident()
        self.check_effective_date(on, audit, what)

    # ------------------------------------------------------ serious incident commands

    def alert_partners(self, *, audit: Audit, on: date, recipients: typing.Iterable[str]) -> None:
        """The strategic lead alerts the three partners and the LfP chair (1 working day)."""
        self._si_act(on, audit, "date partners were alerted")
        self.check_not_yet(self.alerted_on, "the alert to partners")
        chosen = tuple(
            sorted({parse(AlertRecipient, r, "alert recipient").value for r in recipients})
        )
        if not chosen:
            raise InvalidValueError("at least one partner must be alerted")
        self.trigger_event(self.PartnersAlerted, audit=audit, on=on, recipients=chosen)

    def recommend_criteria(
        self, *, audit: Audit, on: date, recommendation: str, rationale: str
    ) -> None:
        """The strategic lead's recommendation to the partners (within 5 working days)."""
        self._si_act(on, audit, "date of recommendation")
        self.check_criteria_not_decided()
        self.check_not_yet(self.recommended_on, "the strategic lead's recommendation")
        rec = parse(CriteriaOutcome, recommendation, "recommendation")
        self.trigger_event(
            self.CriteriaRecommendationMade,
            audit=audit,
            on=on,
            recommendation=rec.value,
            rationale=text(rationale, "rationale"),
        )

    def record_partner_decision(
        self, *, audit: Audit, on: date, partner: str, decision: str, rationale: str
    ) -> None:
        """One safeguarding partner's decision on whether the criteria are met."""
        who = _partner(partner)
        self._si_act(on, audit, "date of decision")
        self.check_criteria_not_decided()
        if who.value in self.partner_decisions:
            raise AlreadyRecordedError(
                f"the {who.value} decision is already recorded for case {self.reference}"
            )
        outcome = parse(CriteriaOutcome, decision, "decision")
        self.trigger_event(
            self.PartnerDecisionRecorded,
            audit=audit,
            on=on,
            partner=who.value,
            decision=outcome.value,
            rationale=text(rationale, "rationale"),
        )

    @property
    def partners_disagree(self) -> bool:
        return len(set(self.partner_decisions.values())) > 1

    def dispute_criteria(self, *, audit: Audit, on: date, summary: str) -> None:
        """Partners disagree about the criteria (seed 001: the scrutineer can mediate)."""
        self._si_act(on, audit, "date of dispute")
        self.check_criteria_not_decided()
        self.check_not_yet(self.disputed_on, "a dispute")
        if not self.partners_disagree:
            raise WrongStageError("a dispute needs at least two partner decisions that disagree")
        self.trigger_event(
            self.CriteriaDisputed, audit=audit, on=on, summary=text(summary, "summary")
        )

    def request_mediation(self, *, audit: Audit, on: date, mediator: str, reason: str) -> None:
        self._si_act(on, audit, "date mediation was requested")
        self.check_criteria_not_decided()
        if self.disputed_on is None:
            raise WrongStageError("mediation can only be requested once a dispute is recorded")
        self.check_not_yet(self.mediation_requested_on, "a mediation request")
        self.trigger_event(
            self.MediationRequested,
            audit=audit,
            on=on,
            mediator=text(mediator, "mediator"),
            reason=text(reason, "reason", required=False),
        )

    def conclude_mediation(self, *, audit: Audit, on: date, outcome: str, summary: str) -> None:
        self._si_act(on, audit, "date mediation concluded")
        self.check_criteria_not_decided()
        if self.mediation_requested_on is None:
            raise WrongStageError("mediation has not been requested")
        self.check_not_yet(self.mediation_concluded_on, "the mediation's conclusion")
        result = parse(CriteriaOutcome, outcome, "mediation outcome")
        self.trigger_event(
            self.MediationConcluded,
            audit=audit,
            on=on,
            outcome=result.value,
            summary=text(summary, "summary"),
        )

    def decide_criteria(self, *, audit: Audit, on: date, outcome: str, rationale: str) -> None:
        """The partners' decision: only when all three agree or mediation has concluded."""
        self._si_act(on, audit, "date of decision")
        self.check_criteria_not_decided()
        result = parse(CriteriaOutcome, outcome, "outcome")
        self.check_decision_follows_partners(result)
        self.trigger_event(
            self.CriteriaDecided,
            audit=audit,
            on=on,
            outcome=result.value,
            rationale=text(rationale, "rationale", required=False),
        )

    def refer_to_learning_from_practice(
        self, *, audit: Audit, on: date, meeting: str, meeting_on: date | None
    ) -> None:
        """Criteria not met: to the next scheduled (or a special) LfP meeting."""
        self._si_act(on, audit, "date of referral to Learning from Practice")
        if self.decision != CriteriaOutcome.NOT_MET.value:
            raise WrongStageError(
                "only a case decided as not meeting the criteria goes to Learning from Practice"
            )
        self.check_not_yet(self.lfp_referred_on, "the referral to Learning from Practice")
        kind = parse(LfpMeeting, meeting, "meeting")
        if meeting_on is not None and meeting_on < on:
            raise InvalidValueError(
                "the Learning from Practice meeting cannot precede the referral"
            )
        self.trigger_event(
            self.ReferredToLearningFromPractice,
            audit=audit,
            on=on,
            meeting=kind.value,
            meeting_on=meeting_on,
        )

    @property
    def notification_required(self) -> bool:
        """Criteria met, or a looked-after child died (notified whether or not abuse is
        suspected: seed 003 §2, seed 004 §3.2)."""
        lac_death = (
            self.child is not None
            and self.child.looked_after
            and self.incident is not None
            and self.incident.kind == IncidentKind.DEATH.value
        )
        return self.decision == CriteriaOutcome.MET.value or lac_death

    def notify_national_panel(
        self,
        *,
        audit: Audit,
        on: date,
        notified_by: str,
        panel_reference: str = "",
        secretary_of_state_and_ofsted: bool = False,
    ) -> None:
        """The local authority's notification to the national Panel (5 working days)."""
        self._si_act(on, audit, "date of notification")
        self.check_not_yet(self.notified_on, "the notification to the national Panel")
        if self.decision == CriteriaOutcome.NOT_MET.value and not self.notification_required:
            raise WrongStageError(
                "the partners decided the criteria are not met; there is nothing to notify"
            )
        self.trigger_event(
            self.NationalPanelNotified,
            audit=audit,
            on=on,
            panel_reference=text(panel_reference, "Panel reference", required=False),
            notified_by=text(notified_by, "notified by"),
            secretary_of_state_and_ofsted=bool(secretary_of_state_and_ofsted),
        )

    def start_rapid_review(self, *, audit: Audit, on: date, meeting_on: date) -> None:
        """Rapid review initiated and its meeting date set."""
        self._si_act(on, audit, "date rapid review started")
        self.check_notified("a rapid review")
        self.check_not_yet(self.rapid_review_started_on, "the start of the rapid review")
        if self.child is not None and self.child.care_leaver and not self.child.looked_after:
            raise WrongStageError(
                "a care leaver's death is notified to the Secretary of State and Ofsted "
                "with no rapid review"
            )
        if meeting_on < on:
            raise InvalidValueError("the rapid review meeting cannot be set before today's start")
        self.trigger_event(self.RapidReviewStarted, audit=audit, on=on, meeting_on=meeting_on)

    def request_scoping(
        self,
        *,
        audit: Audit,
        on: date,
        agency: str,
        due_on: date,
        contact: str = "",
        period_from: date | None = None,
        period_to: date | None = None,
    ) -> None:
        """Send the initial scoping and information sharing form to one agency."""
        self._si_act(on, audit, "date scoping was requested")
        self.check_notified("scoping")
        name = text(agency, "agency", limit=200)
        if name in self.scoping:
            raise AlreadyRecordedError(f"scoping was already requested from {name}")
        if self.meeting_held_on is not None:
            raise WrongStageError("the rapid review meeting has already been held")
        if due_on < on:
            raise InvalidValueError("the scoping due date cannot precede the request")
        if period_from and period_to and period_to < period_from:
            raise InvalidValueError("the indicative period ends before it starts")
        self.trigger_event(
            self.ScopingRequested,
            audit=audit,
            on=on,
            agency=name,
            contact=text(contact, "contact", required=False, limit=500),
            period_from=period_from,
            period_to=period_to,
            due_on=due_on,
        )

    def _scoping_for(self, agency: str) -> ScopingState:
        try:
            return self.scoping[agency]
        except KeyError:
            raise ScopingNotRequestedError(
                f"no scoping request was addressed to {agency} for case {self.reference}"
            ) from None

    def secure_records(self, *, audit: Audit, on: date, agency: str, note: str = "") -> None:
        """An agency confirms its records are secured (seed 001 appendix ii, item 3)."""
        self._si_act(on, audit, "date records were secured")
        state = self._scoping_for(agency)
        self.check_not_yet(state.records_secured_on, f"{agency}'s securing of records")
        if on < state.requested_on:
            raise InvalidValueError("records cannot be secured before scoping was requested")
        self.trigger_event(
            self.AgencyRecordsSecured,
            audit=audit,
            on=on,
            agency=agency,
            note=text(note, "note", required=False),
        )

    def return_scoping(
        self,
        *,
        audit: Audit,
        on: date,
        agency: str,
        completed_by: Contact,
        involvement: bool,
        summary: str = "",
        analysis: str = "",
        inter_agency_concerns: str = "",
        other_agencies: str = "",
        further_information: str = "",
    ) -> None:
        """An agency returns its scoping form (seed 001 appendix iii)."""
        self._si_act(on, audit, "date scoping was returned")
        state = self._scoping_for(agency)
        self.check_not_yet(state.returned_on, f"{agency}'s scoping return")
        if on < state.requested_on:
            raise InvalidValueError("scoping cannot be returned before it was requested")
        if involvement and not summary.strip():
            raise InvalidValueError("an agency that was involved summarises its involvement")
        text(completed_by.name, "name of the person completing the form")
        self.trigger_event(
            self.ScopingReturned,
            audit=audit,
            on=on,
            agency=agency,
            completed_by=completed_by,
            involvement=bool(involvement),
            summary=text(summary, "summary", required=False),
            analysis=text(analysis, "analysis", required=False),
            inter_agency_concerns=text(inter_agency_concerns, "concerns", required=False),
            other_agencies=text(other_agencies, "other agencies", required=False),
            further_information=text(further_information, "further information", required=False),
        )

    def hold_meeting(
        self,
        *,
        audit: Audit,
        on: date,
        format: str,
        participants: typing.Sequence[Participant],
        immediate_action_taken: bool,
        immediate_action_details: str,
        criteria: typing.Iterable[str],
        discussion: str,
        nature_of_harm: str,
        legal_advice_sought: bool,
        recommendation: str,
        rationale: str,
        unanimous: bool = True,
        dissent: str = "",
        legal_advice_details: str = "",
        recommendation_other: str = "",
    ) -> None:
        """The rapid review meeting: quorate only with the LA, police and ICB present."""
        self._si_act(on, audit, "date of meeting")
        if self.rapid_review_started_on is None:
            raise WrongStageError("the rapid review has not been started")
        self.check_not_yet(self.meeting_held_on, "the rapid review meeting")
        fmt = parse(MeetingFormat, format, "meeting format")
        for p in participants:
            text(p.name, "participant name")
            if p.represents is not None:
                _partner(p.represents, f"participant {p.name} represents")
        check_quorate(participants)
        chosen = tuple(
            sorted({parse(RapidReviewCriterion, c, "criterion").value for c in criteria})
        )
        rec = parse(Recommendation, recommendation, "recommendation")
        if rec in RECOMMENDATIONS_NEEDING_TEXT and not recommendation_other.strip():
            raise InvalidValueError(f"recommendation {rec.value} needs its 'please state' text")
        if not unanimous and not dissent.strip():
            raise InvalidValueError("where agreement is not unanimous the dissent must be recorded")
        self.trigger_event(
            self.RapidReviewMeetingHeld,
            audit=audit,
            on=on,
            format=fmt.value,
            participants=tuple(participants),
            immediate_action_taken=bool(immediate_action_taken),
            immediate_action_details=text(
                immediate_action_details, "immediate action", required=False
            ),
            criteria=chosen,
            discussion=text(discussion, "discussion", required=False),
            nature_of_harm=text(nature_of_harm, "nature of harm", required=False),
            legal_advice_sought=bool(legal_advice_sought),
            legal_advice_details=text(legal_advice_details, "legal advice", required=False),
            recommendation=rec.value,
            recommendation_other=text(recommendation_other, "recommendation text", required=False),
            rationale=text(rationale, "rationale"),
            unanimous=bool(unanimous),
            dissent=text(dissent, "dissent", required=False),
        )

    def approve_report(self, *, audit: Audit, on: date, partner: str, approver: str) -> None:
        """A lead partner approves the rapid review report (all three needed)."""
        who = _partner(partner)
        self._si_act(on, audit, "date of approval")
        if self.meeting_held_on is None:
            raise WrongStageError("the report follows the rapid review meeting")
        if who.value in self.approvals:
            raise AlreadyRecordedError(f"the {who.value} approval is already recorded")
        if self.submitted_on is not None:
            raise AlreadyRecordedError("the report has already been submitted")
        self.trigger_event(
            self.RapidReviewReportApproved,
            audit=audit,
            on=on,
            partner=who.value,
            approver=text(approver, "approver"),
        )

    def submit_rapid_review(self, *, audit: Audit, on: date) -> None:
        """Report and letter sent to the national Panel: after all three approvals."""
        self._si_act(on, audit, "date of submission")
        self.check_not_yet(self.submitted_on, "the submission to the national Panel")
        self.check_all_approved()
        self.trigger_event(self.RapidReviewSubmitted, audit=audit, on=on)

    def receive_panel_response(self, *, audit: Audit, on: date, concurs: bool, view: str) -> None:
        self._si_act(on, audit, "date of Panel response")
        if self.submitted_on is None:
            raise WrongStageError("the Panel responds to a submitted rapid review")
        self.check_not_yet(self.panel_response_on, "the Panel's response")
        self.trigger_event(
            self.PanelResponseReceived,
            audit=audit,
            on=on,
            concurs=bool(concurs),
            view=text(view, "the Panel's view", required=False),
        )

    # ----------------------------------------------------- practice learning commands

    def consider_learning_referral(
        self, *, audit: Audit, on: date, outcome: str, notes: str = ""
    ) -> None:
        """The Learning from Practice group decides how learning is best captured."""
        self.check_open()
        self.check_effective_date(on, audit, "date considered")
        if self.kind is not CaseKind.PRACTICE_LEARNING and self.lfp_referred_on is None:
            raise WrongStageError(
                "the group considers practice-learning referrals and serious incidents "
                "referred to it"
            )
        self.check_not_yet(self.learning_considered_on, "the group's consideration")
        result = parse(LearningOutcome, outcome, "outcome")
        self.trigger_event(
            self.LearningReferralConsidered,
            audit=audit,
            on=on,
            outcome=result.value,
            notes=text(notes, "notes", required=False),
        )

    def inform_referrer(self, *, audit: Audit, on: date, note: str = "") -> None:
        """'Whatever decision is made, the referrer will be informed' (seed 001)."""
        self.check_open()
        self.check_effective_date(on, audit, "date referrer informed")
        if self.learning_considered_on is None and self.decided_on is None:
            raise WrongStageError("the referrer is informed once a decision has been made")
        self.check_not_yet(self.referrer_informed_on, "informing the referrer")
        self.trigger_event(
            self.ReferrerInformed, audit=audit, on=on, note=text(note, "note", required=False)
        )

    # ------------------------------------------------------------------ common commands

    def close_case(self, *, audit: Audit, on: date, reason: str) -> None:
        self.check_open()
        self.check_effective_date(on, audit, "date closed")
        self.trigger_event(self.CaseClosed, audit=audit, on=on, reason=text(reason, "reason"))

    def reopen_case(self, *, audit: Audit, on: date, reason: str) -> None:
        if self.closed_on is None:
            raise WrongStageError(f"case {self.reference} is not closed")
        self.check_effective_date(on, audit, "date reopened")
        if on < self.closed_on:
            raise InvalidValueError("a case cannot be reopened before it was closed")
        self.trigger_event(self.CaseReopened, audit=audit, on=on, reason=text(reason, "reason"))

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

    # -------------------------------------------------------------- corrections helper

    _CORRECTABLE_TOP = ("area", "aware_on", "received_on", "siblings_action", "learning")
    _CORRECTABLE_DETAILS = ("outline", "reason", "other_information")

    def _coerce_correction(self, what: str, new_value: Any, audit: Audit) -> Any:
        parts = what.split(".")
        if len(parts) == 1 and parts[0] in self._CORRECTABLE_TOP:
            if parts[0] in ("aware_on", "received_on"):
                value = _as_date(new_value, what)
                check_not_future(value, audit, what)
                if parts[0] == "aware_on" and self.kind is not CaseKind.SERIOUS_INCIDENT:
                    raise CorrectionNotAllowedError("aware_on applies to serious incidents")
                return value
            return text(_as_str(new_value, what), what, required=parts[0] == "area")
        if len(parts) == 2 and parts[0] == "details" and parts[1] in self._CORRECTABLE_DETAILS:
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


def _check_referral_details(details: ReferralDetails, audit: Audit) -> None:
    text(details.referrer.name, "referrer name")
    text(details.referrer.agency, "referrer agency")
    child = details.child
    if child is not None:
        if child.date_of_birth is not None:
            check_not_future(child.date_of_birth, audit, "date of birth")
        if child.date_of_death is not None:
            check_not_future(child.date_of_death, audit, "date of death")
            if child.date_of_birth is not None and child.date_of_death < child.date_of_birth:
                raise InvalidValueError("date of death precedes date of birth")
    for member in details.family:
        text(member.name, "family member name")
        if member.date_of_birth is not None:
            check_not_future(member.date_of_birth, audit, "family member date of birth")
    for entry in details.chronology:
        check_not_future(entry.occurred_on, audit, "chronology date")


def _check_incident(incident: Incident, received_on: date, audit: Audit) -> None:
    check_not_future(incident.occurred_on, audit, "incident date")
    if incident.occurred_on > received_on:
        raise InvalidValueError("the incident cannot have happened after the referral was received")
    parse(AbuseOrNeglect, incident.abuse_or_neglect, "abuse or neglect")
