"""What the scheduler records about the clocks: a reminder when a clock comes due soon, a
breach when it passed its due day still open -- each once per clock instance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.base import notice_key
from domain.calendar import WorkingDayCalendar
from domain.clocks import Clock, ClockStatus


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
