"""The outbox: every reminder and breach reaches people and systems, once, and waits while a
receiver is down.

Notices are appended as the scheduler appends them (the aggregate's own ``issue_reminder``
and ``record_breach`` with a scheduler audit); e-mail goes through the real SMTP transport
to an aiosmtpd server on loopback, webhooks through the real HTTP transport to an HTTP
server on loopback that the tests take down and bring back. Time is the fake clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.routes.outbox import StatusFilter
from application.acts import AgreeAction, CommissionReview
from application.config import Partnerships, load_partnerships
from application.context import Principal
from application.errors import IdempotencyKeyReusedError, NotFoundError, NotPermittedError
from application.keys import issue_key
from application.outbox import STATUS_FILTERS, Delivery, Outbox, OutgoingEmail, OutgoingWebhook
from application.service import Safeguarding
from application.settings import Settings
from application.webhooks import InvalidWebhookUrlError
from domain.values import Audit, Role, Source
from entrypoints import bootstrap
from scheduler.delivery import DeliveryTransports, default_transports, verify_signature
from tests.conftest import TEST_KEY
from tests.e2e.conftest import PRINCIPALS
from tests.support.clock import FakeClock
from tests.support.people import (
    ANALYST,
    CHILD_NAME,
    HIL_STAFF,
    MOTHER_NAME,
    SCRUTINEER,
    STAFF,
    agency,
    ctx,
)
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.scenario import decide_met, notify_and_scope, refer

BOARD = "board@example.org"
POLICE_LEAD = "police-lead@example.org"
MET = "Metropolitan Police"
SLAM = "SLaM NHS Trust"
POLICE_AGENCY = agency(MET)
# what the scenario's referral holds that must never leave in a message
PERSONAL = (
    CHILD_NAME,
    MOTHER_NAME,
    "Quillon",
    "Marchbanks",
    "Imaginary Row",
    "943 476 5919",
    "Ada Referrer",
    "Dee Lead",
    "unexplained injuries",
    "grandmother",
)


# ---------------------------------------------------------------------- fixtures


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def with_lew(
    contacts: tuple[str, ...], agency_contacts: dict[str, tuple[str, ...]]
) -> Partnerships:
    shipped = load_partnerships(Settings(_env_file=None).partnerships_file)
    lew = dataclasses.replace(
        shipped.get("LEW"), contacts=contacts, agency_contacts=agency_contacts
    )
    return Partnerships({**shipped.by_code, "LEW": lew})


MakeApp = Callable[..., Safeguarding]


@pytest.fixture
def make_app(
    make_settings: Callable[..., Settings], clock: FakeClock, smtp: SmtpReceiver
) -> Iterator[MakeApp]:
    """Trackers on this test's store (several, like processes), sending to the loopback
    SMTP server; LEW's contacts are the board, and the police lead for the police."""
    made: list[Safeguarding] = []

    def make(partnerships: Partnerships | None = None, **overrides: Any) -> Safeguarding:
        values: dict[str, Any] = {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_from": "tracker@example.org",
            "public_url": "https://tracker.example.org",
            "outbox_retry_base_seconds": 30,
            "outbox_retry_max_seconds": 900,
            **overrides,
        }
        app = Safeguarding(
            make_settings(**values),
            partnerships=partnerships or with_lew((BOARD,), {MET: (POLICE_LEAD,)}),
            clock=clock,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


@pytest.fixture
def app(make_app: MakeApp) -> Safeguarding:
    return make_app()


@pytest.fixture
def transports(app: Safeguarding) -> Iterator[DeliveryTransports]:
    t = default_transports(app.settings)
    yield t
    t.close()


def scheduler_audit(clock: FakeClock) -> Audit:
    return Audit(
        actor_id="scheduler",
        role=Role.SYSTEM.value,
        recorded_at=clock(),
        source=Source.SCHEDULER.value,
        partnership="LEW",
    )


def remind(
    app: Safeguarding,
    clock: FakeClock,
    stream_id: UUID,
    name: str,
    *,
    started_on: date,
    due_on: date,
    subject: str = "",
) -> None:
    """What the scheduler does for a clock due soon."""
    agg: Any = app.repository.get(stream_id)
    agg.issue_reminder(
        audit=scheduler_audit(clock),
        on=app.today(),
        clock=name,
        subject=subject,
        started_on=started_on,
        due_on=due_on,
    )
    app.save(agg)


def breach(
    app: Safeguarding,
    clock: FakeClock,
    stream_id: UUID,
    name: str,
    *,
    started_on: date,
    due_on: date,
    subject: str = "",
) -> None:
    """What the scheduler does for a clock past its due day."""
    agg: Any = app.repository.get(stream_id)
    agg.record_breach(
        audit=scheduler_audit(clock),
        clock=name,
        subject=subject,
        started_on=started_on,
        due_on=due_on,
    )
    app.save(agg)


def partners_alerted_reminder(app: Safeguarding, clock: FakeClock) -> UUID:
    """A referral on Wed 23 Dec 2026, reminded the same day that partners are due to be
    alerted by the end of Thu 24 Dec."""
    case_id = refer(app, clock)
    remind(
        app,
        clock,
        case_id,
        "partners_alerted",
        started_on=date(2026, 12, 23),
        due_on=date(2026, 12, 24),
    )
    return case_id


def three_notices(app: Safeguarding, clock: FakeClock) -> tuple[UUID, UUID]:
    """The partnership's own clock (reminder), the police's scoping form (breach) and an
    action owned by the trust (reminder)."""
    case_id = partners_alerted_reminder(app, clock)
    decide_met(app, clock, case_id)
    notify_and_scope(app, clock, case_id)  # scoping asked on Mon 4 Jan, due Mon 11 Jan
    clock.set_day(date(2027, 1, 13))
    breach(
        app,
        clock,
        case_id,
        "scoping_returned",
        subject=MET,
        started_on=date(2027, 1, 4),
        due_on=date(2027, 1, 11),
    )
    review_id = app.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 1, 13), case_ids=[case_id]
        ),
    ).id
    app.execute(
        ctx(),
        AgreeAction(
            review_id=review_id,
            on=date(2027, 1, 13),
            description="Audit the referral pathway",
            owner_agency=SLAM,
            due_on=date(2027, 3, 1),
        ),
    )
    remind(
        app,
        clock,
        review_id,
        "action_due",
        subject="A1",
        started_on=date(2027, 1, 13),
        due_on=date(2027, 3, 1),
    )
    return case_id, review_id


