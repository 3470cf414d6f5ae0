"""The statutory clocks of DESIGN §4, derived from a case's (or review's) facts and a "today".

Day 0 is the local date of the start fact's effective date; "N working days" is the N-th
working day after it; a clock is due at the end of that day (Europe/London). A clock stops
at the effective date of its stop fact and is then *met* or *met late* (with the working
days late); still open after its due day it is *breached*; when it no longer applies
(criteria not met, case closed) it is *cancelled*. Everything here is a pure function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.calendar import WorkingDayCalendar, add_calendar_months
from domain.case import Case
from domain.review import Review
from domain.timescales import StartFact, Timescales
from domain.values import CaseKind, CriteriaOutcome, LearningOutcome, ReviewType


class ClockName(StrEnum):
    PARTNERS_ALERTED = "partners_alerted"
    CRITERIA_RECOMMENDATION = "criteria_recommendation"
    CRITERIA_DECISION = "criteria_decision"
    PANEL_NOTIFICATION = "panel_notification"
    SOS_OFSTED_NOTIFICATION = "sos_ofsted_notification"
    SCOPING_SENT = "scoping_sent"
    SCOPING_RETURNED = "scoping_returned"
    RAPID_REVIEW_MEETING = "rapid_review_meeting"
    REPORT_APPROVAL = "report_approval"
    RAPID_REVIEW_SUBMISSION = "rapid_review_submission"
    PANEL_RESPONSE = "panel_response"
    REVIEW_PUBLICATION = "review_publication"
    LEARNING_FROM_PRACTICE_REFERRAL = "learning_from_practice_referral"
    LEARNING_REFERRAL_CONSIDERED = "learning_referral_considered"
    REFERRER_INFORMED = "referrer_informed"
    LEARNING_TAKEN_TO_FORUM = "learning_taken_to_forum"
    ACTION_DUE = "action_due"


# How staff say each clock (e-mails, the digest): what must have happened by its due day.
CLOCK_WORDS: dict[str, str] = {
    ClockName.PARTNERS_ALERTED: "partners alerted",
    ClockName.CRITERIA_RECOMMENDATION: "the strategic lead's recommendation to the partners",
    ClockName.CRITERIA_DECISION: "decision on the review criteria",
    ClockName.PANEL_NOTIFICATION: "notification of the national Panel",
    ClockName.SOS_OFSTED_NOTIFICATION: "notification of the Secretary of State and Ofsted",
    ClockName.SCOPING_SENT: "scoping forms sent to the agencies",
    ClockName.SCOPING_RETURNED: "scoping form returned",
    ClockName.RAPID_REVIEW_MEETING: "rapid review meeting held",
    ClockName.REPORT_APPROVAL: "rapid review report approved by the three partners",
    ClockName.RAPID_REVIEW_SUBMISSION: "rapid review sent to the national Panel",
    ClockName.PANEL_RESPONSE: "the national Panel's response (watch only)",
    ClockName.REVIEW_PUBLICATION: "review published",
    ClockName.LEARNING_FROM_PRACTICE_REFERRAL: (
        "not met: referral to the Learning from Practice group"
    ),
    ClockName.LEARNING_REFERRAL_CONSIDERED: "learning referral considered by the group",
    ClockName.REFERRER_INFORMED: "referrer informed of the outcome",
    ClockName.LEARNING_TAKEN_TO_FORUM: "learning taken to the wider forum",
    ClockName.ACTION_DUE: "action completed",
}


def clock_words(clock: str) -> str:
    """A clock's name (a ClockName value) as staff say it."""
    return CLOCK_WORDS.get(clock, clock.replace("_", " "))


class ClockStatus(StrEnum):
    PENDING = "pending"
    MET = "met"
    MET_LATE = "met_late"
    BREACHED = "breached"
    CANCELLED = "cancelled"


# The subject of the approvals clock that runs again once a dispute about the rapid
# review's outcome has been mediated (the first instance, from the meeting, has none).
AFTER_MEDIATION = "after mediation"

# Review types whose report is published (the six-month clock of seed 001 "Next steps").
PUBLISHED_REVIEW_TYPES = frozenset({ReviewType.LOCAL_CSPR.value, ReviewType.LEARNING_REVIEW.value})


@dataclass(frozen=True)
class Clock:
    """One clock instance. ``subject`` distinguishes instances of the same clock (the
    agency for scoping returns, the action id for actions)."""

    name: ClockName
    started_on: date
    due_on: date
    status: ClockStatus
    stopped_on: date | None = None
    subject: str = ""
    working_days_late: int = 0
    watch_only: bool = False  # the Panel's clock, not the partnership's
    window_opens_on: date | None = None

    @property
    def key(self) -> str:
        return f"{self.name.value}:{self.subject}" if self.subject else self.name.value

    @property
    def is_open(self) -> bool:
        return self.status in (ClockStatus.PENDING, ClockStatus.BREACHED)


