"""Working days in England & Wales, for the statutory clocks (DESIGN §4 "Clocks").

A working day is a Monday to Friday that is not an England & Wales bank holiday (as the
``holidays`` package lists them for ``GB``/``ENG``: substitute days such as "Boxing Day
(observed)" and one-off days such as the 2023 Coronation included) and not one of the
calendar's extra closures. Day 0 of a clock is its start date, whatever kind of day that is;
"N working days" is the N-th working day strictly after it.

Pure: no I/O. Bank holidays are loaded a year at a time on first use and kept, because clocks
are computed thousands at a time.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

import holidays

from domain.errors import CalendarRangeError

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
# The years whose England & Wales bank holidays the ``holidays`` package knows.
_UK = holidays.country_holidays("GB", subdiv="ENG")
FIRST_YEAR: int = _UK.start_year
LAST_YEAR: int = _UK.end_year


class WorkingDayCalendar:
    """England & Wales working days, less any ``extra_closures`` (e.g. a local closure day).

    Safe to share between threads: the per-year cache is only ever added to, each entry is
    immutable, and filling it is serialised by a lock.
    """

    def __init__(self, extra_closures: Iterable[date] = ()) -> None:
        by_year: dict[int, set[date]] = {}
        for d in extra_closures:
            by_year.setdefault(d.year, set()).add(d)
        self._extra_by_year: dict[int, frozenset[date]] = {
            year: frozenset(days) for year, days in by_year.items()
        }
        # Year -> weekdays that are not working days. Weekend closures are left out so that
        # counting can subtract them from an arithmetic weekday count without double counting.
        self._closed: dict[int, frozenset[date]] = {}
        self._names: dict[int, Mapping[date, str]] = {}
        self._lock = threading.Lock()

    def _closed_weekdays(self, year: int) -> frozenset[date]:
        closed = self._closed.get(year)
        if closed is None:
            closed = self._load(year)
        return closed

    def _load(self, year: int) -> frozenset[date]:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CalendarRangeError(
                f"the working-day calendar covers {FIRST_YEAR} to {LAST_YEAR}, not {year}: "
                "its bank holidays are unknown"
            )
        with self._lock:
            closed = self._closed.get(year)
            if closed is not None:  # another thread filled it while we waited
                return closed
            bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=year)
            names: dict[date, str] = {d: str(name) for d, name in bank_holidays.items()}
            closed = frozenset(
                d
                for d in (*names, *self._extra_by_year.get(year, ()))
                if d.year == year and d.weekday() < _SATURDAY
            )
            # Names first: a reader that sees the closed set for a year must also see its names.
            self._names[year] = MappingProxyType(names)
            self._closed[year] = closed
            return closed

    @property
    def extra_closures(self) -> tuple[date, ...]:
        """The closure days this calendar adds to the bank holidays, in order."""
        return tuple(sorted(d for days in self._extra_by_year.values() for d in days))

    def with_closures(self, closures: Iterable[date]) -> WorkingDayCalendar:
        """A calendar closed on ``closures`` too (a partnership's own closure days), or this
        one when they add nothing."""
        extra = set(closures) - set(self.extra_closures)
        if not extra:
            return self
        return WorkingDayCalendar((*self.extra_closures, *extra))

    def is_working_day(self, d: date) -> bool:
        """True when ``d`` is a Monday to Friday that is neither a bank holiday nor a closure."""
        return d.weekday() < _SATURDAY and d not in self._closed_weekdays(d.year)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start`` (before it when ``n`` < 0).

        ``start`` is day 0 whether or not it is a working day, so ``n == 0`` returns ``start``.
        Raises OverflowError if the answer would fall outside ``date.min``..``date.max``.
        """
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        d = start
        year = d.year
        closed = self._closed_weekdays(year)
        while remaining:
            d += step
            if d.year != year:
                year = d.year
                closed = self._closed_weekdays(year)
            if d.weekday() < _SATURDAY and d not in closed:
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days ``d`` satisfy ``start < d <= end``.

        Antisymmetric: ``between(a, b) == -between(b, a)``, so for ``end < start`` it counts
        ``end < d <= start``, negated. The inverse of ``add_working_days``:
        ``working_days_between(x, add_working_days(x, n)) == n`` for ``n >= 0``, and for
        ``n < 0`` too when ``x`` is a working day (else the count is one short of ``-n``).
        """
        if end < start:
            return -self.working_days_between(end, start)
        # Long ranges (an action overdue for years) cost one pass over the closures of each
        # year touched, not one step per day.
        count = _weekdays_up_to(end) - _weekdays_up_to(start)
        for year in range(start.year, end.year + 1):
            count -= sum(1 for d in self._closed_weekdays(year) if start < d <= end)
        return count

    def next_working_day_on_or_after(self, d: date) -> date:
        """``d`` itself when it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday's name on ``d`` (e.g. "Boxing Day (observed)"), else None.

        Only bank holidays have names: an extra closure gives None, as does a weekend day
        that is not itself a bank holiday.
        """
        self._closed_weekdays(d.year)
        return self._names[d.year].get(d)


def _weekdays_up_to(d: date) -> int:
    """How many Mondays to Fridays fall in ``date.min``..``d``: ordinal 1 (1 Jan 1) is a Monday."""
    weeks, extra_days = divmod(d.toordinal(), 7)
    return weeks * 5 + min(extra_days, 5)


# The calendar of each partnership (its own closure days on top of the bank holidays).
CalendarOf = Callable[[str], WorkingDayCalendar]


@functools.cache
def england_and_wales() -> WorkingDayCalendar:
    """The shared England & Wales calendar with no extra closures (one per process)."""
    return WorkingDayCalendar()


def add_calendar_months(start: date, months: int) -> date:
    """The same day of the month ``months`` later (earlier when negative).

    When the target month is shorter the result is its last day: 31 Aug + 6 months is
    28 Feb (29 Feb in a leap year), as for the "6 calendar months" publication clock.
    """
    year, month_index = divmod(start.year * 12 + (start.month - 1) + months, 12)
    month = month_index + 1
    # December is special-cased so that December 9999 needs no date in year 10000.
    last_day = 31 if month == 12 else (date(year, month + 1, 1) - _ONE_DAY).day
    return date(year, month, min(start.day, last_day))