def drain(outbox: Outbox, transports: Any, runs: int = 3) -> None:
    for _ in range(runs):
        while outbox.collect():
            pass
        outbox.deliver_due(transports)


def by_channel(outbox: Outbox, channel: str) -> list[Delivery]:
    return [d for d in outbox.deliveries(partnerships=["LEW"], limit=500) if d.channel == channel]


def signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, written from the documentation (not the tracker's helper)."""
    fields = dict(part.split("=", 1) for part in headers["x-tracker-signature"].split(","))
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields["v1"])


def assert_no_personal_data(text: str) -> None:
    for name in PERSONAL:
        assert name not in text, name


# ---------------------------------------------------------------------- delivery, once


def test_each_notice_reaches_its_people_and_systems_exactly_once_without_names(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver, hooks: WebhookReceiver
) -> None:
    app, other = make_app(), make_app()  # two processes on one store
    outboxes = [Outbox(app), Outbox(other)]
    subs = outboxes[0].webhooks
    every, every_secret = subs.subscribe(STAFF, hooks.url + "/every")
    police, police_secret = subs.subscribe(POLICE_AGENCY, hooks.url + "/police")
    trust, trust_secret = subs.subscribe(STAFF, hooks.url + "/trust", SLAM)
    hil, _ = subs.subscribe(HIL_STAFF, hooks.url + "/hil")
    assert (police.agency, trust.agency, every.agency) == (MET, SLAM, "")
    secrets_by_path = {"/every": every_secret, "/police": police_secret, "/trust": trust_secret}

    case_id, review_id = three_notices(app, clock)

    # both processes collect and deliver, again and again, at the same time
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(outbox: Outbox) -> None:
        transports = default_transports(outbox.tracker.settings)
        try:
            start.wait()
            for _ in range(6):
                outbox.collect(limit=1)
                outbox.deliver_due(transports, limit=2)
        except BaseException as e:
            failures.append(e)
        finally:
            transports.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in outboxes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    for o in outboxes:
        again = default_transports(app.settings)
        drain(o, again)
        again.close()

    # e-mail: the board hears of everything, the police lead of the police's own clock
    mails = smtp.received()
    got = sorted((m.rcpt_tos, m.message["Subject"]) for m in mails)
    assert got == sorted(
        [
            ((BOARD,), "Reminder: partners alerted, LEW-2026-0001, due Thu 24 Dec 2026"),
            (
                (BOARD,),
                "Deadline breached: scoping form returned, LEW-2026-0001, due Mon 11 Jan 2027",
            ),
            (
                (POLICE_LEAD,),
                "Deadline breached: scoping form returned, LEW-2026-0001, due Mon 11 Jan 2027",
            ),
            ((BOARD,), "Reminder: action completed, LEW-R-2027-0001, due Mon 1 Mar 2027"),
        ]
    )
    emails = {(d.recipient, d.reference, d.version): d for d in by_channel(outboxes[0], "email")}
    assert len(emails) == 4
    assert all(d.status == "sent" and d.attempts == 1 for d in emails.values())
    ids = {f"<{d.message_id}@example.org>" for d in emails.values()}
    assert {m.message["Message-ID"] for m in mails} == ids  # each once, with its stable id
    for m in mails:
        raw = m.raw.decode()
        assert_no_personal_data(raw)
        assert m.message["From"] == "tracker@example.org"
        assert m.message["X-Tracker-Delivery"] in m.message["Message-ID"]
    police_mail = next(m for m in mails if m.rcpt_tos == (POLICE_LEAD,))
    text = police_mail.message.get_content()
    assert f"https://tracker.example.org/api/v1/cases/{case_id}" in text
    assert "Agency:      Metropolitan Police" in text
    assert "Breached:    Tue 12 Jan 2027" in text
    assert "2 working days past due when recorded (Wed 13 Jan 2027)" in text
    action_mail = next(m for m in mails if "action completed" in m.message["Subject"])
    assert "Action:      A1, owned by SLaM NHS Trust" in action_mail.message.get_content()
    assert f"/api/v1/reviews/{review_id}" in action_mail.message.get_content()

    # webhooks: every notice to the partnership's, the police's and the trust's own
    requests = hooks.received()
    assert sorted(r.path for r in requests) == [
        "/every",
        "/every",
        "/every",
        "/police",
        "/trust",
    ]
    assert len({r.headers["x-tracker-delivery"] for r in requests}) == 5
    for r in requests:
        assert signed_by(secrets_by_path[r.path], r.headers, r.body)
        assert verify_signature(secrets_by_path[r.path], r.headers["x-tracker-signature"], r.body)
        assert not signed_by("another secret", r.headers, r.body)
        assert r.headers["content-type"] == "application/json"
        assert_no_personal_data(r.body.decode())
        body = json.loads(r.body)
        assert body["id"] == r.headers["x-tracker-delivery"]
        assert body["partnership"] == "LEW"
    police_hook = json.loads(next(r for r in requests if r.path == "/police").body)
    assert {k: police_hook[k] for k in police_hook if k not in ("id", "recorded_at")} == {
        "type": "deadline_breached",
        "aggregate": "case",
        "stream_id": str(case_id),
        "version": police_hook["version"],
        "reference": "LEW-2026-0001",
        "partnership": "LEW",
        "clock": "scoping_returned",
        "subject": MET,
        "agency": MET,
        "started_on": "2027-01-04",
        "due_on": "2027-01-11",
        "on": "2027-01-12",
        "link": f"https://tracker.example.org/api/v1/cases/{case_id}",
    }
    trust_hook = json.loads(next(r for r in requests if r.path == "/trust").body)
    assert (trust_hook["type"], trust_hook["subject"], trust_hook["agency"]) == (
        "reminder_issued",
        "A1",
        SLAM,
    )
    assert not any(d.recipient.endswith("/hil") for d in by_channel(outboxes[0], "webhook"))
    assert hil.partnership == "HIL"

    backlog = outboxes[1].backlog()
    assert backlog["sent"] == 9
    assert backlog["pending"] == backlog["sending"] == backlog["failing"] == 0
    # and nothing more, however often it runs
    for o in outboxes:
        again = default_transports(app.settings)
        drain(o, again)
        again.close()
    assert len(smtp.received()) == 4
    assert len(hooks.received()) == 5


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
    assert survivor.collect() == 1
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
    assert Outbox(app).collect() == 1  # ...and that process dies before sending
    app.close()
    survivor = Outbox(make_app())
    assert survivor.collect() == 0  # its position is the outbox's, in the database
    transports = default_transports(survivor.tracker.settings)
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


