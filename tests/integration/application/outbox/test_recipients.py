"""Who hears of what: a notice nobody is configured to hear of, and the daily digest to
each partnership contact."""

from __future__ import annotations

from datetime import date, timedelta

from application.outbox import Outbox
from scheduler.delivery import default_transports
from tests.integration.application.outbox.helpers import (
    BOARD,
    MakeApp,
    drain,
    partners_alerted_reminder,
    with_lew,
)
from tests.support.clock import FakeClock
from tests.support.receivers import SmtpReceiver


def test_a_notice_nobody_hears_of_is_recorded_as_unaddressed(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver
) -> None:
    app = make_app(partnerships=with_lew((), {}))
    partners_alerted_reminder(app, clock)
    outbox = Outbox(app)
    transports = default_transports(app.settings)
    drain(outbox, transports)
    transports.close()
    [d] = outbox.deliveries(partnerships=["LEW"])
    assert (d.status, d.channel, d.reference) == ("unaddressed", "none", "LEW-2026-0001")
    assert "no contact or webhook subscription is configured for LEW" in d.last_error
    assert outbox.backlog()["unaddressed"] == 1
    assert smtp.received() == []


def test_the_daily_digest_goes_to_each_partnership_contact_once_a_day(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver
) -> None:
    app = make_app(partnerships=with_lew((BOARD, "lead@example.org"), {}))
    outbox = Outbox(app)
    day = date(2026, 12, 23)

    def digest(on: date) -> int:
        return outbox.enqueue_digest(partnership="LEW", day=on, subject="Today", body="Due.\n")

    assert digest(day) == 2
    assert digest(day) == 0
    assert digest(day + timedelta(days=1)) == 2
    assert outbox.enqueue_digest(partnership="BEX", day=day, subject="x", body="y") == 0
    transports = default_transports(app.settings)
    drain(outbox, transports)
    transports.close()
    got = sorted((m.rcpt_tos[0], m.message["Subject"]) for m in smtp.received())
    assert got == sorted(
        [(BOARD, "Today"), ("lead@example.org", "Today")] * 2,
    )
