"""While a receiver is down (or SMTP not configured) its messages wait visibly and are
retried with backoff, one trying for all; when it returns it gets each message once."""

from __future__ import annotations

from datetime import date, timedelta

from application.outbox import Outbox
from application.service import Safeguarding
from scheduler.delivery import DeliveryTransports, default_transports
from tests.integration.application.outbox.helpers import (
    NOTICES,
    POLICE_AGENCY,
    MakeApp,
    by_channel,
    drain,
    partners_alerted_reminder,
    remind,
    signed_by,
)
from tests.support.clock import FakeClock
from tests.support.people import STAFF
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.scenario import refer


def test_a_receiver_down_for_an_hour_gets_every_message_when_it_returns_and_none_twice(
    app: Safeguarding,
    clock: FakeClock,
    smtp: SmtpReceiver,
    hooks: WebhookReceiver,
    transports: DeliveryTransports,
) -> None:
    outbox = Outbox(app)
    _, secret = outbox.webhooks.subscribe(STAFF, hooks.url + "/notices", event_types=NOTICES)
    other = WebhookReceiver().start()  # another system, up all along
    outbox.webhooks.subscribe(POLICE_AGENCY, other.url + "/police", event_types=NOTICES)
    outbox.webhooks.subscribe(STAFF, other.url + "/board", event_types=NOTICES)
    hooks.stop()
    partners_alerted_reminder(app, clock)
    remind(
        app,
        clock,
        refer(app, clock),
        "partners_alerted",
        started_on=date(2026, 12, 23),
        due_on=date(2026, 12, 24),
    )
    outbox.collect()
    down = [d for d in by_channel(outbox, "webhook") if d.recipient.endswith("/notices")]
    tried, waiting = down  # the older is tried; the other waits with it

    gaps: list[float] = []
    seen_attempts = 0
    for _ in range(60):  # an hour, a run a minute
        outbox.deliver_due(transports)
        now = {d.id: d for d in by_channel(outbox, "webhook")}
        first, second = now[tried.id], now[waiting.id]
        assert (first.status, first.failing) == ("pending", True)
        assert first.last_error == "could not reach the receiver (ConnectError)"
        assert (second.status, second.failing, second.attempts) == ("pending", True, 0)
        assert second.last_error == (
            f"not tried: could not reach the receiver (ConnectError) (on delivery {tried.id} "
            "to the same receiver)"
        )
        assert second.next_attempt_at > first.next_attempt_at
        if first.attempts > seen_attempts:
            seen_attempts = first.attempts
            assert first.last_attempt_at is not None
            gaps.append((first.next_attempt_at - first.last_attempt_at).total_seconds())
        clock.advance(minutes=1)
    # tried at 0, 1, 2, 4, 8, 16, 31 and 46 minutes: doubling from 30 s, at most 15 min
    assert gaps == [30, 60, 120, 240, 480, 900, 900, 900]
    assert seen_attempts == 8
    assert outbox.backlog()["failing"] == 2
    assert [d.id for d in outbox.deliveries(partnerships=["LEW"], status="failing")] == [
        tried.id,
        waiting.id,
    ]
    # the receivers that were up had everything at once
    assert all(d.status == "sent" for d in by_channel(outbox, "email"))
    assert len(smtp.received()) == 2
    assert sorted(r.path for r in other.received()) == ["/board", "/board"]
    other.stop()

    hooks.start()  # back, on the same port
    assert hooks.url.endswith(str(hooks.port))
    clock.advance(minutes=15)
    report = outbox.deliver_due(transports)
    assert (report.sent, report.failed, report.waiting) == (2, 0, 0)
    for _ in range(5):
        clock.advance(minutes=20)
        drain(outbox, transports)
    requests = hooks.received()
    assert len(requests) == 2
    assert len({r.headers["x-tracker-delivery"] for r in requests}) == 2
    assert all(signed_by(secret, r.headers, r.body) for r in requests)
    after = {d.id: d for d in by_channel(outbox, "webhook")}
    assert (after[tried.id].status, after[tried.id].attempts) == ("sent", 9)
    assert (after[waiting.id].status, after[waiting.id].attempts) == ("sent", 1)
    assert outbox.backlog()["failing"] == 0


def test_while_the_smtp_server_is_down_one_message_tries_for_all(
    app: Safeguarding, clock: FakeClock, smtp: SmtpReceiver, transports: DeliveryTransports
) -> None:
    smtp.stop()
    for _ in range(3):
        partners_alerted_reminder(app, clock)
    outbox = Outbox(app)
    outbox.collect()
    report = outbox.deliver_due(transports)
    assert (report.sent, report.failed, report.waiting) == (0, 1, 3)
    mails = outbox.deliveries(partnerships=["LEW"])
    assert [d.attempts for d in mails] == [1, 0, 0]
    assert mails[0].last_error == "the SMTP server was not reached (ConnectionRefusedError)"
    assert all(d.last_error.startswith("not tried: the SMTP server") for d in mails[1:])
    smtp.start()
    clock.advance(seconds=31)
    assert outbox.deliver_due(transports).sent == 3
    assert len(smtp.received()) == 3


def test_mail_waits_visibly_while_smtp_is_not_configured_and_goes_once_it_is(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver
) -> None:
    app = make_app(smtp_host="")
    partners_alerted_reminder(app, clock)
    outbox = Outbox(app)
    unconfigured = default_transports(app.settings)
    drain(outbox, unconfigured, runs=1)
    for _ in range(24):  # a day
        clock.advance(hours=1)
        outbox.deliver_due(unconfigured)
    [d] = outbox.deliveries(partnerships=["LEW"])
    assert (d.status, d.failing, d.attempts) == ("pending", True, 25)
    assert d.last_error == "SMTP is not configured (TRACKER_SMTP_HOST is empty)"
    assert d.first_failed_at is not None
    assert clock() - d.first_failed_at == timedelta(hours=24)
    assert outbox.backlog() == {
        "pending": 1,
        "sending": 0,
        "sent": 0,
        "cancelled": 0,
        "unaddressed": 0,
        "failing": 1,
    }

    configured = make_app()  # the operator sets TRACKER_SMTP_HOST and restarts
    clock.advance(minutes=15)
    fixed = Outbox(configured)
    transports = default_transports(configured.settings)
    assert fixed.deliver_due(transports).sent == 1
    drain(fixed, transports)
    transports.close()
    assert len(smtp.received()) == 1


def test_a_webhook_answering_an_error_is_retried_until_it_answers_2xx(
    app: Safeguarding, clock: FakeClock, hooks: WebhookReceiver, transports: DeliveryTransports
) -> None:
    outbox = Outbox(app)
    outbox.webhooks.subscribe(STAFF, hooks.url, event_types=NOTICES)
    partners_alerted_reminder(app, clock)
    hooks.status = 503
    drain(outbox, transports, runs=1)
    [d] = by_channel(outbox, "webhook")
    assert (d.status, d.attempts, d.last_error) == (
        "pending",
        1,
        "the receiver answered HTTP 503",
    )
    hooks.status = 200
    clock.advance(seconds=31)
    drain(outbox, transports)
    assert [r.headers["x-tracker-delivery"] for r in hooks.received()] == [d.message_id] * 2
