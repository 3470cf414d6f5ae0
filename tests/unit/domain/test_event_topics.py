"""Event topics and qualified names are part of the stored data: pinned here, by hand.

The domain is split into a module per stage, but each event is Case's or Review's
own class: its topic is what stored events name, and its qualified name is hashed into the
chain. Renaming or moving one breaks every store; this list must only ever grow.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic, resolve_topic

from domain.base import AuditedAggregate
from domain.case import Case
from domain.review import Review

# The events of the release the previous-release fixture was written by (ebb3fa7).
RELEASED = [
    "domain.case:Case.AgencyRecordsSecured",
    "domain.case:Case.CaseClosed",
    "domain.case:Case.CaseReopened",
    "domain.case:Case.CriteriaDecided",
    "domain.case:Case.CriteriaDisputed",
    "domain.case:Case.CriteriaRecommendationMade",
    "domain.case:Case.DeadlineBreached",
    "domain.case:Case.DetailsCorrected",
    "domain.case:Case.LearningReferralConsidered",
    "domain.case:Case.MediationConcluded",
    "domain.case:Case.MediationRequested",
    "domain.case:Case.NationalPanelNotified",
    "domain.case:Case.PanelResponseReceived",
    "domain.case:Case.PartnerDecisionRecorded",
    "domain.case:Case.PartnersAlerted",
    "domain.case:Case.PracticeLearningReferred",
    "domain.case:Case.RapidReviewMeetingHeld",
    "domain.case:Case.RapidReviewReportApproved",
    "domain.case:Case.RapidReviewStarted",
    "domain.case:Case.RapidReviewSubmitted",
    "domain.case:Case.ReferredToLearningFromPractice",
    "domain.case:Case.ReferrerInformed",
    "domain.case:Case.ReminderIssued",
    "domain.case:Case.ScopingRequested",
    "domain.case:Case.ScopingReturned",
    "domain.case:Case.SeriousIncidentReferred",
    "domain.review:Review.ActionAgreed",
    "domain.review:Review.ActionCompleted",
    "domain.review:Review.DeadlineBreached",
    "domain.review:Review.FamilyParticipationRecorded",
    "domain.review:Review.FinalReportReceived",
    "domain.review:Review.LearningDisseminated",
    "domain.review:Review.PrePublicationCopySent",
    "domain.review:Review.PublicationDeferred",
    "domain.review:Review.PublicationResumed",
    "domain.review:Review.ReminderIssued",
    "domain.review:Review.ReviewClosed",
    "domain.review:Review.ReviewCommissioned",
    "domain.review:Review.ReviewProgressChecked",
    "domain.review:Review.ReviewPublished",
    "domain.review:Review.ReviewerAppointed",
    "domain.review:Review.TermsOfReferenceAgreed",
]
# Added since, each with its stored topic from the day it was added.
ADDED = [
    "domain.case:Case.ActionAgreed",
    "domain.case:Case.ActionCompleted",
    "domain.case:Case.AgenciesInformedOfOutcome",
    "domain.case:Case.DisputeReportedToStrategicPartners",
    "domain.case:Case.DissentShared",
    "domain.case:Case.LearningTakenToForum",
    "domain.case:Case.OutcomeMediationConcluded",
    "domain.case:Case.OutcomeMediationRequested",
    "domain.case:Case.RapidReviewOutcomeDisputed",
    "domain.case:Case.SecretaryOfStateAndOfstedNotified",
]
PINNED = RELEASED + ADDED


def events_of(aggregate: type) -> set[str]:
    return {
        get_topic(v)
        for v in vars(aggregate).values()
        if isinstance(v, type)
        and issubclass(v, AuditedAggregate.Event)
        and v.__name__ not in ("Event", "Created", "ClockNotice")
    }


def test_every_event_keeps_its_stored_topic_and_qualified_name() -> None:
    assert events_of(Case) | events_of(Review) == set(PINNED)
    for topic in PINNED:
        cls = resolve_topic(topic)
        module, _, qualname = topic.partition(":")
        assert (cls.__module__, cls.__qualname__) == (module, qualname)
        assert get_topic(cls) == topic


def test_the_aggregates_keep_their_topics() -> None:
    assert get_topic(Case) == "domain.case:Case"
    assert get_topic(Review) == "domain.review:Review"


def test_each_stage_event_is_the_aggregates_own_class() -> None:
    """An event defined in a stage module but not listed on its aggregate would be stored
    under the stage's topic: every event reachable from the aggregate is its own."""
    for aggregate in (Case, Review):
        for name in dir(aggregate):
            value = getattr(aggregate, name)
            if isinstance(value, type) and issubclass(value, AuditedAggregate.Event):
                assert value.__qualname__.startswith(aggregate.__name__ + "."), name
