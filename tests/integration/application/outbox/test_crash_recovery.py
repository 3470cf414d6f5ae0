"""A collector or sender that dies part-way leaves nothing half done: another process takes
over, and a message accepted but not recorded goes once more, with the same id."""

from __future__ import annotations

from typing import Any

import pytest

from application.outbox import Outbox, OutgoingEmail, OutgoingWebhook
from scheduler.delivery import DeliveryTransports, default_transports
from tests.integration.application.outbox.helpers import (
    BOARD,
    MakeApp,
    drain,
    partners_alerted_reminder,
)
from tests.support.clock import FakeClock
from tests.support.receivers import SmtpReceiver


def test_a_collector_that_dies_before_its_commit_leaves_nothing_half_done(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    partners_alerted_reminder(app, clock)
    dying = Outbox(app)
    calls = 0

    def insert_then_die(*args: Any) -> bool:
        nonlocal calls
        calls += 1
        raise RuntimeError("the process died")

    monkeypatch.setattr(dying, "_insert", insert_then_die)
    with pytest.raises(RuntimeError):
        dying.collect()
    assert calls == 1
    survivor = Outbox(make_app())
    assert survivor.position() == 0
    assert survivor.deliveries(partnerships=["LEW"]) == []
    assert survivor.collect() == 2  # the referral and its reminder
    assert survivor.collect() == 0
    assert survivor.position() == app.recorder.max_notification_id()
    transports = default_transports(app.settings)
    survivor.deliver_due(transports)
    transports.close()
    assert [m.rcpt_tos for m in smtp.received()] == [(BOARD,)]


def test_collected_but_never_sent_it_goes_out_once_from_another_process(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver
) -> None:
    app = make_app()
    partners_alerted_reminder(app, clock)
    assert Outbox(app).collect() == 2  # ...and that process dies before sending
    app.close()
    survivor = Outbox(make_app())
    assert survivor.collect() == 0  # its position is the outbox's, in the database
    transports = default_transports(survivor.app.settings)
    report = survivor.deliver_due(transports)
    assert (report.sent, report.failed, report.waiting) == (1, 0, 0)
    drain(survivor, transports)
    transports.close()
    assert len(smtp.received()) == 1


class Died(BaseException):
    """The sending process stops dead (nothing below it gets to record anything)."""


class Dying:
    """Transports whose process dies before handing the message over, or just after the
    receiver accepted it."""

    def __init__(self, real: DeliveryTransports, *, after_sending: bool) -> None:
        self.real = real
        self.after_sending = after_sending

    def send_email(self, email: OutgoingEmail) -> None:
        if self.after_sending:
            self.real.send_email(email)
        raise Died

    def send_webhook(self, webhook: OutgoingWebhook) -> None:
        if self.after_sending:
            self.real.send_webhook(webhook)
        raise Died


def test_a_sender_that_dies_mid_send_is_taken_over_when_its_lease_runs_out(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver, transports: DeliveryTransports
) -> None:
    app = make_app()
    partners_alerted_reminder(app, clock)
    first = Outbox(app)
    first.collect()
    with pytest.raises(Died):
        first.deliver_due(Dying(transports, after_sending=False))
    [claimed] = first.deliveries(partnerships=["LEW"])
    assert (claimed.status, claimed.attempts) == ("sending", 1)

    second = Outbox(make_app())
    assert second.deliver_due(transports).sent == 0  # claimed, and the lease still runs
    assert smtp.received() == []
    clock.advance(seconds=second.lease.total_seconds() + 1)
    assert second.deliver_due(transports).sent == 1
    [sent] = second.deliveries(partnerships=["LEW"])
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert sent.last_error == "the previous attempt did not finish (its sender stopped)"
    drain(second, transports)
    assert len(smtp.received()) == 1


def test_the_one_window_for_a_repeat_carries_the_same_message_id(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver, transports: DeliveryTransports
) -> None:
    """Accepted by the receiver, then the sender died before recording it: the message
    goes again after the lease, with the same Message-ID, for the receiver to drop."""
    app = make_app()
    partners_alerted_reminder(app, clock)
    first = Outbox(app)
    first.collect()
    with pytest.raises(Died):
        first.deliver_due(Dying(transports, after_sending=True))
    clock.advance(seconds=first.lease.total_seconds() + 1)
    Outbox(make_app()).deliver_due(transports)
    mails = smtp.received()
    assert len(mails) == 2
    assert mails[0].message["Message-ID"] == mails[1].message["Message-ID"]
