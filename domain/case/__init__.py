"""The Case aggregate: one referral, from receipt to closure (DESIGN §3.1).

Two kinds, chosen at creation: a serious child safeguarding incident (seed 001 appendix i,
seed 004 §2) and a practice-learning referral (no-harm incidents, near misses, good
practice; seeds 000, 001 appendix vi, 002, 003 §4).

One module per stage of the process keeps each act's command method beside its event:

- ``referral``      SeriousIncidentReferred, PracticeLearningReferred
- ``decision``      partners alerted, recommendation, partner decisions, dispute and
                    mediation, criteria decided, Learning from Practice referral, Panel notified
- ``rapid_review``  started, scoping requested / records secured / returned, meeting held,
                    report approved, submitted, Panel response
- ``outcome``       the rapid review's outcome disputed, mediated and concluded
- ``actions``       the case's own action plan: actions agreed and completed
- ``learning``      the group's consideration, referrer informed, learning taken to the forum
- ``informing``     agencies informed of the outcome, dissent shared, a dispute reported
- ``closure``       closed, reopened
- ``corrections``   details corrected
- ``state``         the case's state, its stage and the guards every stage shares

Command methods are imperative (``alert_partners``), events are past-tense facts
(``PartnersAlerted``). Every command runs its named guards first and raises a
``DomainError`` before anything changes, so a refused command records nothing.

Each event is listed in ``Case`` below: that makes it ``Case``'s own event class, so its
topic is ``domain.case:Case.<Event>`` and its hash names ``Case.<Event>``, exactly as for
the events stored before the stages had modules of their own.
"""

from __future__ import annotations

from domain.base import AuditedAggregate
from domain.case.actions import CaseActions
from domain.case.closure import Closure
from domain.case.corrections import Corrections
from domain.case.decision import CriteriaDecision
from domain.case.informing import Informing
from domain.case.learning import PracticeLearning
from domain.case.outcome import Outcome
from domain.case.rapid_review import RapidReview
from domain.case.referral import Referral
from domain.case.state import CaseActionState, ScopingState, check_quorate, missing_partners


class Case(
    Referral,
    CriteriaDecision,
    RapidReview,
    Outcome,
    PracticeLearning,
    Informing,
    CaseActions,
    Closure,
    Corrections,
    AuditedAggregate,
):
    """A referral and everything the partnership does about it."""

    # referral
    SeriousIncidentReferred = Referral.SeriousIncidentReferred
    PracticeLearningReferred = Referral.PracticeLearningReferred
    # criteria decision and notification
    PartnersAlerted = CriteriaDecision.PartnersAlerted
    CriteriaRecommendationMade = CriteriaDecision.CriteriaRecommendationMade
    PartnerDecisionRecorded = CriteriaDecision.PartnerDecisionRecorded
    CriteriaDisputed = CriteriaDecision.CriteriaDisputed
    MediationRequested = CriteriaDecision.MediationRequested
    MediationConcluded = CriteriaDecision.MediationConcluded
    CriteriaDecided = CriteriaDecision.CriteriaDecided
    ReferredToLearningFromPractice = CriteriaDecision.ReferredToLearningFromPractice
    NationalPanelNotified = CriteriaDecision.NationalPanelNotified
    SecretaryOfStateAndOfstedNotified = CriteriaDecision.SecretaryOfStateAndOfstedNotified
    # rapid review
    RapidReviewStarted = RapidReview.RapidReviewStarted
    ScopingRequested = RapidReview.ScopingRequested
    AgencyRecordsSecured = RapidReview.AgencyRecordsSecured
    ScopingReturned = RapidReview.ScopingReturned
    RapidReviewMeetingHeld = RapidReview.RapidReviewMeetingHeld
    RapidReviewReportApproved = RapidReview.RapidReviewReportApproved
    RapidReviewSubmitted = RapidReview.RapidReviewSubmitted
    PanelResponseReceived = RapidReview.PanelResponseReceived
    # the rapid review's outcome disputed and mediated
    RapidReviewOutcomeDisputed = Outcome.RapidReviewOutcomeDisputed
    OutcomeMediationRequested = Outcome.OutcomeMediationRequested
    OutcomeMediationConcluded = Outcome.OutcomeMediationConcluded
    # practice learning
    LearningReferralConsidered = PracticeLearning.LearningReferralConsidered
    ReferrerInformed = PracticeLearning.ReferrerInformed
    LearningTakenToForum = PracticeLearning.LearningTakenToForum
    # telling those who must be told
    AgenciesInformedOfOutcome = Informing.AgenciesInformedOfOutcome
    DissentShared = Informing.DissentShared
    DisputeReportedToStrategicPartners = Informing.DisputeReportedToStrategicPartners
    # the case's action plan
    ActionAgreed = CaseActions.ActionAgreed
    ActionCompleted = CaseActions.ActionCompleted
    # closure and corrections
    CaseClosed = Closure.CaseClosed
    CaseReopened = Closure.CaseReopened
    DetailsCorrected = Corrections.DetailsCorrected

    # the scheduler's facts about a clock (domain.base)
    class ReminderIssued(AuditedAggregate.ReminderIssued):
        pass

    class DeadlineBreached(AuditedAggregate.DeadlineBreached):
        pass


__all__ = ["Case", "CaseActionState", "ScopingState", "check_quorate", "missing_partners"]
