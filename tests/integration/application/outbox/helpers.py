"""What the outbox tests share: LEW's contacts, the notices the scheduler appends (as it
appends them: the aggregate's own ``issue_reminder`` and ``record_breach`` with a scheduler
audit), and reading back what was delivered and how it was signed."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from application.config import Partnerships, load_partnerships
from application.outbox import Delivery, Outbox
from application.service import Safeguarding
from application.settings import Settings
from domain.values import Audit, Role, Source
from tests.support.clock import FakeClock
from tests.support.people import agency
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


def signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, written from the documentation (not the tracker's helper)."""
    fields = dict(part.split("=", 1) for part in headers["x-tracker-signature"].split(","))
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields["v1"])
