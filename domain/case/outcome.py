"""A disagreement about the rapid review's outcome (seed 001 "Sharing the Outcome of the
Rapid Review"): "Within 2 working days of the Rapid Review meeting, the lead representatives
for the three safeguarding partners should approve the recommendations ... If there is
disagreement about the outcome, the scrutineer can be asked to mediate."

While the outcome is disputed no approval is recorded; the approvals due two working days
after the meeting no longer apply, and two working days run again from the mediation's
conclusion. A mediation that changes the recommendation sets aside the approvals given to
the old one."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import CaseState, safeguarding_partner
from domain.errors import AlreadyRecordedError, InvalidValueError, WrongStageError
from domain.values import RECOMMENDATIONS_NEEDING_TEXT, Audit, Recommendation, parse, text


class Outcome(CaseState):
    """The outcome of the rapid review disputed, mediated and agreed."""

    class RapidReviewOutcomeDisputed(AuditedAggregate.Event):
        on: date
        partner: str
        summary: str

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome_disputed_on = self.on

    def dispute_rapid_review_outcome(
        self, *, audit: Audit, on: date, partner: str, summary: str
    ) -> None:
        """A lead partner disagrees with the outcome the meeting recommended."""
        who = safeguarding_partner(partner)
        self._si_act(on, audit, "date the outcome was disputed")
        if self.meeting_held_on is None:
            raise WrongStageError("the outcome is disputed after the rapid review meeting")
        if self.submitted_on is not None:
            raise AlreadyRecordedError("the rapid review has already been submitted")
        if self.approvals_complete:
            raise AlreadyRecordedError("the three partners have already approved the report")
        self.check_not_yet(self.outcome_disputed_on, "a dispute about the outcome")
        if on < self.meeting_held_on:
            raise InvalidValueError("the outcome cannot be disputed before the meeting")
        self.trigger_event(
            self.RapidReviewOutcomeDisputed,
            audit=audit,
            on=on,
            partner=who.value,
            summary=text(summary, "summary"),
        )

    class OutcomeMediationRequested(AuditedAggregate.Event):
        on: date
        mediator: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome_mediation_requested_on = self.on

    def request_outcome_mediation(
        self, *, audit: Audit, on: date, mediator: str, reason: str = ""
    ) -> None:
        """The scrutineer is asked to mediate the dispute about the outcome."""
        self._si_act(on, audit, "date mediation was requested")
        if self.outcome_disputed_on is None:
            raise WrongStageError("mediation of the outcome needs a dispute about it")
        self.check_not_yet(self.outcome_mediation_requested_on, "a mediation of the outcome")
        if on < self.outcome_disputed_on:
            raise InvalidValueError("mediation cannot be requested before the dispute")
        self.trigger_event(
            self.OutcomeMediationRequested,
            audit=audit,
            on=on,
            mediator=text(mediator, "mediator"),
            reason=text(reason, "reason", required=False),
        )

    class OutcomeMediationConcluded(AuditedAggregate.Event):
        on: date
        summary: str
        recommendation: str  # the outcome agreed, when mediation changed it; else ""
        recommendation_other: str

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case.outcome_mediation_concluded_on = self.on
            if self.recommendation and self.recommendation != case.rapid_review_recommendation:
                case.rapid_review_recommendation = self.recommendation
                case.approvals = {}  # given to the outcome the mediation replaced

    def conclude_outcome_mediation(
        self,
        *,
        audit: Audit,
        on: date,
        summary: str,
        recommendation: str = "",
        recommendation_other: str = "",
    ) -> None:
        """The mediation concluded: the outcome stands, or ``recommendation`` replaces it."""
        self._si_act(on, audit, "date mediation concluded")
        if self.outcome_mediation_requested_on is None:
            raise WrongStageError("mediation of the outcome has not been requested")
        self.check_not_yet(self.outcome_mediation_concluded_on, "the mediation's conclusion")
        if on < self.outcome_mediation_requested_on:
            raise InvalidValueError("mediation cannot conclude before it was requested")
        agreed = ""
        if recommendation:
            rec = parse(Recommendation, recommendation, "recommendation")
            if rec in RECOMMENDATIONS_NEEDING_TEXT and not recommendation_other.strip():
                raise InvalidValueError(f"recommendation {rec.value} needs its 'please state' text")
            agreed = rec.value
        self.trigger_event(
            self.OutcomeMediationConcluded,
            audit=audit,
            on=on,
            summary=text(summary, "summary"),
            recommendation=agreed,
            recommendation_other=text(recommendation_other, "recommendation text", required=False),
        )
