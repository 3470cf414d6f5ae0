"""The Review aggregate: a commissioned review or audit of one case or a theme (DESIGN §3.2).

Covers the statutory duties of SI 2018/789 (progress monitored at regular intervals,
publication within six months unless deferred) and the action plan tracked to completion
(seed 003 §4: the Learning from Practice task and finish group). One module per part of a
review's life keeps each act's command method beside its event: ``conduct``
(commissioned, terms, reviewer, family, progress), ``publication`` (deferral, final report,
pre-publication copy, published) and ``actions`` (the action plan, dissemination, closure).

Each event is listed in ``Review`` below so that its topic is
``domain.review:Review.<Event>``, as for the events stored before the split.
"""

from __future__ import annotations

from domain.base import AuditedAggregate
from domain.review.actions import ActionPlan
from domain.review.conduct import Conduct
from domain.review.publication import Publication
from domain.review.state import ActionState, Deferral


class Review(Conduct, Publication, ActionPlan, AuditedAggregate):
    """A review or audit and its action plan."""

    # conduct
    ReviewCommissioned = Conduct.ReviewCommissioned
    TermsOfReferenceAgreed = Conduct.TermsOfReferenceAgreed
    ReviewerAppointed = Conduct.ReviewerAppointed
    FamilyParticipationRecorded = Conduct.FamilyParticipationRecorded
    ReviewProgressChecked = Conduct.ReviewProgressChecked
    # publication
    PublicationDeferred = Publication.PublicationDeferred
    PublicationResumed = Publication.PublicationResumed
    FinalReportReceived = Publication.FinalReportReceived
    PrePublicationCopySent = Publication.PrePublicationCopySent
    ReviewPublished = Publication.ReviewPublished
    # the action plan and closure
    ActionAgreed = ActionPlan.ActionAgreed
    ActionCompleted = ActionPlan.ActionCompleted
    LearningDisseminated = ActionPlan.LearningDisseminated
    ReviewClosed = ActionPlan.ReviewClosed

    # the scheduler's facts about a clock (domain.base)
    class ReminderIssued(AuditedAggregate.ReminderIssued):
        pass

    class DeadlineBreached(AuditedAggregate.DeadlineBreached):
        pass


__all__ = ["ActionState", "Deferral", "Review"]