@dataclass
class _Builder:
    today: date
    calendar: WorkingDayCalendar
    closed_on: date | None = None
    clocks: list[Clock] = field(default_factory=list)

    def add(
        self,
        name: ClockName,
        started_on: date,
        due_on: date,
        stopped_on: date | None,
        *,
        cancelled: bool = False,
        subject: str = "",
        watch_only: bool = False,
        window_opens_on: date | None = None,
    ) -> None:
        late = 0
        if stopped_on is not None:
            if stopped_on <= due_on:
                status = ClockStatus.MET
            else:
                status = ClockStatus.MET_LATE
                late = self.calendar.working_days_between(due_on, stopped_on)
        elif cancelled:
            status = ClockStatus.CANCELLED
        elif self.closed_on is not None:
            # Closing stops the clock: a deadline already missed stays a breach.
            if self.closed_on > due_on:
                status = ClockStatus.BREACHED
                late = self.calendar.working_days_between(due_on, self.closed_on)
            else:
                status = ClockStatus.CANCELLED
        elif self.today > due_on:
            status = ClockStatus.BREACHED
            late = self.calendar.working_days_between(due_on, self.today)
        else:
            status = ClockStatus.PENDING
        self.clocks.append(
            Clock(
                name=name,
                started_on=started_on,
                due_on=due_on,
                status=status,
                stopped_on=stopped_on,
                subject=subject,
                working_days_late=late,
                watch_only=watch_only,
                window_opens_on=window_opens_on,
            )
        )

    def working(self, start: date, days: int) -> date:
        return self.calendar.add_working_days(start, days)


def case_clocks(
    case: Case, today: date, timescales: Timescales, calendar: WorkingDayCalendar
) -> list[Clock]:
    """Every clock that has started for ``case``, with its status as of ``today``."""
    b = _Builder(today=today, calendar=calendar, closed_on=case.closed_on)
    t = timescales
    if case.kind is CaseKind.SERIOUS_INCIDENT:
        _serious_incident_clocks(case, b, t)
    if case.kind is CaseKind.PRACTICE_LEARNING or case.lfp_referred_on is not None:
        start = case.lfp_referred_on or case.received_on
        due = case.lfp_meeting_on or t.next_learning_group_meeting(start, calendar)
        b.add(ClockName.LEARNING_REFERRAL_CONSIDERED, start, due, case.learning_considered_on)
    _outcome_clocks(case, b, t)
    for action_id in sorted(case.actions, key=lambda a: int(a[1:])):
        a = case.actions[action_id]
        b.add(ClockName.ACTION_DUE, a.agreed_on, a.due_on, a.completed_on, subject=action_id)
    return b.clocks


def _outcome_clocks(case: Case, b: _Builder, t: Timescales) -> None:
    """Telling the referrer the outcome, and taking the learning to the wider forum."""
    if case.kind is CaseKind.PRACTICE_LEARNING:
        told_from = case.learning_considered_on
    else:
        told_from = case.decided_on
    if told_from is not None:
        b.add(
            ClockName.REFERRER_INFORMED,
            told_from,
            b.working(told_from, t.referrer_informed),
            case.referrer_informed_on,
        )
    considered = case.learning_considered_on
    if considered is not None and case.learning_outcome == LearningOutcome.WIDER_FORUM.value:
        b.add(
            ClockName.LEARNING_TAKEN_TO_FORUM,
            considered,
            t.next_forum_meeting(considered, b.calendar),
            case.forum_on,
        )


def _serious_incident_clocks(case: Case, b: _Builder, t: Timescales) -> None:
    received = case.received_on
    not_met = case.decision == CriteriaOutcome.NOT_MET.value
    b.add(
        ClockName.PARTNERS_ALERTED,
        received,
        b.working(received, t.partners_alerted),
        case.alerted_on,
    )
    b.add(
        ClockName.CRITERIA_RECOMMENDATION,
        received,
        b.working(received, t.criteria_recommendation),
        case.recommended_on,
        # decided without one (the partners did not wait): it no longer applies
        cancelled=case.decided_on is not None,
    )
    b.add(
        ClockName.CRITERIA_DECISION,
        received,
        b.working(received, t.criteria_decision),
        case.decided_on,
    )
    b.add(
        ClockName.PANEL_NOTIFICATION,
        case.aware_on,
        b.working(case.aware_on, t.panel_notification),
        case.notified_on,
        cancelled=not_met and not case.notification_required,
    )
    if case.sos_ofsted_notification_required:
        b.add(
            ClockName.SOS_OFSTED_NOTIFICATION,
            case.aware_on,
            b.working(case.aware_on, t.sos_ofsted_notification),
            case.sos_ofsted_notified_on,
        )
    if not_met and case.decided_on is not None:
        b.add(
            ClockName.LEARNING_FROM_PRACTICE_REFERRAL,
            case.decided_on,
            t.next_learning_group_meeting(case.decided_on, b.calendar),
            case.lfp_referred_on,
        )
    if case.notified_on is None or case.rapid_review_excluded:
        return  # a care leaver's death has no rapid review, so none of its clocks
    _rapid_review_clocks(case, case.notified_on, b, t)


