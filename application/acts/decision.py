"""The acts from the alert to the partners to the national Panel's notification (seed 001
"The Rapid Review" timetable, seed 004 §2-3): domain/case/decision.py decides them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from application.acts.base import MEDIATORS, PARTNERS, CaseAct, body, notes
from domain.values import (
    AlertRecipient,
    CriteriaOutcome,
    LfpMeeting,
    OneOf,
    SafeguardingPartner,
)


@dataclass(frozen=True, kw_only=True)
class AlertPartners(CaseAct):
    """The strategic lead alerts the three safeguarding partners and the Learning from
    Practice chair (within 1 working day of the referral)."""

    path = "partners-alerted"
    title = "Partners alerted (within 1 working day)"
    example = body(on="2025-10-06", recipients=["local_authority", "police", "icb", "lfp_chair"])
    field_notes = notes(
        on="The day the partners and the Learning from Practice chair were alerted.",
        recipients=(
            "Who the strategic lead alerted: the lead representatives of the three "
            "safeguarding partners and the Learning from Practice chair."
        ),
    )

    on: date
    recipients: Annotated[Sequence[str], OneOf(AlertRecipient)]


@dataclass(frozen=True, kw_only=True)
class RecommendCriteria(CaseAct):
    """The strategic lead's recommendation to the partners on whether the criteria for a
    review are met (within 5 working days)."""

    path = "criteria-recommendation"
    title = "Strategic lead's recommendation"
    example = body(
        on="2025-10-07", recommendation="met", rationale="Serious harm and abuse suspected."
    )
    field_notes = notes(
        on="The day the strategic lead made the recommendation.",
        recommendation=(
            "The strategic lead's recommendation: whether the criteria for a review are met."
        ),
    )

    on: date
    recommendation: Annotated[str, OneOf(CriteriaOutcome)]
    rationale: str


@dataclass(frozen=True, kw_only=True)
class RecordPartnerDecision(CaseAct):
    """One safeguarding partner's decision on whether the criteria are met; a partner
    records only its own."""

    roles = PARTNERS
    acting_for = "partner"
    path = "partner-decisions"
    title = "A safeguarding partner's decision"
    example = body(
        on="2025-10-09",
        partner="local_authority",
        decision="met",
        rationale="Agree with the recommendation.",
    )
    field_notes = notes(on="The day the partner decided.")

    on: date
    partner: Annotated[str, OneOf(SafeguardingPartner)]
    decision: Annotated[str, OneOf(CriteriaOutcome)]
    rationale: str


@dataclass(frozen=True, kw_only=True)
class DisputeCriteria(CaseAct):
    """The partners disagree about the criteria (seed 001: the scrutineer can be asked to
    mediate)."""

    path = "criteria-dispute"
    title = "Partners disagree about the criteria"
    example = body(on="2025-10-09", summary="Police consider the harm accidental.")
    field_notes = notes(summary="What the partners disagree about.")

    on: date
    summary: str


@dataclass(frozen=True, kw_only=True)
class RequestMediation(CaseAct):
    """The independent scrutineer is asked to mediate a recorded dispute."""

    roles = MEDIATORS
    path = "mediation-request"
    title = "Scrutineer asked to mediate"
    example = body(on="2025-10-09", mediator="Independent scrutineer", reason="Partners disagree.")

    on: date
    mediator: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ConcludeMediation(CaseAct):
    """The mediation concluded, with the outcome the decision must then follow."""

    roles = MEDIATORS
    path = "mediation-conclusion"
    title = "Mediation concluded"
    example = body(on="2025-10-10", outcome="met", summary="Agreed: met.")
    field_notes = notes(
        outcome="The outcome the mediation reached, which the partners' decision must then follow.",
    )

    on: date
    outcome: Annotated[str, OneOf(CriteriaOutcome)]
    summary: str


@dataclass(frozen=True, kw_only=True)
class DecideCriteria(CaseAct):
    """The criteria decided: only when the three partners agree or mediation has
    concluded."""

    path = "criteria-decision"
    title = "Criteria decided (met / not met)"
    example = body(on="2025-10-10", outcome="met", rationale="All three agree.")
    field_notes = notes(on="The day the criteria were decided.")

    on: date
    outcome: Annotated[str, OneOf(CriteriaOutcome)]
    rationale: str = ""


@dataclass(frozen=True, kw_only=True)
class ReferToLearningFromPractice(CaseAct):
    """Criteria not met: the case goes to the next scheduled (or a special) meeting of the
    Learning from Practice group."""

    path = "learning-from-practice-referral"
    title = "Not met: referred to the Learning from Practice group"
    example = body(on="2025-10-10", meeting="next_scheduled", meeting_on=None)
    field_notes = notes(on="The day the case was referred to the Learning from Practice group.")

    on: date
    meeting: Annotated[str, OneOf(LfpMeeting)] = LfpMeeting.NEXT_SCHEDULED.value
    meeting_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class NotifyNationalPanel(CaseAct):
    """The local authority's notification to the national Child Safeguarding Practice
    Review Panel (within 5 working days of becoming aware)."""

    path = "panel-notification"
    title = "Local authority notified the Panel"
    example = body(
        on="2025-10-13",
        notified_by="Director of Children's Services",
        panel_reference="CSPRP-2025-0001",
        secretary_of_state_and_ofsted=False,
    )
    field_notes = notes(
        on=(
            "The day the local authority notified the national Panel; the rapid review's clocks "
            "run from it."
        ),
    )

    on: date
    notified_by: str
    panel_reference: str = ""
    secretary_of_state_and_ofsted: bool = False


@dataclass(frozen=True, kw_only=True)
class NotifySecretaryOfStateAndOfsted(CaseAct):
    """The local authority notified the Secretary of State and Ofsted of the death of a
    looked-after child (seed 004 §3.2: within five working days, as the partners must be)
    or of a care leaver."""

    path = "secretary-of-state-and-ofsted-notification"
    title = "Secretary of State and Ofsted notified (a looked-after child or care leaver died)"
    example = body(
        on="2025-10-13", notified_by="Director of Children's Services", reference="DfE-2025-17"
    )
    field_notes = notes(on="The day the Secretary of State and Ofsted were notified.")

    on: date
    notified_by: str
    reference: str = ""
