"""The rapid review (seed 001 "The Rapid Review", appendices ii-v): started with its meeting
date, scoping forms to and from each agency, the quorate meeting, the three lead partners'
approvals, the submission to the national Panel and its response."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from typing import Any

from domain.base import AuditedAggregate
from domain.case.state import (
    CaseState,
    ScopingState,
    check_quorate,
    missing_partners,
    safeguarding_partner,
)
from domain.errors import (
    AlreadyRecordedError,
    ApprovalsIncompleteError,
    InvalidValueError,
    ScopingNotRequestedError,
    WrongStageError,
)
from domain.values import (
    RECOMMENDATIONS_NEEDING_TEXT,
    Audit,
    Contact,
    Documentation,
    MeetingFormat,
    Participant,
    RapidReviewCriterion,
    Recommendation,
    parse,
    text,
)


class RapidReview(CaseState):
    """From the start of the rapid review to the Panel's response."""

    class RapidReviewStarted(AuditedAggregate.Event):
        on: date
        meeting_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.rapid_review_started_on = self.on
            aggregate.meeting_planned_on = self.meeting_on

    def start_rapid_review(self, *, audit: Audit, on: date, meeting_on: date) -> None:
        """Rapid review initiated and its meeting date set."""
        self._si_act(on, audit, "date rapid review started")
        self.check_notified("a rapid review")
        self.check_not_yet(self.rapid_review_started_on, "the start of the rapid review")
        if self.child is not None and self.child.care_leaver and not self.child.looked_after:
            raise WrongStageError(
                "a care leaver's death is notified to the Secretary of State and Ofsted "
                "with no rapid review"
            )
        if meeting_on < on:
            raise InvalidValueError("the rapid review meeting cannot be set before today's start")
        self.trigger_event(self.RapidReviewStarted, audit=audit, on=on, meeting_on=meeting_on)

    class ScopingRequested(AuditedAggregate.Event):
        on: date
        agency: str
        contact: str
        period_from: date | None
        period_to: date | None
        due_on: date

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case.scoping = {
                **case.scoping,
                self.agency: ScopingState(
                    agency=self.agency,
                    requested_on=self.on,
                    due_on=self.due_on,
                    contact=self.contact,
                ),
            }

    def request_scoping(
        self,
        *,
        audit: Audit,
        on: date,
        agency: str,
        due_on: date,
        contact: str = "",
        period_from: date | None = None,
        period_to: date | None = None,
    ) -> None:
        """Send the initial scoping and information sharing form to one agency."""
        self._si_act(on, audit, "date scoping was requested")
        self.check_notified("scoping")
        name = text(agency, "agency", limit=200)
        if name in self.scoping:
            raise AlreadyRecordedError(f"scoping was already requested from {name}")
        if self.meeting_held_on is not None:
            raise WrongStageError("the rapid review meeting has already been held")
        if due_on < on:
            raise InvalidValueError("the scoping due date cannot precede the request")
        if period_from and period_to and period_to < period_from:
            raise InvalidValueError("the indicative period ends before it starts")
        self.trigger_event(
            self.ScopingRequested,
            audit=audit,
            on=on,
            agency=name,
            contact=text(contact, "contact", required=False, limit=500),
            period_from=period_from,
            period_to=period_to,
            due_on=due_on,
        )

    def _scoping_for(self, agency: str) -> ScopingState:
        try:
            return self.scoping[agency]
        except KeyError:
            raise ScopingNotRequestedError(
                f"no scoping request was addressed to {agency} for case {self.reference}"
            ) from None

    class AgencyRecordsSecured(AuditedAggregate.Event):
        on: date
        agency: str
        note: str

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            state = dataclasses.replace(case.scoping[self.agency], records_secured_on=self.on)
            case.scoping = {**case.scoping, self.agency: state}

    def secure_records(self, *, audit: Audit, on: date, agency: str, note: str = "") -> None:
        """An agency confirms its records are secured (seed 001 appendix ii, item 3)."""
        self._si_act(on, audit, "date records were secured")
        state = self._scoping_for(agency)
        self.check_not_yet(state.records_secured_on, f"{agency}'s securing of records")
        if on < state.requested_on:
            raise InvalidValueError("records cannot be secured before scoping was requested")
        self.trigger_event(
            self.AgencyRecordsSecured,
            audit=audit,
            on=on,
            agency=agency,
            note=text(note, "note", required=False),
        )

    class ScopingReturned(AuditedAggregate.Event):
        """Seed 001 appendix iii, section 2, as returned by one agency."""

        on: date
        agency: str
        completed_by: Contact
        involvement: bool
        summary: str
        analysis: str
        inter_agency_concerns: str
        other_agencies: str
        further_information: str

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            state = dataclasses.replace(
                case.scoping[self.agency], returned_on=self.on, involvement=self.involvement
            )
            case.scoping = {**case.scoping, self.agency: state}

    def return_scoping(
        self,
        *,
        audit: Audit,
        on: date,
        agency: str,
        completed_by: Contact,
        involvement: bool,
        summary: str = "",
        analysis: str = "",
        inter_agency_concerns: str = "",
        other_agencies: str = "",
        further_information: str = "",
    ) -> None:
        """An agency returns its scoping form (seed 001 appendix iii)."""
        self._si_act(on, audit, "date scoping was returned")
        state = self._scoping_for(agency)
        self.check_not_yet(state.returned_on, f"{agency}'s scoping return")
        if on < state.requested_on:
            raise InvalidValueError("scoping cannot be returned before it was requested")
        if involvement and not summary.strip():
            raise InvalidValueError("an agency that was involved summarises its involvement")
        text(completed_by.name, "name of the person completing the form")
        self.trigger_event(
            self.ScopingReturned,
            audit=audit,
            on=on,
            agency=agency,
            completed_by=completed_by,
            involvement=bool(involvement),
            summary=text(summary, "summary", required=False),
            analysis=text(analysis, "analysis", required=False),
            inter_agency_concerns=text(inter_agency_concerns, "concerns", required=False),
            other_agencies=text(other_agencies, "other agencies", required=False),
            further_information=text(further_information, "further information", required=False),
        )

    class RapidReviewMeetingHeld(AuditedAggregate.Event):
        """Seed 001 appendix iv: the report of the rapid review discussions."""

        on: date
        format: str
        participants: tuple[Participant, ...]
        immediate_action_taken: bool
        immediate_action_details: str
        criteria: tuple[str, ...]
        discussion: str
        nature_of_harm: str
        legal_advice_sought: bool
        legal_advice_details: str
        recommendation: str
        recommendation_other: str
        rationale: str
        unanimous: bool
        dissent: str
        documentation: tuple[str, ...] = ()  # what was shared with those attending

        def apply(self, aggregate: Any) -> None:
            aggregate.meeting_held_on = self.on
            aggregate.rapid_review_recommendation = self.recommendation
            aggregate.criteria_apply = tuple(self.criteria)
            aggregate.meeting_unanimous = self.unanimous

    def hold_meeting(
        self,
        *,
        audit: Audit,
        on: date,
        format: str,
        participants: typing.Sequence[Participant],
        immediate_action_taken: bool,
        immediate_action_details: str,
        criteria: typing.Iterable[str],
        discussion: str,
        nature_of_harm: str,
        legal_advice_sought: bool,
        recommendation: str,
        rationale: str,
        unanimous: bool = True,
        dissent: str = "",
        legal_advice_details: str = "",
        recommendation_other: str = "",
        documentation: typing.Iterable[str] = (),
    ) -> None:
        """The rapid review meeting: quorate only with the LA, police and ICB present."""
        self._si_act(on, audit, "date of meeting")
        if self.rapid_review_started_on is None:
            raise WrongStageError("the rapid review has not been started")
        self.check_not_yet(self.meeting_held_on, "the rapid review meeting")
        fmt = parse(MeetingFormat, format, "meeting format")
        for p in participants:
            text(p.name, "participant name")
            if p.represents is not None:
                safeguarding_partner(p.represents, f"participant {p.name} represents")
        check_quorate(participants)
        chosen = tuple(
            sorted({parse(RapidReviewCriterion, c, "criterion").value for c in criteria})
        )
        if RapidReviewCriterion.NONE_OF_THE_ABOVE.value in chosen and len(chosen) > 1:
            raise InvalidValueError("'none of the above' cannot be chosen with a criterion")
        shared = tuple(
            sorted({parse(Documentation, d, "documentation").value for d in documentation})
        )
        rec = parse(Recommendation, recommendation, "recommendation")
        if rec in RECOMMENDATIONS_NEEDING_TEXT and not recommendation_other.strip():
            raise InvalidValueError(f"recommendation {rec.value} needs its 'please state' text")
        if not unanimous and not dissent.strip():
            raise InvalidValueError("where agreement is not unanimous the dissent must be recorded")
        self.trigger_event(
            self.RapidReviewMeetingHeld,
            audit=audit,
            on=on,
            format=fmt.value,
            participants=tuple(participants),
            immediate_action_taken=bool(immediate_action_taken),
            immediate_action_details=text(
                immediate_action_details, "immediate action", required=False
            ),
            criteria=chosen,
            discussion=text(discussion, "discussion", required=False),
            nature_of_harm=text(nature_of_harm, "nature of harm", required=False),
            legal_advice_sought=bool(legal_advice_sought),
            legal_advice_details=text(legal_advice_details, "legal advice", required=False),
            recommendation=rec.value,
            recommendation_other=text(recommendation_other, "recommendation text", required=False),
            rationale=text(rationale, "rationale"),
            unanimous=bool(unanimous),
            dissent=text(dissent, "dissent", required=False),
            documentation=shared,
        )

    class RapidReviewReportApproved(AuditedAggregate.Event):
        on: date
        partner: str
        approver: str

        def apply(self, aggregate: Any) -> None:
            case: CaseState = aggregate
            case.approvals = {**case.approvals, self.partner: self.on}

    def approve_report(self, *, audit: Audit, on: date, partner: str, approver: str) -> None:
        """A lead partner approves the rapid review report (all three needed)."""
        who = safeguarding_partner(partner)
        self._si_act(on, audit, "date of approval")
        if self.meeting_held_on is None:
            raise WrongStageError("the report follows the rapid review meeting")
        if self.outcome_in_dispute:
            raise WrongStageError(
                "the outcome is disputed: the partners approve once the mediation has concluded"
            )
        if who.value in self.approvals:
            raise AlreadyRecordedError(f"the {who.value} approval is already recorded")
        if self.submitted_on is not None:
            raise AlreadyRecordedError("the report has already been submitted")
        self.trigger_event(
            self.RapidReviewReportApproved,
            audit=audit,
            on=on,
            partner=who.value,
            approver=text(approver, "approver"),
        )

    class RapidReviewSubmitted(AuditedAggregate.Event):
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.submitted_on = self.on

    def submit_rapid_review(self, *, audit: Audit, on: date) -> None:
        """Report and letter sent to the national Panel: after all three approvals."""
        self._si_act(on, audit, "date of submission")
        self.check_not_yet(self.submitted_on, "the submission to the national Panel")
        self.check_all_approved()
        self.trigger_event(self.RapidReviewSubmitted, audit=audit, on=on)

    def check_all_approved(self) -> None:
        missing = missing_partners(self.approvals)
        if missing:
            raise ApprovalsIncompleteError(
                "the report needs the approval of all three lead partners; missing: "
                + ", ".join(missing)
            )

    class PanelResponseReceived(AuditedAggregate.Event):
        on: date
        concurs: bool
        view: str

        def apply(self, aggregate: Any) -> None:
            aggregate.panel_response_on = self.on
            aggregate.panel_concurs = self.concurs

    def receive_panel_response(self, *, audit: Audit, on: date, concurs: bool, view: str) -> None:
        self._si_act(on, audit, "date of Panel response")
        if self.submitted_on is None:
            raise WrongStageError("the Panel responds to a submitted rapid review")
        self.check_not_yet(self.panel_response_on, "the Panel's response")
        self.trigger_event(
            self.PanelResponseReceived,
            audit=audit,
            on=on,
            concurs=bool(concurs),
            view=text(view, "the Panel's view", required=False),
        )
