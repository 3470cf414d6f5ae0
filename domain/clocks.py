"""The statutory clocks of DESIGN §4, derived from a case's (or review's) facts and a "today".

Day 0 is the local date of the start fact's effective date; "N working days" is the N-th
working day after it; a clock is due at the end of that day (Europe/London). A clock stops
at the effective date of its stop fact and is then *met* or *met late* (with the working
days late); still open after its due day it is *breached*; when it no longer applies
(criteria not met, case closed) it is *cancelled*. Everything here is a pure function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.base import notice_key
from domain.calendar import WorkingDayCalendar, add_calendar_months
from domain.case import Case
from domain.review import Review
from domain.values import CaseKind, CriteriaOutcome, ReviewType


class ClockName(StrEnum):
    PARTNERS_ALERTED = "partners_alerted"
    CRITERIA_DECISION = "criteria_decision"
    PANEL_NOTIFICATION = "panel_notification"
    SCOPING_SENT = "scoping_sent"
    SCOPING_RETURNED = "scoping_returned"
    RAPID_REVIEW_MEETING = "rapid_review_meeting"
    REPORT_APPROVAL = "report_approval"
    RAPID_REVIEW_SUBMISSION = "rapid_review_submission"
    PANEL_RESPONSE = "panel_response"
    REVIEW_PUBLICATION = "review_publication"
    LEARNING_REFERRAL_CONSIDERED = "learning_referral_considered"
    ACTION_DUE = "action_due"


# How staff say each clock (e-mails, the digest): what must have happened by its due day.
CLOCK_WORDS: dict[str, str] = {
    ClockName.PARTNERS_ALERTED: "partners alerted",
    ClockName.CRITERIA_DECISION: "decision on the review criteria",
    ClockName.PANEL_NOTIFICATION: "notification of the national Panel",
    ClockName.SCOPING_SENT: "scoping forms sent to the agencies",
    ClockName.SCOPING_RETURNED: "scoping form returned",
    ClockName.RAPID_REVIEW_MEETING: "rapid review meeting held",
    ClockName.REPORT_APPROVAL: "rapid review report approved by the three partners",
    ClockName.RAPID_REVIEW_SUBMISSION: "rapid review sent to the national Panel",
    ClockName.PANEL_RESPONSE: "the national Panel's response (watch only)",
    ClockName.REVIEW_PUBLICATION: "review published",
    ClockName.LEARNING_REFERRAL_CONSIDERED: "learning referral considered by the group",
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


# Review types whose report is published (the six-month clock of seed 001 "Next steps").
PUBLISHED_REVIEW_TYPES = frozenset({ReviewType.LOCAL_CSPR.value, ReviewType.LEARNING_REVIEW.value})


@dataclass(frozen=True)
class Timescales:
    """Targets in working days unless named otherwise. Statutory defaults; partnerships
    override them in configuration (e.g. Hillingdon convenes the meeting in 12-13)."""

    partners_alerted: int = 1
    criteria_decision: int = 5
    panel_notification: int = 5
    scoping_sent: int = 2
    scoping_returned: int = 5
    rapid_review_meeting_window_opens: int = 9
    rapid_review_meeting: int = 11
    report_approval: int = 2
    rapid_review_submission: int = 15
    panel_response: int = 15
    publication_months: int = 6
    # The Learning from Practice group: explicit meeting dates, or a cadence from a first
    # meeting (Bexley: every 6 weeks), else a fixed number of working days.
    learning_group_meetings: tuple[date, ...] = ()
    learning_group_every_weeks: int | None = None
    learning_group_first_meeting: date | None = None
    learning_referral_working_days: int = 20

    def next_learning_group_meeting(self, after: date, calendar: WorkingDayCalendar) -> date:
        """The first group meeting strictly after ``after``."""
        later = sorted(d for d in self.learning_group_meetings if d > after)
        if later:
            return later[0]
        if self.learning_group_every_weeks and self.learning_group_first_meeting:
            step = timedelta(weeks=self.learning_group_every_weeks)
            meeting = self.learning_group_first_meeting
            if meeting <= after:
                periods = (after - meeting) // step + 1
                meeting = meeting + step * periods
            return meeting
        return calendar.add_working_days(after, self.learning_referral_working_days)


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
    return b.clocks


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
    notified = case.notified_on
    if notified is None:
        return
    first_request = min((s.requested_on for s in case.scoping.values()), default=None)
    b.add(ClockName.SCOPING_SENT, notified, b.working(notified, t.scoping_sent), first_request)
    for agency in sorted(case.scoping):
        s = case.scoping[agency]
        b.add(
            ClockName.SCOPING_RETURNED,
            s.requested_on,
            s.due_on,
            s.returned_on,
            subject=agency,
        )
    b.add(
        ClockName.RAPID_REVIEW_MEETING,
        notified,
        b.working(notified, t.rapid_review_meeting),
        case.meeting_held_on,
        window_opens_on=b.working(notified, t.rapid_review_meeting_window_opens),
    )
    if case.meeting_held_on is not None:
        b.add(
            ClockName.REPORT_APPROVAL,
            case.meeting_held_on,
            b.working(case.meeting_held_on, t.report_approval),
            case.approvals_completed_on,
        )
    b.add(
        ClockName.RAPID_REVIEW_SUBMISSION,
        notified,
        b.working(notified, t.rapid_review_submission),
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
    """Six calendar months from commissioning, extended by every day publication was
    deferred (an open deferral extends it up to ``today``)."""
    paused = 0
    for d in review.deferrals:
        end = d.resumed_on or max(today, d.deferred_on)
        paused += (end - d.deferred_on).days
    base = add_calendar_months(review.commissioned_on, timescales.publication_months)
    return base + timedelta(days=paused)


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


# --- what the scheduler records about the clocks ---------------------------------------


class NoticeKind(StrEnum):
    REMINDER = "reminder"  # ReminderIssued: the clock comes due soon
    BREACH = "breach"  # DeadlineBreached: the clock passed its due day still open


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    clock: Clock

    @property
    def key(self) -> str:
        c = self.clock
        return notice_key(self.kind.value, c.name.value, c.subject, c.started_on)


def reminder_day(clock: Clock, calendar: WorkingDayCalendar, working_days_before: int) -> date:
    """The day a clock's reminder is due: ``working_days_before`` working days before its
    due day (the due day itself when 0)."""
    return calendar.add_working_days(clock.due_on, -working_days_before)


def notices_due(
    clocks: Iterable[Clock],
    recorded: Mapping[str, date],
    today: date,
    calendar: WorkingDayCalendar,
    *,
    remind_working_days_before: int = 1,
) -> list[Notice]:
    """The reminders and breaches to record today for the clocks of one open case or
    review, computed as of ``today``, leaving out those already ``recorded`` (the
    aggregate's ``clock_notices``). A clock breached before its reminder went out (the
    scheduler was not running) gets only its breach."""
    due: list[Notice] = []
    for c in clocks:
        if c.status is ClockStatus.BREACHED:
            notice = Notice(NoticeKind.BREACH, c)
        elif c.status is ClockStatus.PENDING and today >= reminder_day(
            c, calendar, remind_working_days_before
        ):
            notice = Notice(NoticeKind.REMINDER, c)
        else:
            continue
        if notice.key not in recorded:
            due.append(notice)
    return due
