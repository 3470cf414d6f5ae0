"""The acts of a disagreement about the rapid review's outcome, mediated by the scrutineer
(seed 001 "Sharing the Outcome of the Rapid Review"): domain/case/outcome.py decides them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from application.acts.base import MEDIATORS, PARTNERS, CaseAct, body, notes
from domain.values import OneOf, Recommendation, SafeguardingPartner


@dataclass(frozen=True, kw_only=True)
class DisputeRapidReviewOutcome(CaseAct):
    """A lead partner disagrees with the outcome the rapid review meeting recommended,
    before the three have approved it; a partner disputes only for itself."""

    roles = PARTNERS
    acting_for = "partner"
    path = "outcome-dispute"
    title = "A lead partner disputes the rapid review's outcome"
    example = body(
        on="2025-10-27",
        partner="local_authority",
        summary="The learning points to a local review rather than an audit.",
    )
    field_notes = notes(
        summary="What the partner disagrees with in the recommended outcome, and why.",
    )

    on: date
    partner: Annotated[str, OneOf(SafeguardingPartner)]
    summary: str


@dataclass(frozen=True, kw_only=True)
class RequestOutcomeMediation(CaseAct):
    """The scrutineer is asked to mediate the dispute about the rapid review's outcome."""

    roles = MEDIATORS
    path = "outcome-mediation-request"
    title = "Scrutineer asked to mediate the outcome"
    example = body(on="2025-10-27", mediator="Independent scrutineer", reason="Partners disagree.")

    on: date
    mediator: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ConcludeOutcomeMediation(CaseAct):
    """The mediation of the outcome concluded: the outcome stands, or the agreed
    ``recommendation`` replaces it (and the approvals given to the old one are set aside);
    the three partners then approve within 2 working days."""

    roles = MEDIATORS
    path = "outcome-mediation-conclusion"
    title = "Mediation of the outcome concluded"
    example = body(
        on="2025-10-28",
        summary="Agreed: a local review.",
        recommendation="b_local_cspr",
        recommendation_other="",
    )
    field_notes = notes(
        recommendation=(
            "The recommendation agreed in mediation, replacing the meeting's; null "
            "when the meeting's outcome stands."
        ),
    )

    on: date
    summary: str
    recommendation: Annotated[str, OneOf(Recommendation)] | None = None
    recommendation_other: str = ""
