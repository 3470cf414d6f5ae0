"""The clock watch walks real days: the right reminders and breaches, each exactly once.

The case is referred on Wed 23 Dec 2026, so its clocks cross Christmas Day, the substitute
Boxing Day (Mon 28 Dec) and New Year's Day 2027; the watch runs twice a day, every day,
bank holidays included, for two weeks. The read models are kept current between runs (as
the projector does); one test runs the watch with no read models at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.acts import (
    AlertPartners,
    DecideCriteria,
    NotifyNationalPanel,
    RecommendCriteria,
    RecordPartnerDecision,
)
from application.service import Safeguarding
from application.watch import ClockWatch
from domain.base import AuditedAggregate
from domain.case import Case
from domain.errors import AlreadyRecordedError, InvalidValueError
from domain.notices import NoticeKind
from domain.values import Audit, Role, Source
from entrypoints import bootstrap
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from scheduler.jobs import SchedulerJobs
from tests.support.clock import FakeClock
from tests.support.people import ICB, LA, POLICE, ctx
from tests.support.scenario import refer

Walk = list[tuple[str, str, str, date]]  # (kind, clock, subject, effective date)


@pytest.fixture
def read_store(tracker: Safeguarding) -> Iterator[ReadStore]:
    rs = ReadStore(tracker.settings)
    yield rs
    rs.close()


@pytest.fixture
def project(tracker: Safeguarding, read_store: ReadStore) -> Callable[[], int]:
    p = Projector(tracker, read_store, read_models(tracker))
    p.setup()
    return p.catch_up


@pytest.fixture
def jobs(tracker: Safeguarding) -> Iterator[SchedulerJobs]:
    j = bootstrap.scheduler_jobs(tracker)
    yield j
    j.close()


def notices(tracker: Safeguarding, stream_id: UUID) -> Walk:
    return [
        (e.notice, e.clock, e.subject, e.on)
        for e in tracker.events.get(stream_id)
        if isinstance(e, AuditedAggregate.ClockNotice)
    ]


def act_on_the_case(tracker: Safeguarding, clock: FakeClock, case_id: UUID, day: date) -> None:
    """What partnership staff record that day (at 11:00, between the watch's two runs)."""
    clock.set_day(day, time(11, 0))
    if day == date(2026, 12, 29):  # five days late: the breach is already recorded
        tracker.execute(
            ctx(),
            AlertPartners(case_id=case_id, on=day, recipients=["local_authority", "police", "icb"]),
        )
        tracker.execute(
            ctx(),
            RecommendCriteria(
                case_id=case_id, on=day, recommendation="met", rationale="Serious harm."
            ),
        )
    if day == date(2026, 12, 31):
        for partner in (LA, POLICE, ICB):
            tracker.execute(
                ctx(partner),
                RecordPartnerDecision(
                    case_id=case_id,
                    on=day,
                    partner=partner.agency,
                    decision="met",
                    rationale="Agree.",
                ),
            )
    if day == date(2027, 1, 4):  # on its due day, after the reminder
        tracker.execute(
            ctx(), DecideCriteria(case_id=case_id, on=day, outcome="met", rationale="Agreed.")
        )
    if day == date(2027, 1, 5):  # a day late: after the morning's breach
        tracker.execute(
            ctx(),
            NotifyNationalPanel(
                case_id=case_id, on=day, notified_by="DCS", panel_reference="CSPRP-1"
            ),
        )


EXPECTED: Walk = [
    # partners alerted: due Thu 24 Dec (1 working day), reminded the day before
    ("reminder", "partners_alerted", "", date(2026, 12, 23)),
    # ...breached at the end of the 24th (recorded on the 25th, a bank holiday)
    ("breach", "partners_alerted", "", date(2026, 12, 25)),
    # criteria decision and Panel notification: 5 working days skip 25, 28 Dec and
    # 1 Jan, so both are due Mon 4 Jan; the reminder goes out on Thu 31 Dec
    ("reminder", "criteria_decision", "", date(2026, 12, 31)),
    ("reminder", "panel_notification", "", date(2026, 12, 31)),
    # the decision came on its due day (no breach); the notification did not
    ("breach", "panel_notification", "", date(2027, 1, 5)),
    # notified on 5 Jan: scoping requests are due in 2 working days (Thu 7 Jan)
    ("reminder", "scoping_sent", "", date(2027, 1, 6)),
]


def test_two_weeks_of_days_give_each_reminder_and_breach_once(
    tracker: Safeguarding, clock: FakeClock, jobs: SchedulerJobs, project: Callable[[], int]
) -> None:
    case_id = refer(tracker, clock)
    day = date(2026, 12, 23)
    while day <= date(2027, 1, 6):
        for hour, act in ((7, False), (11, True), (16, False)):
            if day == date(2026, 12, 23) and hour == 7:
                continue  # referred at 10:00 that day
            if act:
                act_on_the_case(tracker, clock, case_id, day)
                continue
            clock.set_day(day, time(hour, 0))
            project()
            jobs.watch_clocks()
        day += timedelta(days=1)
    assert notices(tracker, case_id) == EXPECTED
    # every notice is the scheduler's, in the audit
    for e in tracker.events.get(case_id):
        if isinstance(e, AuditedAggregate.ClockNotice):
            assert e.audit.source == Source.SCHEDULER.value
            assert e.audit.role == Role.SYSTEM.value
            assert e.audit.actor_id == "scheduler"
    # the read model knows what was recorded, so the next run looks at nothing
    project()
    clock.set_day(date(2027, 1, 6), time(20, 0))
    assert jobs.candidates() == []
    assert jobs.watch_clocks().recorded == []


def test_the_watch_needs_no_read_models_to_be_right(
    tracker: Safeguarding, clock: FakeClock, jobs: SchedulerJobs
) -> None:
    """With the projector never run, every stream in the log is looked at."""
    case_id = refer(tracker, clock)
    clock.set_day(date(2027, 1, 5), time(7, 0))
    report = jobs.watch_clocks()
    # the reminders' days passed while nobody watched: only the breaches are recorded
    assert notices(tracker, case_id) == [
        ("breach", "partners_alerted", "", date(2026, 12, 25)),
        # the strategic lead's recommendation was due Mon 4 Jan too
        ("breach", "criteria_recommendation", "", date(2027, 1, 5)),
        ("breach", "criteria_decision", "", date(2027, 1, 5)),
        ("breach", "panel_notification", "", date(2027, 1, 5)),
    ]
    assert report.count(NoticeKind.BREACH) == 4
    assert jobs.watch_clocks().recorded == []


def test_two_watchers_at_once_record_each_notice_once(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    """Two scheduler processes (two trackers on one store) watching the same cases at the
    same moment: the store's version check makes the loser decide again, on a stream
    that now holds the notice."""
    first, second = make_tracker(), make_tracker()
    case_ids = [refer(first, clock) for _ in range(6)]
    clock.set_day(date(2027, 1, 5), time(7, 0))
    watches = [ClockWatch(first), ClockWatch(second)]
    barrier = threading.Barrier(2)
    reports: list[Any] = []

    def watch(w: ClockWatch) -> None:
        barrier.wait()
        reports.append(w.run(case_ids))

    threads = [threading.Thread(target=watch, args=(w,)) for w in watches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for case_id in case_ids:
        assert len(notices(first, case_id)) == 4  # four breaches, none twice
    assert sum(len(r.recorded) for r in reports) == 24


def test_the_case_refuses_a_second_notice_and_a_notice_from_anyone_but_the_scheduler(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = refer(tracker, clock)
    case: Case = tracker.latest(case_id)
    audit = Audit(
        actor_id="scheduler",
        role=Role.SYSTEM.value,
        recorded_at=clock(),
        source=Source.SCHEDULER.value,
    )
    facts: dict[str, Any] = {
        "clock": "partners_alerted",
        "subject": "",
        "started_on": date(2026, 12, 23),
        "due_on": date(2026, 12, 24),
    }
    case.issue_reminder(audit=audit, on=date(2026, 12, 23), **facts)
    with pytest.raises(AlreadyRecordedError):
        case.issue_reminder(audit=audit, on=date(2026, 12, 23), **facts)
    staff = Audit(actor_id="staff-1", role=Role.PARTNERSHIP.value, recorded_at=clock())
    with pytest.raises(InvalidValueError):
        case.record_breach(audit=staff, **facts)
