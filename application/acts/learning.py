"""The acts of learning from practice (seed 001 appendix vi and "What happens next"):
domain/case/learning.py decides them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from application.acts.base import CaseAct, body, notes
from domain.values import LearningOutcome, OneOf


@dataclass(frozen=True, kw_only=True)
class ConsiderLearningReferral(CaseAct):
    """The Learning from Practice group decides how the learning is best captured (review
    the case, a thematic review, an audit, training, the wider forum, or nothing more)."""

    path = "learning-consideration"
    title = "Group considered the referral"
    example = body(on="2025-11-05", outcome="anonymise_for_training", notes="A good case study.")
    field_notes = notes(
        on="The day the group considered the referral.",
        outcome="How the group decided the learning is best captured.",
    )

    on: date
    outcome: Annotated[str, OneOf(LearningOutcome)]
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class InformReferrer(CaseAct):
    """The referrer is told the outcome ("whatever decision is made, the referrer will be
    informed", seed 001)."""

    path = "referrer-informed"
    title = "Referrer informed of the outcome"
    example = body(on="2025-11-06", note="E-mailed the outcome.")
    field_notes = notes(
        on="The day the referrer was told the outcome.",
        note="How the referrer was told, or what they were told.",
    )

    on: date
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class TakeLearningToForum(CaseAct):
    """The group's learning taken to the partnership's wider forum (Hillingdon's Practice
    Development Forum, Bexley's Multi-Agency Learning Forum, the BHR Safeguarding
    Partnership), as the group decided ("wider_forum")."""

    path = "forum"
    title = "Learning taken to the wider forum"
    example = body(on="2025-11-20", forum="Practice Development Forum", notes="")
    field_notes = notes(on="The day the forum took the learning.")

    on: date
    forum: str
    notes: str = ""
