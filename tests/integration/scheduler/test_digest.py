"""The daily digest: what is due this week, what is overdue, scoping forms outstanding per
agency -- by e-mail to each partnership's contacts, once a working day, no names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from application.acts import ReturnScoping
from application.outbox import Status
from application.service import Safeguarding
from domain.values import Contact
from entrypoints import bootstrap
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME, MOTHER_NAME, agency, ctx
from tests.support.receivers import SmtpReceiver
from tests.support.scenario import AGENCIES, decide_met, notify_and_scope, refer


def test_the_digest_lists_the_week_the_overdue_and_scoping_by_agency_once_a_working_day(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock, smtp: SmtpReceiver
) -> None:
    tracker = make_tracker(smtp_host="127.0.0.1", smtp_port=smtp.port)
    case_id = refer(tracker, clock)
    decide_met(tracker, clock, case_id)
    notify_and_scope(tracker, clock, case_id)  # scoping requested Mon 4 Jan, due Mon 11 Jan
    police = AGENCIES[1]
    clock.set_day(date(2027, 1, 7))
    tracker.execute(
        ctx(agency(police)),
        ReturnScoping(
            case_id=case_id,
            on=date(2027, 1, 7),
            agency=police,
            completed_by=Contact("Form Filler", police, "Safeguarding lead"),
            involvement=False,
            summary="Not known.",
            analysis="",
        ),
    )
    store = ReadStore(tracker.settings)
    projector = Projector(tracker, store, read_models(tracker))
    projector.setup()
    projector.catch_up()
    jobs = bootstrap.scheduler_jobs(tracker)
    try:
        clock.set_day(date(2027, 1, 12), time(7, 0))  # Tuesday
        assert jobs.send_digests() == 2  # LEW and BHR have contacts; BEX and HIL none
        assert jobs.send_digests() == 0  # once per partnership and day
        # the two digests, and the three scoping requests (each to the contact its request
        # gave: the shipped file names no agency contacts)
        assert jobs.deliver().sent == 5
        mails = {m.rcpt_tos: m for m in smtp.received()}
        lew = mails[("safeguarding-board@lewisham-partnership.example.org",)].message
        body = lew.get_content().replace("\r\n", "\n")
        assert str(lew["Subject"]).endswith("3 overdue, 1 due this week")
        # decided Wed 30 Dec and the referrer not yet told (due Thu 7 Jan)
        assert (
            "LEW-2026-0001: referrer informed of the outcome, due 2027-01-07, "
            "3 working days late" in body
        )
        # the two agencies that have not returned their forms are a day late
        for name in (AGENCIES[0], AGENCIES[2]):
            assert (
                f"LEW-2026-0001: scoping form returned ({name}), due 2027-01-11, "
                "1 working days late" in body
            )
        # the meeting (11 working days from 31 Dec: Mon 18 Jan) is due this week
        assert "LEW-2026-0001: rapid review meeting held, due 2027-01-18" in body
        assert f"- {AGENCIES[0]}: 1 outstanding, 1 overdue" in body
        assert f"- {police}:" not in body  # returned
        assert CHILD_NAME not in body
        assert MOTHER_NAME not in body
        bhr = mails[("business-unit@bhr-partnership.example.org",)].message.get_content()
        bhr = bhr.replace("\r\n", "\n")
        assert "Overdue (0):\n- none" in bhr

        clock.set_day(date(2027, 1, 16), time(7, 0))  # Saturday: no digest
        assert jobs.send_digests() == 0
        # every delivery sent, but the facts the shipped file names no recipients for
        # (the partners alerted, the strategic lead's recommendation): shown as unaddressed
        found = jobs.outbox.deliveries(partnerships=["LEW", "BHR"])
        assert {d.status for d in found if d.kind == "digest"} == {Status.SENT}
        assert {(d.status, d.channel) for d in found if d.status != Status.SENT} == {
            (Status.UNADDRESSED, "none")
        }
        assert len([d for d in found if d.status == Status.UNADDRESSED]) == 2
    finally:
        jobs.close()
        store.close()
