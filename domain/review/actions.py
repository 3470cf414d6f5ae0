"""The action plan tracked to completion (seed 003 §4: the Learning from Practice task and
finish group), the learning disseminated, and the review closed once no action is open."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.errors import (
    ActionNotFoundError,
    ActionsOutstandingError,
    AlreadyRecordedError,
    InvalidValueError,
)
from domain.review.state import ActionState, ReviewState
from domain.values import Audit, DisseminationFormat, parse, text


class ActionPlan(ReviewState):
    """Actions agreed and completed, learning disseminated, the review closed."""

    class ActionAgreed(AuditedAggregate.Event):
        on: date
        action_id: str
        description: str
        owner_agency: str
        due_on: date

        def apply(self, aggregate: Any) -> None:
            review: ReviewState = aggregate
            review.actions = {
                **review.actions,
                self.action_id: ActionState(
                    action_id=self.action_id,
                    description=self.description,
                    owner_agency=self.owner_agency,
                    agreed_on=self.on,
                    due_on=self.due_on,
                ),
            }

    def agree_action(
        self, *, audit: Audit, on: date, description: str, owner_agency: str, due_on: date
    ) -> str:
        """Agree an action with its owner and due date; returns the new action's id."""
        self._act(on, audit, "date action agreed")
        if due_on < on:
            raise InvalidValueError("an action cannot be due before it was agreed")
        action_id = f"A{len(self.actions) + 1}"
        self.trigger_event(
            self.ActionAgreed,
            audit=audit,
            on=on,
            action_id=action_id,
            description=text(description, "description"),
            owner_agency=text(owner_agency, "owner agency", limit=200),
            due_on=due_on,
        )
        return action_id

    class ActionCompleted(AuditedAggregate.Event):
        on: date
        action_id: str
        evidence: str
        improvement: str = ""  # where practice has improved as a result (seed 001)

        def apply(self, aggregate: Any) -> None:
            review: ReviewState = aggregate
            done = replace(review.actions[self.action_id], completed_on=self.on)
            review.actions = {**review.actions, self.action_id: done}

    def complete_action(
        self, *, audit: Audit, on: date, action_id: str, evidence: str, improvement: str = ""
    ) -> None:
        self._act(on, audit, "date action completed")
        try:
            action = self.actions[action_id]
        except KeyError:
            raise ActionNotFoundError(
                f"review {self.reference} has no action {action_id!r}"
            ) from None
        if action.completed_on is not None:
            raise AlreadyRecordedError(f"action {action_id} is already completed")
        if on < action.agreed_on:
            raise InvalidValueError("an action cannot be completed before it was agreed")
        self.trigger_event(
            self.ActionCompleted,
            audit=audit,
            on=on,
            action_id=action_id,
            evidence=text(evidence, "evidence"),
            improvement=text(improvement, "improvement", required=False),
        )

    class LearningDisseminated(AuditedAggregate.Event):
        on: date
        format: str
        audience: str
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.disseminations += 1

    def disseminate_learning(
        self, *, audit: Audit, on: date, format: str, audience: str, note: str = ""
    ) -> None:
        self._act(on, audit, "date learning disseminated")
        fmt = parse(DisseminationFormat, format, "format")
        self.trigger_event(
            self.LearningDisseminated,
            audit=audit,
            on=on,
            format=fmt.value,
            audience=text(audience, "audience", limit=500),
            note=text(note, "note", required=False),
        )

    class ReviewClosed(AuditedAggregate.Event):
        on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on = self.on

    def close_review(self, *, audit: Audit, on: date, reason: str) -> None:
        self._act(on, audit, "date closed")
        if self.open_actions:
            ids = ", ".join(a.action_id for a in self.open_actions)
            raise ActionsOutstandingError(f"actions still open: {ids}")
        self.trigger_event(self.ReviewClosed, audit=audit, on=on, reason=text(reason, "reason"))
