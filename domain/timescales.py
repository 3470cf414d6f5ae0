"""The targets of the statutory clocks (DESIGN §4): the statutory defaults, each overridable
per partnership in configuration (``[partnerships.X.timescales]`` in
config/partnerships.toml), where the seeds word a clock differently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.calendar import WorkingDayCalendar


class StartFact(StrEnum):
    """The fact a configurable clock counts from (the seeds word some clocks differently)."""

    NOTIFICATION = "notification"  # the national Panel notified (seed 001's table, seed 003)
    AWARE = "aware"  # the local authority became aware (seed 001: "15 working days of
    #                  becoming aware of the incident")
    REFERRAL = "referral"  # the referral received (seed 001: the meeting "between 9 and 11
    #                        days following the referral")
    REQUEST = "request"  # the scoping form sent to the agency (seed 001's letter: 5 days)


@dataclass(frozen=True)
class Meetings:
    """When a group meets: explicit dates, or a cadence from a first meeting (Bexley's group
    every 6 weeks, Hillingdon's Practice Development Forum quarterly)."""

    dates: tuple[date, ...] = ()
    every_weeks: int | None = None
    first: date | None = None

    def next_after(self, after: date) -> date | None:
        """The first meeting strictly after ``after``, None when nothing is configured."""
        later = sorted(d for d in self.dates if d > after)
        if later:
            return later[0]
        if self.every_weeks and self.first:
            step = timedelta(weeks=self.every_weeks)
            meeting = self.first
            if meeting <= after:
                periods = (after - meeting) // step + 1
                meeting = meeting + step * periods
            return meeting
        return None


@dataclass(frozen=True)
class Timescales:
    """Targets in working days unless named otherwise. Statutory defaults; partnerships
    override them in configuration (e.g. Hillingdon convenes the meeting in 12-13)."""

    partners_alerted: int = 1
    criteria_recommendation: int = 5  # "as soon as possible, but in no more than five"
    criteria_decision: int = 5
    panel_notification: int = 5
    sos_ofsted_notification: int = 5  # seed 004 §3.2
    scoping_sent: int = 2
    scoping_returned: int = 5
    # the scoping return counts from the request (the letter's 5 days) or the notification
    # (seed 001's table: "within 3 to 9 working days"); its window opening is shown only
    scoping_returned_from: StartFact = StartFact.REQUEST
    scoping_returned_window_opens: int | None = None
    rapid_review_meeting_window_opens: int = 9
    rapid_review_meeting: int = 11
    rapid_review_meeting_from: StartFact = StartFact.NOTIFICATION
    report_approval: int = 2
    rapid_review_submission: int = 15
    rapid_review_submission_from: StartFact = StartFact.NOTIFICATION
    panel_response: int = 15
    publication_months: int = 6
    # informing the referrer of the outcome: a local target, not a statutory one
    referrer_informed: int = 5
    # The Learning from Practice group: explicit meeting dates, or a cadence from a first
    # meeting (Bexley: every 6 weeks). With neither, a referral is due before the group
    # ``learning_referral_working_days`` working days on: the fallback when a partnership
    # has not said when its group meets.
    learning_group_meetings: tuple[date, ...] = ()
    learning_group_every_weeks: int | None = None
    learning_group_first_meeting: date | None = None
    learning_referral_working_days: int = 20
    # The wider forum the group's learning may be taken to (Hillingdon's quarterly Practice
    # Development Forum, Bexley's Multi-Agency Learning Forum every 6 weeks); the same
    # fallback when its meetings are not configured.
    forum_meetings: tuple[date, ...] = ()
    forum_every_weeks: int | None = None
    forum_first_meeting: date | None = None

    def next_learning_group_meeting(self, after: date, calendar: WorkingDayCalendar) -> date:
        """The first group meeting strictly after ``after`` (or the fallback)."""
        group = Meetings(
            self.learning_group_meetings,
            self.learning_group_every_weeks,
            self.learning_group_first_meeting,
        )
        found = group.next_after(after)
        return found or calendar.add_working_days(after, self.learning_referral_working_days)

    def next_forum_meeting(self, after: date, calendar: WorkingDayCalendar) -> date:
        """The first meeting of the wider forum strictly after ``after`` (or the fallback)."""
        forum = Meetings(self.forum_meetings, self.forum_every_weeks, self.forum_first_meeting)
        found = forum.next_after(after)
        return found or calendar.add_working_days(after, self.learning_referral_working_days)