# ---------------------------------------------------------------------- receivers down


def test_a_receiver_down_for_an_hour_gets_every_message_when_it_returns_and_none_twice(
    app: Safeguarding,
    clock: FakeClock,
    smtp: SmtpReceiver,
    hooks: WebhookReceiver,
    transports: DeliveryTransports,
) -> None:
    outbox = Outbox(app)
    _, secret = outbox.webhooks.subscribe(STAFF, hooks.url + "/notices")
    other = WebhookReceiver().start()  # another system, up all along
    outbox.webhooks.subscribe(POLICE_AGENCY, other.url + "/police")
    outbox.webhooks.subscribe(STAFF, other.url + "/board")
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
    outbox.webhooks.subscribe(STAFF, hooks.url)
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


# ---------------------------------------------------------------------- who hears of what


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


def test_subscriptions_are_the_callers_own_and_refuse_what_they_may_not_do(
    app: Safeguarding,
) -> None:
    subs = Outbox(app).webhooks
    police, _ = subs.subscribe(POLICE_AGENCY, "https://police.example.org/hooks")
    assert police.agency == MET
    with pytest.raises(NotPermittedError, match="own agency only"):
        subs.subscribe(POLICE_AGENCY, "https://police.example.org/h", SLAM)
    for refused in (
        ANALYST,
        SCRUTINEER,
        Principal("la", Role.PARTNER, "local_authority", ("LEW",)),
    ):
        with pytest.raises(NotPermittedError):
            subs.subscribe(refused, "https://example.org/h")
    with pytest.raises(NotPermittedError):
        subs.subscribe(HIL_STAFF, "https://example.org/h", partnership="LEW")
    every, _ = subs.subscribe(STAFF, "https://board.example.org/h")
    trust, _ = subs.subscribe(STAFF, "https://trust.example.org/h", SLAM)

    assert [s.id for s in subs.subscriptions(STAFF)] == [police.id, every.id, trust.id]
    assert [s.id for s in subs.subscriptions(POLICE_AGENCY)] == [police.id]
    assert subs.subscriptions(HIL_STAFF) == []
    with pytest.raises(NotPermittedError):
        subs.subscriptions(ANALYST)
    with pytest.raises(NotFoundError):
        subs.revoke(POLICE_AGENCY, every.id)  # not the police's
    with pytest.raises(NotFoundError):
        subs.revoke(HIL_STAFF, police.id)
    with pytest.raises(NotFoundError):
        subs.revoke(STAFF, 999_999)
    revoked = subs.revoke(POLICE_AGENCY, police.id)
    assert revoked.revoked_at == app.clock()
    assert revoked.revoked_by == POLICE_AGENCY.id
    assert subs.revoke(STAFF, police.id) == revoked  # again: no change
    assert [s.id for s in subs.subscriptions(STAFF)] == [every.id, trust.id]
    assert [s.id for s in subs.active("LEW")] == [every.id, trust.id]


