"""What the outbox tests share: LEW's contacts, the notices the scheduler appends (as it
appends them: the aggregate's own ``issue_reminder`` and ``record_breach`` with a scheduler
audit), and reading back what was delivered and how it was signed."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from standardwebhooks import Webhook

from application.config import Partnerships, load_partnerships
from application.outbox import Delivery, Outbox
from application.service import Safeguarding
from application.settings import Settings
from domain.values import Audit, Role, Source
from tests.support.clock import FakeClock
from tests.support.people import agency
from tests.support.receivers import ReceivedMail
from tests.support.scenario import refer

BOARD = "board@example.org"
POLICE_LEAD = "police-lead@example.org"
MET = "Metropolitan Police"
SLAM = "SLaM NHS Trust"
POLICE_AGENCY = agency(MET)


def with_lew(
    contacts: tuple[str, ...], agency_contacts: dict[str, tuple[str, ...]]
) -> Partnerships:
    shipped = load_partnerships(Settings(_env_file=None).partnerships_file)
    lew = dataclasses.replace(
        shipped.get("LEW"), contacts=contacts, agency_contacts=agency_contacts
    )
    return Partnerships({**shipped.by_code, "LEW": lew})


MakeApp = Callable[..., Safeguarding]


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


def drain(outbox: Outbox, transports: Any, runs: int = 3) -> None:
    for _ in range(runs):
        while outbox.collect():
            pass
        outbox.deliver_due(transports)


def by_channel(outbox: Outbox, channel: str) -> list[Delivery]:
    return [d for d in outbox.deliveries(partnerships=["LEW"], limit=500) if d.channel == channel]


# the scheduler's reminders and breaches: what the notice tests subscribe to
NOTICES = (
    "case.reminder_issued",
    "case.deadline_breached",
    "review.reminder_issued",
    "review.deadline_breached",
)


def signed_by(
    secret: str, headers: dict[str, str], body: bytes, at: datetime | None = None
) -> bool:
    """The receiver's check with the Standard Webhooks reference library (not the
    tracker's own code). ``Webhook.verify`` also refuses a timestamp five minutes from
    the machine's clock; these tests run on the tracker's fake clock, so the signature is
    checked with the library's own ``sign`` and the timestamp against ``at`` (the fake
    clock's time of the attempt) when given. (The processes' tests, on the real clock,
    call ``verify`` itself: tests/e2e/entrypoints/test_notification_processes.py.)"""
    try:
        timestamp = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
        expected = Webhook(secret).sign(headers["webhook-id"], timestamp, body.decode())
    except (KeyError, ValueError):
        return False
    if at is not None and abs((timestamp - at).total_seconds()) > 1:
        return False
    return expected in headers["webhook-signature"].split(" ")


def plain(mail: ReceivedMail) -> str:
    """The plain-text part of a received e-mail."""
    part = mail.message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def legacy_signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The check of the ``X-Tracker-Signature`` header subscriptions made before Standard
    Webhooks still get, as their receivers were written from the documentation."""
    fields = dict(part.split("=", 1) for part in headers["x-tracker-signature"].split(","))
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields["v1"])
