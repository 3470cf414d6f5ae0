"""The statutory clocks on real dates, from the domain alone (no storage)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.calendar import england_and_wales
from domain.case import Case
from domain.clocks import (
    Clock,
    ClockStatus,
    case_clocks,
    publication_due_on,
    review_clocks,
)
from domain.notices import notices_due
from domain.review import Review
from domain.timescales import Timescales
from domain.values import Incident
from tests.support.people import (
    QUORATE,
    audit_on,
    new_serious_incident,
    referral_details,
)

CAL = england_and_wales()


def referred(
    on: date, aware_on: date | None = None, looked_after: bool = False, death: bool = False
) -> Case:
    return new_serious_incident(
        on,
        aware_on=aware_on,
        details=referral_details(looked_after=looked_after),
        incident=Incident(kind="death", occurred_on=on) if death else None,
    )


def clocks(case: Case, today: date, t: Timescales | None = None) -> dict[str, Clock]:
    return {c.key: c for c in case_clocks(case, today, t or Timescales(), CAL)}


def test_a_referral_on_wed_23_dec_2026_must_alert_partners_by_thu_24_dec() -> None:
    case = referred(date(2026, 12, 23))
    alert = clocks(case, date(2026, 12, 23))["partners_alerted"]
    assert alert.due_on == date(2026, 12, 24)
    assert alert.status is ClockStatus.PENDING


def test_the_criteria_decision_and_notification_are_due_mon_4_jan_2027_across_christmas() -> None:
    case = referred(date(2026, 12, 23))
    c = clocks(case, date(2026, 12, 23))
    assert c["criteria_decision"].due_on == date(2027, 1, 4)
    assert c["panel_notification"].due_on == date(2027, 1, 4)


def test_a_clock_is_pending_on_its_due_day_and_breached_the_day_after() -> None:
    case = referred(date(2026, 12, 23))
    assert clocks(case, date(2026, 12, 24))["partners_alerted"].status is ClockStatus.PENDING
    after = clocks(case, date(2026, 12, 29))["partners_alerted"]
    assert after.status is ClockStatus.BREACHED
    assert after.working_days_late == 1  # Tue 29 Dec


def test_an_act_after_the_due_day_is_met_late_by_working_days() -> None:
    case = referred(date(2026, 12, 23))
    case.alert_partners(
        audit=audit_on(date(2026, 12, 30)), on=date(2026, 12, 30), recipients=["police"]
    )
    alert = clocks(case, date(2027, 1, 5))["partners_alerted"]
    assert alert.status is ClockStatus.MET_LATE
    assert alert.working_days_late == 2  # 29 and 30 Dec


def test_notification_runs_from_when_the_local_authority_became_aware() -> None:
    case = referred(date(2027, 3, 30), aware_on=date(2027, 3, 24))
    # 5 working days after Wed 24 Mar 2027, skipping Good Friday 26 and Easter Monday 29
    assert clocks(case, date(2027, 3, 30))["panel_notification"].due_on == date(2027, 4, 2)


def walk_to_notified(on: date) -> Case:
    case = referred(on)
    a = audit_on(on)
    for partner in ("local_authority", "police", "icb"):
        case.record_partner_decision(audit=a, on=on, partner=partner, decision="met", rationale="-")
    case.decide_criteria(audit=a, on=on, outcome="met", rationale="-")
    case.notify_national_panel(audit=a, on=on, notified_by="DCS")
    return case


def test_rapid_review_clocks_run_from_the_notification_with_hillingdons_longer_meeting_target() -> (
    None
):
    case = walk_to_notified(date(2027, 3, 24))  # Wednesday before Easter 2027
    statutory = clocks(case, date(2027, 3, 24))
    assert statutory["scoping_sent"].due_on == date(2027, 3, 30)
    # 11 working days: 25 Mar, (Easter) 30, 31 Mar, 1, 2, 5, 6, 7, 8, 9, 12 Apr
    assert statutory["rapid_review_meeting"].due_on == date(2027, 4, 12)
    assert statutory["rapid_review_meeting"].window_opens_on == date(2027, 4, 8)
    assert statutory["rapid_review_submission"].due_on == date(2027, 4, 16)

    hillingdon = Timescales(rapid_review_meeting_window_opens=12, rapid_review_meeting=13)
    local = clocks(case, date(2027, 3, 24), hillingdon)
    assert local["rapid_review_meeting"].due_on == date(2027, 4, 14)


def test_report_approval_stops_when_the_third_partner_approves() -> None:
    on = date(2027, 1, 4)
    case = walk_to_notified(on)
    a = audit_on(date(2027, 1, 14))
    case.start_rapid_review(audit=audit_on(on), on=on, meeting_on=date(2027, 1, 14))
    case.hold_meeting(
        audit=a,
        on=date(2027, 1, 14),
        format="video",
        participants=QUORATE,
        immediate_action_taken=True,
        immediate_action_details="",
        criteria=[],
        discussion="",
        nature_of_harm="",
        legal_advice_sought=False,
        recommendation="h_no_further_action",
        rationale="-",
    )
    late = audit_on(date(2027, 1, 20))
    for p in ("local_authority", "police", "icb"):
        case.approve_report(audit=late, on=date(2027, 1, 20), partner=p, approver="x")
    approval = clocks(case, date(2027, 1, 20))["report_approval"]
    assert approval.due_on == date(2027, 1, 18)
    assert approval.status is ClockStatus.MET_LATE
    assert approval.working_days_late == 2


def decided_not_met(case: Case, on: date) -> Case:
    a = audit_on(on)
    for partner in ("local_authority", "police", "icb"):
        case.record_partner_decision(
            audit=a, on=on, partner=partner, decision="not_met", rationale="-"
        )
    case.decide_criteria(audit=a, on=on, outcome="not_met", rationale="-")
    return case


def test_criteria_not_met_cancels_the_notification_clock() -> None:
    case = decided_not_met(referred(date(2027, 1, 4)), date(2027, 1, 4))
    assert clocks(case, date(2027, 2, 1))["panel_notification"].status is ClockStatus.CANCELLED


def test_a_looked_after_childs_death_is_notified_even_when_criteria_are_not_met() -> None:
    case = referred(date(2027, 1, 4), looked_after=True, death=True)
    decided_not_met(case, date(2027, 1, 4))
    notification = clocks(case, date(2027, 2, 1))["panel_notification"]
    assert notification.status is ClockStatus.BREACHED
    case.notify_national_panel(
        audit=audit_on(date(2027, 1, 5)), on=date(2027, 1, 5), notified_by="DCS"
    )
    assert clocks(case, date(2027, 2, 1))["panel_notification"].status is ClockStatus.MET


def test_closing_a_case_cancels_clocks_not_yet_due_and_keeps_breaches() -> None:
    case = referred(date(2027, 1, 4))
    case.close_case(audit=audit_on(date(2027, 1, 6)), on=date(2027, 1, 6), reason="Duplicate")
    c = clocks(case, date(2027, 2, 1))
    assert c["partners_alerted"].status is ClockStatus.BREACHED  # due 5 Jan
    assert c["criteria_decision"].status is ClockStatus.CANCELLED  # due 11 Jan


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (date(2026, 1, 10), date(2026, 1, 15)),  # the first meeting
        (date(2026, 1, 15), date(2026, 2, 26)),  # a referral on meeting day waits for the next
        (date(2026, 3, 1), date(2026, 4, 9)),
    ],
)
def test_bexleys_group_meets_every_six_weeks(received: date, expected: date) -> None:
    bexley = Timescales(
        learning_group_every_weeks=6, learning_group_first_meeting=date(2026, 1, 15)
    )
    assert bexley.next_learning_group_meeting(received, CAL) == expected


def test_publication_is_due_six_calendar_months_on_paused_while_deferred() -> None:
    on = date(2026, 8, 31)
    review = Review.commission_review(
        id=uuid4(),
        audit=audit_on(on),
        reference="LEW-R-2026-0001",
        partnership="LEW",
        review_type="local_cspr",
        case_ids=[],
        theme="Neglect",
        on=on,
    )
    t = Timescales()
    assert publication_due_on(review, date(2026, 9, 1), t) == date(2027, 2, 28)
    review.defer_publication(
        audit=audit_on(date(2026, 10, 1)), on=date(2026, 10, 1), reason="Trial"
    )
    # still deferred on 11 Oct: ten days paused so far
    assert publication_due_on(review, date(2026, 10, 11), t) == date(2027, 3, 10)
    [clock] = review_clocks(review, date(2026, 10, 11), t, CAL)
    assert clock.status is ClockStatus.PENDING


# --- what the scheduler records (notices_due) ---------------------------------------


def due_notices(case: Case, today: date, days_before: int = 1) -> list[tuple[str, str]]:
    found = notices_due(
        case_clocks(case, today, Timescales(), CAL),
        case.clock_notices,
        today,
        CAL,
        remind_working_days_before=days_before,
    )
    return [(n.kind.value, n.clock.name.value) for n in found]


def test_a_reminder_is_due_one_working_day_before_across_new_year() -> None:
    case = referred(date(2026, 12, 23))
    # partners alerted is due Thu 24 Dec: reminded on the day of referral
    assert due_notices(case, date(2026, 12, 23)) == [("reminder", "partners_alerted")]
    # the decision and notification are due Mon 4 Jan 2027: the working day before is
    # Thu 31 Dec (New Year's Day and the weekend are not working days)
    assert ("reminder", "criteria_decision") not in due_notices(case, date(2026, 12, 30))
    assert ("reminder", "criteria_decision") in due_notices(case, date(2026, 12, 31))
    assert ("reminder", "panel_notification") in due_notices(case, date(2027, 1, 2))


def test_more_working_days_of_warning_are_configurable() -> None:
    case = referred(date(2026, 12, 23))
    # three working days before Mon 4 Jan 2027: Tue 29 Dec (25 and 28 Dec are holidays)
    assert ("reminder", "criteria_decision") not in due_notices(case, date(2026, 12, 24), 3)
    assert ("reminder", "criteria_decision") in due_notices(case, date(2026, 12, 29), 3)


def test_a_breach_is_due_the_day_after_the_due_day_and_replaces_a_missed_reminder() -> None:
    case = referred(date(2026, 12, 23))
    assert due_notices(case, date(2026, 12, 24)) == [("reminder", "partners_alerted")]
    assert due_notices(case, date(2026, 12, 25)) == [("breach", "partners_alerted")]


def test_an_easter_2027_due_day_skips_good_friday_and_easter_monday() -> None:
    # referred Wed 24 Mar 2027: five working days skip Good Friday 26 Mar and Easter
    # Monday 29 Mar, so the decision is due Fri 2 Apr and reminded on Thu 1 Apr
    case = referred(date(2027, 3, 24))
    assert clocks(case, date(2027, 3, 24))["criteria_decision"].due_on == date(2027, 4, 2)
    assert ("reminder", "criteria_decision") not in due_notices(case, date(2027, 3, 31))
    assert ("reminder", "criteria_decision") in due_notices(case, date(2027, 4, 1))
    assert ("reminder", "criteria_decision") in due_notices(case, date(2027, 4, 2))
    assert ("breach", "criteria_decision") in due_notices(case, date(2027, 4, 3))