def raw_rows(app: Safeguarding, statement: str) -> list[dict[str, Any]]:
    outbox = Outbox(app)
    outbox.setup()
    with outbox.cursor(commit=False) as c:
        c.execute(statement.format(t=outbox.table("webhook_subscriptions")))
        return [outbox.row(r) for r in c.fetchall()]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.org/drop",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "example.org/hooks",
        "http://",
        "https://user:password@example.org/hooks",
        "https://example.org/hooks with space",
        "https://example.org:99999/hooks",
        "",
        "https://example.org/" + "x" * 2000,
    ],
)
def test_a_bad_url_is_refused_and_nothing_is_recorded(app: Safeguarding, url: str) -> None:
    with pytest.raises(InvalidWebhookUrlError) as refused:
        Outbox(app).webhooks.subscribe(STAFF, url)
    assert refused.value.code == "invalid_webhook_url"
    assert isinstance(refused.value, ValueError)
    assert raw_rows(app, "SELECT COUNT(*) AS n FROM {t}") == [{"n": 0}]


def test_the_signing_secret_is_encrypted_at_rest_when_a_key_is_configured(
    make_app: MakeApp, clock: FakeClock, hooks: WebhookReceiver
) -> None:
    app = make_app(encryption_key=TEST_KEY)
    outbox = Outbox(app)
    _, secret = outbox.webhooks.subscribe(STAFF, hooks.url)
    [row] = raw_rows(app, "SELECT secret FROM {t}")
    assert row["secret"].startswith("aesgcm:")
    assert secret not in row["secret"]
    assert secret.removeprefix("whsec_") not in row["secret"]
    # and it still signs: the outbox decrypts it with the tracker's key
    partners_alerted_reminder(app, clock)
    transports = default_transports(app.settings)
    drain(outbox, transports)
    transports.close()
    [request] = hooks.received()
    assert signed_by(secret, request.headers, request.body)