def _from(fact: StartFact, case: Case, notified: date) -> date:
    if fact is StartFact.AWARE:
        return case.aware_on
    if fact is StartFact.REFERRAL:
        return case.received_on
    return notified


def _rapid_review_clocks(case: Case, notified: date, b: _Builder, t: Timescales) -> None:
    first_request = min((s.requested_on for s in case.scoping.values()), default=None)
    b.add(ClockName.SCOPING_SENT, notified, b.working(notified, t.scoping_sent), first_request)
    for agency in sorted(case.scoping):
        s = case.scoping[agency]
        opens = None
        if t.scoping_returned_window_opens is not None:
            base = notified if t.scoping_returned_from is StartFact.NOTIFICATION else s.requested_on
            opens = b.working(base, t.scoping_returned_window_opens)
        b.add(
            ClockName.SCOPING_RETURNED,
            s.requested_on,
            s.due_on,
            s.returned_on,
            subject=agency,
            window_opens_on=opens,
        )
    meeting_from = _from(t.rapid_review_meeting_from, case, notified)
    b.add(
        ClockName.RAPID_REVIEW_MEETING,
        meeting_from,
        b.working(meeting_from, t.rapid_review_meeting),
        case.meeting_held_on,
        window_opens_on=b.working(meeting_from, t.rapid_review_meeting_window_opens),
    )
    if case.meeting_held_on is not None:
        disputed = case.outcome_disputed_on
        b.add(
            ClockName.REPORT_APPROVAL,
            case.meeting_held_on,
            b.working(case.meeting_held_on, t.report_approval),
            None if disputed is not None else case.approvals_completed_on,
            cancelled=disputed is not None,  # the outcome disputed: approvals wait for mediation
        )
        agreed = case.outcome_mediation_concluded_on
        if agreed is not None:
            b.add(
                ClockName.REPORT_APPROVAL,
                agreed,
                b.working(agreed, t.report_approval),
                case.approvals_completed_on,
                subject=AFTER_MEDIATION,
            )
    submission_from = _from(t.rapid_review_submission_from, case, notified)
    b.add(
        ClockName.RAPID_REVIEW_SUBMISSION,
        submission_from,
        b.working(submission_from, t.rapid_review_submission),
        case.submitted_on,
    )
    if case.submitted_on is not None:
        b.add(
            ClockName.PANEL_RESPONSE,
            case.submitted_on,
            b.working(case.submitted_on, t.panel_response),
            case.panel_response_on,
            watch_only=True,
        )


def publication_due_on(review: Review, today: date, timescales: Timescales) -> date:
    """Six calendar months from commissioning, extended by the days publication was
    deferred while the clock was still running (an open deferral extends it up to
    ``today``; a deferral made after the due day has passed extends nothing)."""
    due = add_calendar_months(review.commissioned_on, timescales.publication_months)
    for d in review.deferrals:
        if d.deferred_on > due:
            continue  # the clock was already past due: a pause cannot revive it
        end = d.resumed_on or max(today, d.deferred_on)
        due += timedelta(days=(end - d.deferred_on).days)
    return due


def review_clocks(
    review: Review, today: date, timescales: Timescales, calendar: WorkingDayCalendar
) -> list[Clock]:
    """The publication clock (for published review types) and one clock per action."""
    b = _Builder(today=today, calendar=calendar, closed_on=review.closed_on)
    if review.review_type in PUBLISHED_REVIEW_TYPES:
        b.add(
            ClockName.REVIEW_PUBLICATION,
            review.commissioned_on,
            publication_due_on(review, today, timescales),
            review.published_on,
        )
    for action_id in sorted(review.actions, key=lambda a: int(a[1:])):
        a = review.actions[action_id]
        b.add(ClockName.ACTION_DUE, a.agreed_on, a.due_on, a.completed_on, subject=action_id)
    return b.clocks
