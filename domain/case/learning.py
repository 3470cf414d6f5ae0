"""Learning from practice: the group considers a referral (a practice-learning referral, or
a serious incident that did not meet the criteria) and the referrer is told the outcome
(seed 001 appendix vi and "What happens next"; seeds 000, 002, 003 §4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import CaseState
from domain.errors import InvalidValueError, WrongStageError
from domain.values import Audit, CaseKind, LearningOutcome, parse, text


class PracticeLearning(CaseState):
    """The Learning from Practice group's consideration, and the referrer told."""

    class LearningReferralConsidered(AuditedAggregate.Event):
        on: date
        outcome: str
        notes: str

        def apply(self, aggregate: Any) -> None:
            aggregate.learning_considered_on = self.on
            aggregate.learning_outcome = self.outcome

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

    class ReferrerInformed(AuditedAggregate.Event):
        on: date
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.referrer_informed_on = self.on

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

    class LearningTakenToForum(AuditedAggregate.Event):
        on: date
        forum: str
        notes: str

        def apply(self, aggregate: Any) -> None:
            aggregate.forum_on = self.on

    def take_learning_to_forum(
        self, *, audit: Audit, on: date, forum: str, notes: str = ""
    ) -> None:
        """The group's outcome "take to the wider forum": the learning taken to the
        partnership's forum (Hillingdon's Practice Development Forum, Bexley's Multi-Agency
        Learning Forum, the BHR Safeguarding Partnership)."""
        self.check_open()
        self.check_effective_date(on, audit, "date taken to the forum")
        if self.learning_outcome != LearningOutcome.WIDER_FORUM.value:
            raise WrongStageError("the group decided not to take this learning to the wider forum")
        self.check_not_yet(self.forum_on, "taking the learning to the forum")
        if self.learning_considered_on is not None and on < self.learning_considered_on:
            raise InvalidValueError("the learning cannot reach the forum before the group decided")
        self.trigger_event(
            self.LearningTakenToForum,
            audit=audit,
            on=on,
            forum=text(forum, "forum", limit=200),
            notes=text(notes, "notes", required=False),
        )