def test_without_a_key_the_signing_secret_is_kept_as_given(app: Safeguarding) -> None:
    _, secret = Outbox(app).webhooks.subscribe(STAFF, "https://example.org/hooks")
    [row] = raw_rows(app, "SELECT secret FROM {t}")
    assert row["secret"] == "plain:" + secret


def test_a_revoked_subscription_gets_nothing_more_and_its_waiting_deliveries_are_cancelled(
    app: Safeguarding,
    clock: FakeClock,
    hooks: WebhookReceiver,
    transports: DeliveryTransports,
) -> None:
    outbox = Outbox(app)
    sub, _ = outbox.webhooks.subscribe(STAFF, hooks.url)
    case_id = partners_alerted_reminder(app, clock)
    outbox.collect()
    outbox.webhooks.revoke(STAFF, sub.id)
    drain(outbox, transports)
    [d] = by_channel(outbox, "webhook")
    assert (d.status, d.last_error) == ("cancelled", "the webhook subscription was revoked")
    clock.set_day(date(2027, 1, 4))
    breach(
        app,
        clock,
        case_id,
        "partners_alerted",
        started_on=date(2026, 12, 23),
        due_on=date(2026, 12, 24),
    )
    drain(outbox, transports)
    assert len(by_channel(outbox, "webhook")) == 1  # nothing new for the revoked one
    assert hooks.received() == []


def test_idempotent_subscribe_returns_the_first_answer_and_refuses_another_body(
    app: Safeguarding,
) -> None:
    subs = Outbox(app).webhooks
    first = subs.subscribe(STAFF, "https://example.org/h", idempotency_key="k1")
    assert subs.subscribe(STAFF, "https://example.org/h", idempotency_key="k1") == first
    with pytest.raises(IdempotencyKeyReusedError):
        subs.subscribe(STAFF, "https://example.org/other", idempotency_key="k1")
    assert len(subs.subscriptions(STAFF)) == 1


# ---------------------------------------------------------------------- over HTTP


@pytest.fixture
def api(make_app: MakeApp) -> Iterator[tuple[TestClient, Safeguarding, dict[str, str]]]:
    tracker = make_app(api_key_cache_seconds=0, projector_in_process=False)
    keys = {
        who: issue_key(tracker, principal_id=who, role=role, agency=agency, partnerships=parts)[0]
        for who, (role, agency, parts) in PRINCIPALS.items()
    }
    with TestClient(bootstrap.web_app(tracker.settings, tracker=tracker)) as client:
        yield client, tracker, keys


