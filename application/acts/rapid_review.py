"""The acts of the rapid review (seed 001 "The Rapid Review", appendices ii-v):
domain/case/rapid_review.py decides them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from application.acts.base import AGENCIES, PARTNERS, CaseAct, Env, body, notes
from domain.timescales import StartFact
from domain.values import (
    Audit,
    Contact,
    Documentation,
    MeetingFormat,
    OneOf,
    Participant,
    RapidReviewCriterion,
    Recommendation,
    SafeguardingPartner,
)


@dataclass(frozen=True, kw_only=True)
class StartRapidReview(CaseAct):
    """The rapid review is initiated and its meeting date set (9 to 11 working days after
    the Panel was notified)."""

    path = "rapid-review"
    title = "Rapid review started, meeting date set"
    example = body(on="2025-10-14", meeting_on="2025-10-24")
    field_notes = notes(
        on="The day the rapid review was initiated.",
        meeting_on=(
            "The day set for the rapid review meeting, 9 to 11 working days after the "
            "Panel was notified."
        ),
    )

    on: date
    meeting_on: date


@dataclass(frozen=True, kw_only=True)
class RequestScoping(CaseAct):
    """The scoping and information sharing form sent to one agency (seed 001 appendices ii
    and iii); due in 5 working days unless a date is given, or the partnership's own target."""

    path = "scoping-requests"
    title = "Scoping form sent to an agency"
    example = body(
        on="2025-10-14",
        agency="Metropolitan Police",
        contact="safeguarding@police.example",
        period_from="2023-01-01",
        period_to="2025-10-04",
    )
    field_notes = notes(
        on="The day the scoping form was sent to the agency.",
        due_on=(
            "The day the return is due; when omitted, 5 working days after the request (or the "
            "partnership's own target)."
        ),
    )

    on: date
    agency: str
    contact: str = ""
    due_on: date | None = None
    period_from: date | None = None
    period_to: date | None = None

    def perform(self, subject: Any, audit: Audit, env: Env) -> None:
        t = env.timescales(subject.partnership)
        base = self.on
        if t.scoping_returned_from is StartFact.NOTIFICATION and subject.notified_on:
            base = subject.notified_on  # seed 001's table: returned 3 to 9 days after it
        target = env.calendar_of(subject.partnership).add_working_days(base, t.scoping_returned)
        due = self.due_on or max(target, self.on)  # a request sent late is due that day
        subject.request_scoping(**{**self.payload(), "audit": audit, "due_on": due})


@dataclass(frozen=True, kw_only=True)
class SecureRecords(CaseAct):
    """An agency confirms its records are secured and kept separate (seed 001 appendix ii,
    item 3); an agency does so only for a request addressed to it."""

    roles = AGENCIES
    acting_for = "agency"
    path = "records-secured"
    title = "An agency secured its records"
    example = body(
        on="2025-10-16",
        agency="Metropolitan Police",
        note="Records held by the named representative.",
    )
    field_notes = notes(
        on="The day the agency secured its records.",
        note="Where the records are held and through whom they may be accessed.",
    )

    on: date
    agency: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ReturnScoping(CaseAct):
    """An agency returns its scoping form (seed 001 appendix iii, section 2); an agency
    does so only for a request addressed to it."""

    roles = AGENCIES
    acting_for = "agency"
    path = "scoping-returns"
    title = "An agency returned its scoping form"
    example = body(
        on="2025-10-20",
        agency="Metropolitan Police",
        completed_by={
            "name": "Pat Officer",
            "agency": "Metropolitan Police",
            "title": "DI",
            "contact": "pat@police.example",
        },
        involvement=True,
        summary="Two domestic incidents attended in 2024.",
        analysis="Referral to children's social care made promptly.",
        inter_agency_concerns="",
        other_agencies="Housing",
        further_information="",
    )
    field_notes = notes(
        on="The day the agency completed and returned the form.",
        summary=(
            "1. A brief summary of the agency's involvement with the subject child and the "
            "individuals in the family composition: the key significant events in "
            "chronological order, with the dates services began and ended."
        ),
    )

    on: date
    agency: str
    completed_by: Contact
    involvement: bool
    summary: str = ""
    analysis: str = ""
    inter_agency_concerns: str = ""
    other_agencies: str = ""
    further_information: str = ""


