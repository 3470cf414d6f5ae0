"""The daily digest for partnership staff, from the deadlines read model (issue #6).

What is due in the coming working week, what is overdue, and which agencies still owe
scoping forms. Only references, clocks, agencies and dates: no names, no free text (the
digest travels by e-mail).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingDayCalendar
from domain.clocks import ClockName, clock_words
from projections.deadlines import Deadline, Deadlines, open_deadlines
from projections.store import Cursor

WEEK_WORKING_DAYS = 5


@dataclass(frozen=True)
class ScopingOutstanding:
    agency: str
    outstanding: int
    overdue: int


@dataclass(frozen=True)
class Digest:
    partnership: str
    day: date
    week_ends_on: date
    due_this_week: tuple[Deadline, ...]
    overdue: tuple[Deadline, ...]
    scoping: tuple[ScopingOutstanding, ...]

    @property
    def empty(self) -> bool:
        return not (self.due_this_week or self.overdue or self.scoping)


def digest(
    c: Cursor, model: Deadlines, partnership: str, today: date, calendar: WorkingDayCalendar
) -> Digest:
    """The partnership's open clocks as of ``today``."""
    open_clocks = open_deadlines(c, model, partnership, today, lambda _: calendar)
    week_end = calendar.add_working_days(today, WEEK_WORKING_DAYS)
    overdue = tuple(d for d in open_clocks if d.status == "breached")
    due = tuple(d for d in open_clocks if d.status == "pending" and d.due_on <= week_end)
    scoping = [d for d in open_clocks if d.clock == ClockName.SCOPING_RETURNED.value]
    outstanding = Counter(d.subject for d in scoping)
    late = Counter(d.subject for d in scoping if d.status == "breached")
    return Digest(
        partnership=partnership,
        day=today,
        week_ends_on=week_end,
        due_this_week=due,
        overdue=overdue,
        scoping=tuple(
            ScopingOutstanding(agency, n, late[agency]) for agency, n in sorted(outstanding.items())
        ),
    )


def _line(d: Deadline) -> str:
    what = clock_words(d.clock) + (f" ({d.subject})" if d.subject else "")
    line = f"- {d.reference}: {what}, due {d.due_on.isoformat()}"
    if d.status == "breached":
        return f"{line}, {d.working_days_late} working days late"
    return line


def render(d: Digest, partnership_name: str) -> tuple[str, str]:
    """The e-mail's subject and plain-text body."""
    subject = (
        f"Safeguarding review tracker: {partnership_name}, {d.day.isoformat()}: "
        f"{len(d.overdue)} overdue, {len(d.due_this_week)} due this week"
    )
    lines = [
        f"{partnership_name}: the tracker's digest for {d.day.isoformat()}.",
        "",
        f"Overdue ({len(d.overdue)}):",
        *([_line(x) for x in d.overdue] or ["- none"]),
        "",
        f"Due by {d.week_ends_on.isoformat()} ({len(d.due_this_week)}):",
        *([_line(x) for x in d.due_this_week] or ["- none"]),
        "",
        "Scoping forms outstanding, by agency:",
        *(
            [f"- {s.agency}: {s.outstanding} outstanding, {s.overdue} overdue" for s in d.scoping]
            or ["- none"]
        ),
        "",
        "Case references only: open the tracker for the details.",
    ]
    return subject, "\n".join(lines) + "\n"
