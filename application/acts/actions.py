"""The acts of a case's own action plan (seed 003 §4 "an incident specific action plan";
seed 001 "Next Steps": actions completed and where practice has improved):
domain/case/actions.py decides them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from application.acts.base import CaseAct, body, notes


@dataclass(frozen=True, kw_only=True)
class AgreeCaseAction(CaseAct):
    """An action of the case's own plan agreed (from its rapid review or from Learning from
    Practice), with its owner agency and due date; its id is ``A<n>`` for the n-th."""

    path = "actions"
    title = "Case action agreed (owner, due date); its id is A<n>"
    example = body(
        on="2025-10-28",
        description="Share the learning on bruising in non-mobile babies with health visitors.",
        owner_agency="Health visiting",
        due_on="2026-01-30",
    )
    field_notes = notes(on="The day the action was agreed.")

    on: date
    description: str
    owner_agency: str
    due_on: date


@dataclass(frozen=True, kw_only=True)
class CompleteCaseAction(CaseAct):
    """An action of the case's plan completed, with the evidence and where practice has
    improved as a result."""

    path = "action-completions"
    title = "Case action completed with evidence"
    example = body(
        on="2026-01-20",
        action_id="A1",
        evidence="Briefing delivered to 40 health visitors.",
        improvement="Referrals for bruising in non-mobile babies now made the same day.",
    )
    field_notes = notes(on="The day the action was completed.")

    on: date
    action_id: str
    evidence: str
    improvement: str = ""