@dataclass(frozen=True, kw_only=True)
class HoldMeeting(CaseAct):
    """The rapid review meeting held (seed 001 appendix iv): quorate only with the local
    authority, police and ICB each represented."""

    path = "rapid-review-meeting"
    title = "Rapid review meeting held (quorate)"
    example = body(
        on="2025-10-24",
        format="face_to_face",
        participants=[
            {
                "name": "Lee Head",
                "role": "Head of Service",
                "agency": "Children's Social Care",
                "represents": "local_authority",
            },
            {
                "name": "Di Inspector",
                "role": "Detective Inspector",
                "agency": "Metropolitan Police",
                "represents": "police",
            },
            {
                "name": "Nan Nurse",
                "role": "Designated Nurse",
                "agency": "SEL ICB",
                "represents": "icb",
            },
        ],
        immediate_action_taken=True,
        immediate_action_details="Sibling safeguarded.",
        criteria=["agencies_working_together"],
        discussion="Facts reviewed against the criteria.",
        nature_of_harm="Serious physical harm.",
        legal_advice_sought=False,
        recommendation="b_local_cspr",
        rationale="Potential learning about agencies working together.",
        unanimous=True,
        documentation=["referral_form", "la_notification", "scoping_forms"],
    )
    field_notes = notes(
        on="Date of the rapid review meeting.",
        format=(
            "How the meeting was held (ideally face to face; by telephone if constrained by time)."
        ),
        recommendation=(
            "3. What, after completing this rapid review, it has been agreed this case meets "
            "or warrants (a to j)."
        ),
        rationale=(
            "Rationale for the recommendation: where the case does not meet the criteria "
            "for a review, the other review options considered."
        ),
    )

    on: date
    format: Annotated[str, OneOf(MeetingFormat)]
    participants: Sequence[Participant]
    immediate_action_taken: bool
    recommendation: Annotated[str, OneOf(Recommendation)]
    rationale: str
    criteria: Annotated[Sequence[str], OneOf(RapidReviewCriterion)] = ()
    immediate_action_details: str = ""
    discussion: str = ""
    nature_of_harm: str = ""
    legal_advice_sought: bool = False
    legal_advice_details: str = ""
    recommendation_other: str = ""
    unanimous: bool = True
    dissent: str = ""
    documentation: Annotated[Sequence[str], OneOf(Documentation)] = ()


@dataclass(frozen=True, kw_only=True)
class ApproveReport(CaseAct):
    """A lead partner approves the report of the rapid review (all three are needed within
    2 working days of the meeting); a partner approves only for itself."""

    roles = PARTNERS
    acting_for = "partner"
    path = "report-approvals"
    title = "A lead partner approved the report"
    example = body(on="2025-10-27", partner="local_authority", approver="Director")
    field_notes = notes(on="The day the partner approved the report.")

    on: date
    partner: Annotated[str, OneOf(SafeguardingPartner)]
    approver: str


@dataclass(frozen=True, kw_only=True)
class SubmitRapidReview(CaseAct):
    """The report and its covering letter sent to the national Panel (within 15 working
    days of the notification), once all three lead partners approved it."""

    path = "rapid-review-submission"
    title = "Report sent to the Panel"
    example = body(on="2025-10-28")
    field_notes = notes(
        on="The day the report and its covering letter were sent to the national Panel.",
    )

    on: date


@dataclass(frozen=True, kw_only=True)
class ReceivePanelResponse(CaseAct):
    """The national Panel's response to the rapid review: whether it concurs, and its
    view."""

    path = "panel-response"
    title = "The Panel's response received"
    example = body(on="2025-11-12", concurs=True, view="The Panel agrees.")
    field_notes = notes(on="The day the Panel's response was received.")

    on: date
    concurs: bool
    view: str = ""
