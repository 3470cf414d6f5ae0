"""England & Wales working days and calendar months, checked against real dates."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingDayCalendar, add_calendar_months, england_and_wales
from domain.errors import CalendarRangeError

CAL = england_and_wales()

# An oracle built straight from the holidays package, to check the calendar's own cache and
# its arithmetic counting against the plain definition.
_FIRST_YEAR, _LAST_YEAR = 1995, 2045
_BANK_HOLIDAYS = holidays.country_holidays(
    "GB", subdiv="ENG", years=range(_FIRST_YEAR - 2, _LAST_YEAR + 3)
)


def _is_working_day_by_definition(d: date, closures: frozenset[date] = frozenset()) -> bool:
    return d.weekday() < 5 and d not in _BANK_HOLIDAYS and d not in closures


dates = st.dates(min_value=date(_FIRST_YEAR, 1, 1), max_value=date(_LAST_YEAR, 12, 31))
working_day_counts = st.integers(min_value=-400, max_value=400)


# Christmas and New Year 2026/27: Boxing Day falls on a Saturday, so Monday 28 Dec is the
# substitute day.


def test_one_working_day_after_wed_23_dec_2026_is_thu_24_dec() -> None:
    assert CAL.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)


def test_five_working_days_after_wed_23_dec_2026_is_mon_4_jan_2027() -> None:
    # Skips Fri 25 Dec, the weekend, Mon 28 Dec (Boxing Day substitute), Fri 1 Jan 2027.
    assert CAL.add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28), date(2027, 1, 1)],
)
def test_christmas_boxing_day_its_substitute_and_new_year_2027_are_not_working_days(
    day: date,
) -> None:
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, 24), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)],
)
def test_the_other_weekdays_between_christmas_2026_and_new_year_are_working_days(
    day: date,
) -> None:
    assert CAL.is_working_day(day)


def test_mon_28_dec_2026_is_named_as_the_boxing_day_substitute() -> None:
    assert CAL.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"


def test_an_ordinary_working_day_has_no_holiday_name() -> None:
    assert CAL.holiday_name(date(2026, 12, 29)) is None


def test_five_working_days_before_mon_4_jan_2027_is_wed_23_dec_2026() -> None:
    assert CAL.add_working_days(date(2027, 1, 4), -5) == date(2026, 12, 23)


def test_one_working_day_before_mon_4_jan_2027_is_thu_31_dec_2026() -> None:
    assert CAL.add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)


# Easter 2027.


@pytest.mark.parametrize("day", [date(2027, 3, 26), date(2027, 3, 29)])
def test_good_friday_and_easter_monday_2027_are_not_working_days(day: date) -> None:
    assert not CAL.is_working_day(day)


def test_one_working_day_after_thu_25_mar_2027_is_tue_30_mar_after_easter() -> None:
    assert CAL.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


# One-off bank holidays: the Platinum Jubilee weekend (the spring bank holiday moved to
# Thu 2 Jun 2022), the Queen's State Funeral and the Coronation.


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2022, 6, 2), "Spring Bank Holiday"),
        (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of Charles III"),
    ],
)
def test_one_off_bank_holidays_of_2022_and_2023_are_not_working_days(day: date, name: str) -> None:
    assert not CAL.is_working_day(day)
    assert CAL.holiday_name(day) == name


def test_one_working_day_after_wed_1_jun_2022_is_mon_6_jun_after_the_jubilee() -> None:
    assert CAL.add_working_days(date(2022, 6, 1), 1) == date(2022, 6, 6)


def test_one_working_day_after_fri_16_sep_2022_is_tue_20_sep_after_the_state_funeral() -> None:
    assert CAL.add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_one_working_day_after_fri_5_may_2023_is_tue_9_may_after_the_coronation() -> None:
    assert CAL.add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)


# Day 0 and weekends.


def test_one_working_day_after_sat_21_nov_2026_is_mon_23_nov() -> None:
    assert CAL.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_one_working_day_after_sat_29_aug_2026_is_tue_1_sep_past_the_bank_holiday() -> None:
    assert CAL.add_working_days(date(2026, 8, 29), 1) == date(2026, 9, 1)


def test_one_working_day_before_sun_22_nov_2026_is_fri_20_nov() -> None:
    assert CAL.add_working_days(date(2026, 11, 22), -1) == date(2026, 11, 20)


@pytest.mark.parametrize("start", [date(2026, 11, 21), date(2026, 12, 25), date(2026, 12, 23)])
def test_adding_zero_working_days_returns_the_start_even_when_it_is_not_a_working_day(
    start: date,
) -> None:
    assert CAL.add_working_days(start, 0) == start


def test_the_next_working_day_on_or_after_christmas_day_2026_is_tue_29_dec() -> None:
    assert CAL.next_working_day_on_or_after(date(2026, 12, 25)) == date(2026, 12, 29)


def test_the_next_working_day_on_or_after_a_working_day_is_that_day() -> None:
    assert CAL.next_working_day_on_or_after(date(2026, 12, 24)) == date(2026, 12, 24)


# Counting working days.


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 12, 23), date(2027, 1, 4), 5),
        (date(2027, 3, 25), date(2027, 3, 30), 1),
        (date(2022, 6, 1), date(2022, 6, 6), 1),
        (date(2026, 11, 21), date(2026, 11, 23), 1),  # from a Saturday
        (date(2026, 11, 23), date(2026, 11, 28), 4),  # Tue to Fri; the Saturday adds none
        # 2027 has 261 weekdays, 8 of them bank holidays (two Christmas substitutes).
        (date(2026, 12, 31), date(2027, 12, 31), 253),
    ],
)
def test_working_days_between_counts_working_days_after_start_up_to_and_including_end(
    start: date, end: date, expected: int
) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_working_days_between_a_date_and_itself_is_zero() -> None:
    assert CAL.working_days_between(date(2026, 12, 25), date(2026, 12, 25)) == 0


def test_working_days_between_is_negative_when_end_is_before_start() -> None:
    assert CAL.working_days_between(date(2027, 1, 4), date(2026, 12, 23)) == -5


@settings(deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=400))
def test_working_days_between_undoes_adding_working_days(start: date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@settings(deadline=None)
@given(start=dates, n=st.integers(min_value=-400, max_value=-1))
def test_working_days_between_undoes_subtracting_working_days_from_a_working_day(
    start: date, n: int
) -> None:
    # Counting back covers (end, start]: start itself is counted, so it must be a working day.
    start = CAL.next_working_day_on_or_after(start)
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


def test_subtracting_from_a_non_working_day_counts_back_one_fewer_than_subtracted() -> None:
    # Sat 1 Jan 2000: Fri 31 Dec 1999 was the Millennium bank holiday, so one working day back
    # is Thu 30 Dec, and no working day lies in (30 Dec, 1 Jan].
    assert CAL.add_working_days(date(2000, 1, 1), -1) == date(1999, 12, 30)
    assert CAL.working_days_between(date(2000, 1, 1), date(1999, 12, 30)) == 0


@settings(deadline=None)
@given(start=dates, n=working_day_counts.filter(lambda n: n != 0))
def test_adding_a_nonzero_number_of_working_days_lands_on_a_working_day(
    start: date, n: int
) -> None:
    assert _is_working_day_by_definition(CAL.add_working_days(start, n))


@settings(deadline=None)
@given(start=dates, n=working_day_counts)
def test_adding_n_then_minus_n_working_days_returns_to_the_start_if_it_was_a_working_day(
    start: date, n: int
) -> None:
    start = CAL.next_working_day_on_or_after(start)
    assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start


@settings(deadline=None)
@given(
    start=dates,
    length=st.integers(min_value=-800, max_value=800),
    closures=st.frozensets(dates, max_size=20),
)
def test_working_days_between_matches_counting_day_by_day_from_the_holidays_package(
    start: date, length: int, closures: frozenset[date]
) -> None:
    end = start + timedelta(days=length)
    low, high = min(start, end), max(start, end)
    by_definition = sum(
        _is_working_day_by_definition(low + timedelta(days=i), closures)
        for i in range(1, (high - low).days + 1)
    )
    expected = by_definition if end >= start else -by_definition
    calendar = WorkingDayCalendar(extra_closures=closures)
    assert calendar.working_days_between(start, end) == expected


@settings(deadline=None)
@given(day=dates)
def test_is_working_day_agrees_with_the_holidays_package(day: date) -> None:
    assert CAL.is_working_day(day) == _is_working_day_by_definition(day)


@settings(deadline=None)
@given(day=dates)
def test_the_next_working_day_on_or_after_a_date_is_the_first_working_day_from_it(
    day: date,
) -> None:
    found = CAL.next_working_day_on_or_after(day)
    assert found >= day
    assert _is_working_day_by_definition(found)
    assert not any(
        _is_working_day_by_definition(day + timedelta(days=i)) for i in range((found - day).days)
    )


# Extra closures.


def test_an_extra_closure_is_not_a_working_day_and_has_no_holiday_name() -> None:
    calendar = WorkingDayCalendar(extra_closures=[date(2026, 12, 24)])
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.holiday_name(date(2026, 12, 24)) is None


def test_add_working_days_skips_an_extra_closure_on_christmas_eve_2026() -> None:
    calendar = WorkingDayCalendar(extra_closures=[date(2026, 12, 24)])
    assert calendar.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    assert calendar.working_days_between(date(2026, 12, 23), date(2026, 12, 29)) == 1


def test_extra_closures_on_one_calendar_do_not_affect_the_shared_calendar() -> None:
    WorkingDayCalendar(extra_closures=[date(2026, 12, 24)]).is_working_day(date(2026, 12, 24))
    assert CAL.is_working_day(date(2026, 12, 24))


def test_an_extra_closure_at_the_weekend_changes_nothing() -> None:
    calendar = WorkingDayCalendar(extra_closures=[date(2026, 11, 21)])
    assert calendar.working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1


# The shared instance and concurrent first use.


def test_england_and_wales_returns_one_shared_calendar() -> None:
    assert england_and_wales() is england_and_wales()


def test_threads_filling_a_fresh_calendar_at_once_all_see_the_bank_holidays() -> None:
    calendar = WorkingDayCalendar()
    days = [date(2026, 12, 23) + timedelta(days=i) for i in range(14)]
    expected = [_is_working_day_by_definition(d) for d in days]
    results: list[list[bool]] = []
    barrier = threading.Barrier(8)

    def check() -> None:
        barrier.wait()
        results.append([calendar.is_working_day(d) for d in days])

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8


# Calendar months, for the "6 calendar months" publication clock.


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2026, 7, 31), 6, date(2027, 1, 31)),  # across a year end, no clamping needed
        (date(2026, 6, 15), 6, date(2026, 12, 15)),  # lands in December
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 0, date(2026, 8, 31)),
        (date(2027, 2, 28), -6, date(2026, 8, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_calendar_months_keeps_the_day_of_month_or_clamps_to_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_calendar_months(start, months) == expected


def test_the_calendar_refuses_years_its_bank_holiday_data_does_not_cover() -> None:
    """Past 2100 every weekday would silently count as a working day."""
    # Fri 24 Dec 2100; Christmas and Boxing Day fall on the weekend: Mon 27 and Tue 28 off
    assert CAL.add_working_days(date(2100, 12, 24), 3) == date(2100, 12, 31)
    with pytest.raises(CalendarRangeError, match="covers 1872 to 2100, not 2101"):
        CAL.add_working_days(date(2100, 12, 30), 5)
    with pytest.raises(CalendarRangeError):
        CAL.working_days_between(date(2100, 1, 1), date(2101, 6, 1))


def test_a_partnerships_closure_days_make_a_calendar_of_its_own() -> None:
    lewisham = CAL.with_closures([date(2027, 1, 5)])
    assert lewisham.add_working_days(date(2027, 1, 4), 1) == date(2027, 1, 6)
    assert CAL.add_working_days(date(2027, 1, 4), 1) == date(2027, 1, 5)
    assert CAL.with_closures([]) is CAL
    assert lewisham.extra_closures == (date(2027, 1, 5),)