def test_the_rest_routes_subscribe_list_revoke_and_show_deliveries(
    api: tuple[TestClient, Safeguarding, dict[str, str]], clock: FakeClock, smtp: SmtpReceiver
) -> None:
    client, tracker, keys = api

    def auth(who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[who]}", **extra}

    path = "/api/v1/webhook-subscriptions"
    made = client.post(
        path,
        json={"url": "https://board.example.org/hooks"},
        headers=auth("staff", **{"Idempotency-Key": "sub-1"}),
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert (body["partnership"], body["agency"]) == ("LEW", "")
    assert made.headers["Location"] == f"{path}/{body['id']}"
    again = client.post(
        path,
        json={"url": "https://board.example.org/hooks"},
        headers=auth("staff", **{"Idempotency-Key": "sub-1"}),
    )
    assert (again.status_code, again.json()) == (201, body)
    reused = client.post(
        path,
        json={"url": "https://other.example.org/"},
        headers=auth("staff", **{"Idempotency-Key": "sub-1"}),
    )
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")

    police = client.post(
        path, json={"url": "https://police.example.org/"}, headers=auth("police_agency")
    )
    assert police.status_code == 201
    assert police.json()["agency"] == MET
    other_agency = client.post(
        path,
        json={"url": "https://police.example.org/", "agency": SLAM},
        headers=auth("police_agency"),
    )
    assert (other_agency.status_code, other_agency.json()["code"]) == (403, "forbidden")
    for who in ("analyst", "la", "scrutineer", "admin"):
        refused = client.post(path, json={"url": "https://example.org/"}, headers=auth(who))
        assert refused.status_code == 403, who
    bad = client.post(path, json={"url": "ftp://example.org/"}, headers=auth("staff"))
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["code"] == "invalid_webhook_url"
    unknown_field = client.post(
        path, json={"url": "https://a.example.org", "x": 1}, headers=auth("staff")
    )
    assert (unknown_field.status_code, unknown_field.json()["code"]) == (422, "validation_failed")
    assert client.post(path, json={"url": "https://a.example.org"}).status_code == 401

    listed = client.get(path, headers=auth("staff")).json()
    assert [s["id"] for s in listed] == [body["id"], police.json()["id"]]
    assert all("secret" not in s for s in listed)
    assert [s["id"] for s in client.get(path, headers=auth("police_agency")).json()] == [
        police.json()["id"]
    ]
    assert client.get(path, headers=auth("hil_staff")).json() == []
    assert client.delete(f"{path}/{body['id']}", headers=auth("hil_staff")).status_code == 404
    assert client.delete(f"{path}/{body['id']}", headers=auth("police_agency")).status_code == 404
    assert client.delete(f"{path}/nope", headers=auth("staff")).status_code == 422
    revoked = client.delete(f"{path}/{body['id']}", headers=auth("staff"))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert [s["id"] for s in client.get(path, headers=auth("staff")).json()] == [
        police.json()["id"]
    ]

    # deliveries: the partnership's, paged, with the backlog; not for other roles
    partners_alerted_reminder(tracker, clock)
    outbox = Outbox(tracker)
    outbox.collect()
    deliveries = client.get("/api/v1/deliveries?limit=1", headers=auth("staff"))
    assert deliveries.status_code == 200, deliveries.text
    page = deliveries.json()
    assert [(d["channel"], d["recipient"], d["status"]) for d in page["items"]] == [
        ("email", BOARD, "pending")
    ]
    assert page["next_after"] == page["items"][0]["id"]
    assert page["backlog"]["pending"] == 1
    rest = client.get(f"/api/v1/deliveries?after={page['next_after']}", headers=auth("staff"))
    assert rest.json()["items"] == []
    assert rest.json()["next_after"] is None
    transports = default_transports(tracker.settings)
    outbox.deliver_due(transports)
    transports.close()
    sent = client.get("/api/v1/deliveries?status=sent", headers=auth("admin")).json()
    assert [d["status"] for d in sent["items"]] == ["sent"]
    assert sent["items"][0]["attempts"] == 1
    assert "payload" not in sent["items"][0]
    assert (
        client.get("/api/v1/deliveries?status=failing", headers=auth("staff")).json()["items"] == []
    )
    assert client.get("/api/v1/deliveries", headers=auth("hil_staff")).json()["items"] == []
    for who in ("analyst", "mash", "la", "scrutineer"):
        assert client.get("/api/v1/deliveries", headers=auth(who)).status_code == 403, who
    wrong = client.get("/api/v1/deliveries?status=lost", headers=auth("staff"))
    assert (wrong.status_code, wrong.json()["code"]) == (422, "validation_failed")
    assert len(smtp.received()) == 1


def test_the_routes_status_filter_is_the_outboxs() -> None:
    assert tuple(s.value for s in StatusFilter) == STATUS_FILTERS
