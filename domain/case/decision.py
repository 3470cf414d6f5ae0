"""Partners alerted, the criteria decided (with dispute and mediation when partners
disagree), and the local authority's notification to the national Panel (seed 001 "The
Rapid Review" timetable, seed 004 §2-3)."""

from __future__ import annotations

import typing
from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import CaseState, missing_partners, safeguarding_partner
from domain.errors import (
    AlreadyRecordedError,
    InvalidValueError,
    PartnerDecisionsDisagreeError,
    WrongStageError,
)
from domain.values import (
    AlertRecipient,
    Audit,
    CriteriaOutcome,
    IncidentKind,
    LfpMeeting,
    parse,
    text,
)


class CriteriaDecision(CaseState):
    """From the alert to the partners to the notification of the national Panel."""

    class PartnersAlerted(AuditedAggregate.Event):
        on: date
        recipients: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.alerted_on = self.on
            aggregate.alerted = tuple(self.recipients)

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

    class CriteriaRecommendationMade(AuditedAggregate.Event):
        on: date
        recommendation: str
        rationale: str

        def apply(self, aggregate: Any) -> None:
            aggregate.recommendation = self.recommendation
            aggregate.recommended_on = self.on

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

    class PartnerDecisionRecorded(AuditedAggregate.Event):
        on: date
        partner: str
        decision: str
        rationale: str

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case.partner_decisions = {**case.partner_decisions, self.partner: self.decision}
            case.partner_decided_on = {**case.partner_decided_on, self.partner: self.on}

    def record_partner_decision(
        self, *, audit: Audit, on: date, partner: str, decision: str, rationale: str
    ) -> None:
        """One safeguarding partner's decision on whether the criteria are met."""
        who = safeguarding_partner(partner)
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

    class CriteriaDisputed(AuditedAggregate.Event):
        on: date
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.disputed_on = self.on

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

    class MediationRequested(AuditedAggregate.Event):
        on: date
        mediator: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.mediation_requested_on = self.on

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

    class MediationConcluded(AuditedAggregate.Event):
        on: date
        outcome: str
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.mediation_concluded_on = self.on
            aggregate.mediation_outcome = self.outcome

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

    class CriteriaDecided(AuditedAggregate.Event):
        on: date
        outcome: str
        rationale: str

        def apply(self, aggregate: Any) -> None:
            aggregate.decision = self.outcome
            aggregate.decided_on = self.on

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

    class ReferredToLearningFromPractice(AuditedAggregate.Event):
        on: date
        meeting: str
        meeting_on: date | None

        def apply(self, aggregate: Any) -> None:
            aggregate.lfp_referred_on = self.on
            aggregate.lfp_meeting_on = self.meeting_on

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

    class NationalPanelNotified(AuditedAggregate.Event):
        on: date
        panel_reference: str
        notified_by: str
        secretary_of_state_and_ofsted: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.notified_on = self.on
            aggregate.panel_reference = self.panel_reference
            if self.secretary_of_state_and_ofsted and aggregate.sos_ofsted_notified_on is None:
                aggregate.sos_ofsted_notified_on = self.on  # notified in the same act

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

    class SecretaryOfStateAndOfstedNotified(AuditedAggregate.Event):
        on: date
        notified_by: str
        reference: str

        def apply(self, aggregate: Any) -> None:
            aggregate.sos_ofsted_notified_on = self.on

    def notify_secretary_of_state_and_ofsted(
        self, *, audit: Audit, on: date, notified_by: str, reference: str = ""
    ) -> None:
        """The local authority notifies the Secretary of State and Ofsted of the death of a
        looked-after child (seed 004 §3.2) or of a care leaver, within five working days."""
        self._si_act(on, audit, "date the Secretary of State and Ofsted were notified")
        if not self.sos_ofsted_notification_required:
            raise WrongStageError(
                "the Secretary of State and Ofsted are notified of the death of a looked-after "
                "child or a care leaver"
            )
        self.check_not_yet(
            self.sos_ofsted_notified_on, "the notification of the Secretary of State and Ofsted"
        )
        self.trigger_event(
            self.SecretaryOfStateAndOfstedNotified,
            audit=audit,
            on=on,
            notified_by=text(notified_by, "notified by"),
            reference=text(reference, "reference", required=False, limit=200),
        )
