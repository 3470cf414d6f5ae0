"""The case's own action plan: "the development and progression of an incident specific
action plan" (seed 003 §4), from the rapid review (recommendation i, "learning that has been
acted upon") or from Learning from Practice; each action completed with its evidence and
where practice has improved (seed 001 "Next Steps")."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import CaseActionState, CaseState
from domain.errors import ActionNotFoundError, AlreadyRecordedError, InvalidValueError
from domain.values import Audit, text


class CaseActions(CaseState):
    """Actions agreed on the case and completed."""

    class ActionAgreed(AuditedAggregate.Event):
        on: date
        action_id: str
        description: str
        owner_agency: str
        due_on: date

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case.actions = {
                **case.actions,
                self.action_id: CaseActionState(
                    action_id=self.action_id,
                    description=self.description,
                    owner_agency=self.owner_agency,
                    agreed_on=self.on,
                    due_on=self.due_on,
                ),
            }

    def agree_case_action(
        self, *, audit: Audit, on: date, description: str, owner_agency: str, due_on: date
    ) -> str:
        """Agree an action of the case's plan; returns its id, ``A<n>`` for the n-th."""
        self.check_open()
        self.check_effective_date(on, audit, "date action agreed")
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
        improvement: str  # where practice has improved as a result

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            done = dataclasses.replace(case.actions[self.action_id], completed_on=self.on)
            case.actions = {**case.actions, self.action_id: done}

    def complete_case_action(
        self, *, audit: Audit, on: date, action_id: str, evidence: str, improvement: str = ""
    ) -> None:
        self.check_open()
        self.check_effective_date(on, audit, "date action completed")
        try:
            action = self.actions[action_id]
        except KeyError:
            raise ActionNotFoundError(
                f"case {self.reference} has no action {action_id!r}"
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
