"""The outbox: every reminder and breach the scheduler records reaches people and systems.

The scheduler appends ``ReminderIssued`` and ``DeadlineBreached`` to a case's or review's
stream. The outbox turns each into deliveries -- one row per channel and recipient -- and
sends them, so that none is lost, none is sent twice for one event, a receiver that is down
is retried with backoff, and the state of every delivery can be seen.

**Collecting** (``collect``) follows the notification log from the outbox's own position
(table ``outbox_tracking``; the read models' ``rm_tracking`` is not used: read models are
rebuilt, the outbox never is). For each notice it writes the delivery rows *and* its new
position in one transaction; the unique key (source = stream id and version, channel,
recipient) makes a second insert of the same delivery impossible, and the position row is
locked (``FOR UPDATE`` on PostgreSQL, the write lock on SQLite) so that two collectors
cannot both advance it. Recipients, decided when the notice is collected:

- e-mail to the partnership's ``contacts`` and to the ``agency_contacts`` of the agency
  responsible for the clock (``scoping_returned``: the agency the form was asked of;
  ``action_due``: the action's owner agency) -- ``config/partnerships.toml``;
- a webhook to every active subscription of the partnership whose agency filter is empty
  or names that agency (``application/webhooks.py``).

A notice nobody is configured to hear of is recorded as one ``unaddressed`` row, so that
it shows in the backlog rather than vanishing.

**Sending** (``deliver_due``) takes the rows whose next attempt has come, oldest first. Each
row is claimed before it is sent (``sending`` with a lease, committed), so two senders
never send the same row; on success it is ``sent`` with the time; on failure it goes back to
``pending`` with ``attempts``, ``last_error`` (the transport's own words, which hold no
personal data), ``first_failed_at`` and its next attempt after ``min(base * 2**(attempts -
1), max)`` seconds (``TRACKER_OUTBOX_RETRY_BASE_SECONDS`` / ``_MAX_SECONDS``). A delivery
is never given up: it stays ``pending`` (``failing``) and is tried again until it goes. Only
a webhook whose subscription was revoked is ``cancelled``. When a receiver cannot be reached
at all (the SMTP server, a webhook URL: connection refused, not configured), the other rows
pending for it wait until just after the failed one's next attempt, with the reason, so a
down receiver costs one attempt per backoff step and holds up no other receiver. A claimed
row counts as an attempt (``attempts``), whatever became of it.

**The one window for a repeat**: a sender that dies after the receiver accepted a message
and before it marked the row sent leaves the row ``sending``; when its lease runs out the
row is due again and goes a second time. Every message carries a stable id so a receiver
can drop the repeat: e-mail ``Message-ID: <{message_id}@...>`` (and ``X-Tracker-Delivery``),
webhooks ``X-Tracker-Delivery: {message_id}`` and the body's ``id``. The id is a UUID
derived from the delivery's unique key, the same on every attempt.

**No personal data** goes out: a message says which case or review (its reference and a
link), the partnership, the clock in words, the agency or action it is for, its start and
due dates and, for a breach, the day it was breached -- never a child's or family member's
name, nor any free text of the case. Times come from ``tracker.clock()``.

**Tables**, beside the events (the same SQLite file or PostgreSQL schema, through the event
store's own connections): ``outbox_tracking`` (the log position collected),
``outbox_deliveries`` (one row per delivery, kept after sending) and, from
``application/webhooks.py``, ``webhook_subscriptions``.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.utils import get_topic

from application.sidetables import SideTables
from application.webhooks import Subscription, WebhookSubscriptions
from domain.base import LONDON, AuditedAggregate
from domain.case import Case
from domain.clocks import ClockName, clock_words
from domain.review import Review

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from application.service import Safeguarding

log = logging.getLogger("tracker.outbox")

TOPICS = tuple(
    get_topic(cls)
    for cls in (
        Case.ReminderIssued,
        Case.DeadlineBreached,
        Review.ReminderIssued,
        Review.DeadlineBreached,
    )
)
_NAMESPACE = uuid5(NAMESPACE_URL, "urn:safeguarding-review-tracker:outbox")
MAX_ERROR_LENGTH = 500


class Status(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a sender until its lease runs out
    SENT = "sent"
    CANCELLED = "cancelled"  # its webhook subscription was revoked
    UNADDRESSED = "unaddressed"  # a notice no contact or subscription hears of


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    NONE = "none"  # the unaddressed marker


class Kind(StrEnum):
    REMINDER = "reminder_issued"
    BREACH = "deadline_breached"
    DIGEST = "digest"


# The filters ``deliveries`` takes: a status, or "failing" (pending after a failed attempt).
STATUS_FILTERS = (*(s.value for s in Status), "failing")


# ---------------------------------------------------------------------- the transports' port


class DeliveryError(Exception):
    """A transport could not deliver. Its text is stored as the delivery's ``last_error``:
    transports word it themselves (a status code, "connection refused") and put no message
    content or personal data in it. ``receiver_down``: the receiver could not be reached at
    all (nothing about this message was refused), so the other deliveries waiting for the
    same receiver wait with this one instead of each trying in turn."""

    def __init__(self, message: str, *, receiver_down: bool = False) -> None:
        super().__init__(message)
        self.receiver_down = receiver_down


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: str  # stable across attempts: the Message-ID is built from it
    to: str
    subject: str
    text: str
    at: datetime  # the tracker's now (the Date header)


@dataclass(frozen=True)
class OutgoingWebhook:
    message_id: str  # X-Tracker-Delivery, and the body's "id"
    url: str
    secret: str  # signs the body
    body: bytes  # JSON, exactly as posted
    at: datetime  # the tracker's now (the signature's timestamp)


class Transports(Protocol):
    """What ``deliver_due`` sends through (``scheduler.delivery.Transports`` are the real
    ones). Returning means delivered; any exception means try again later."""

    def send_email(self, email: OutgoingEmail) -> None: ...

    def send_webhook(self, webhook: OutgoingWebhook) -> None: ...


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int
    waiting: int  # pending after this run (due later, or failing)


@dataclass(frozen=True)
class Delivery:
    id: int
    message_id: str
    partnership: str
    kind: str
    channel: str
    recipient: str  # the e-mail address, or the webhook's URL
    reference: str
    stream_id: str
    version: int
    subscription_id: int | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    first_failed_at: datetime | None
    sent_at: datetime | None
    last_error: str
    payload: str  # what is sent (JSON); holds no personal data

    @property
    def failing(self) -> bool:
        """Tried, not delivered, still being retried."""
        return self.status == Status.PENDING and self.first_failed_at is not None


# ---------------------------------------------------------------------- tables

_DELIVERY_COLUMNS = (
    "id, message_id, partnership, kind, channel, recipient, reference, stream_id, version, "
    "subscription_id, status, attempts, created_at, next_attempt_at, last_attempt_at, "
    "first_failed_at, sent_at, last_error, payload"
)
_INSERT_COLUMNS = (
    "message_id, source, channel, address, recipient, partnership, kind, reference, "
    "stream_id, version, position, subscription_id, payload, status, attempts, created_at, "
    "next_attempt_at, last_error"
)

_PG_DDL = (
    "CREATE TABLE IF NOT EXISTS {s}.outbox_tracking ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    "INSERT INTO {s}.outbox_tracking (name, position) VALUES ('events', 0) ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS {s}.outbox_deliveries ("
    "id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, "
    "channel TEXT NOT NULL, address TEXT NOT NULL, recipient TEXT NOT NULL, "
    "partnership TEXT NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL, "
    "stream_id TEXT NOT NULL, version INTEGER NOT NULL, position BIGINT NOT NULL, "
    "subscription_id BIGINT, payload TEXT NOT NULL, status TEXT NOT NULL, "
    "attempts INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
    "next_attempt_at TIMESTAMPTZ NOT NULL, claim TEXT, claimed_until TIMESTAMPTZ, "
    "last_attempt_at TIMESTAMPTZ, first_failed_at TIMESTAMPTZ, sent_at TIMESTAMPTZ, "
    "last_error TEXT NOT NULL, UNIQUE (source, channel, address))",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_due "
    "ON {s}.outbox_deliveries (status, next_attempt_at, id)",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_partnership "
    "ON {s}.outbox_deliveries (partnership, id)",
)
_SQLITE_DDL = (
    "CREATE TABLE IF NOT EXISTS outbox_tracking (name TEXT PRIMARY KEY, position INTEGER NOT NULL)",
    "INSERT INTO outbox_tracking (name, position) VALUES ('events', 0) ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS outbox_deliveries ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL UNIQUE, "
    "source TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL, "
    "recipient TEXT NOT NULL, partnership TEXT NOT NULL, kind TEXT NOT NULL, "
    "reference TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT NULL, "
    "position INTEGER NOT NULL, subscription_id INTEGER, payload TEXT NOT NULL, "
    "status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at TEXT NOT NULL, "
    "next_attempt_at TEXT NOT NULL, claim TEXT, claimed_until TEXT, last_attempt_at TEXT, "
    "first_failed_at TEXT, sent_at TEXT, last_error TEXT NOT NULL, "
    "UNIQUE (source, channel, address))",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_due "
    "ON outbox_deliveries (status, next_attempt_at, id)",
    "CREATE INDEX IF NOT EXISTS outbox_deliveries_partnership "
    "ON outbox_deliveries (partnership, id)",
)


@dataclass(frozen=True)
class _Row:
    """A delivery to insert. ``address`` is the unique key's recipient (an e-mail address
    as configured, ``subscription:<id>``, or "" for the unaddressed marker); ``recipient``
    is what people read (the address, the URL)."""

    source: str
    channel: Channel
    address: str
    recipient: str
    partnership: str
    kind: Kind
    reference: str
    stream_id: str
    version: int
    position: int
    subscription_id: int | None
    payload: str
    status: Status = Status.PENDING
    last_error: str = ""

    @property
    def message_id(self) -> str:
        return str(uuid5(_NAMESPACE, f"{self.source}|{self.channel.value}|{self.address}"))


class _PositionMovedError(Exception):
    """Another collector advanced the position while this one read the log."""


class Outbox(SideTables):
    """Collect notices from the log into deliveries, send them, show their state."""

    def __init__(self, tracker: Safeguarding, *, lease_seconds: float | None = None) -> None:
        super().__init__(tracker.datastore)
        self.tracker = tracker
        self.webhooks = WebhookSubscriptions(tracker)
        s = tracker.settings
        # long enough for one send through the slowest transport (SMTP may wait for each
        # of connect, EHLO, STARTTLS, AUTH, MAIL, RCPT and DATA), with room to record it
        self.lease = timedelta(
            seconds=lease_seconds
            if lease_seconds is not None
            else 10 * max(s.smtp_timeout_seconds, s.webhook_timeout_seconds) + 60
        )
        self.t = self.table("outbox_deliveries")
        self.tracking = self.table("outbox_tracking")
        self._ready = False

    def setup(self) -> None:
        if self._ready:
            return
        self.create("outbox", _PG_DDL, _SQLITE_DDL)
        self.webhooks.setup()
        self._ready = True

    # ------------------------------------------------------------------ collecting

    def position(self) -> int:
        """The last log position collected."""
        self.setup()
        with self.cursor(commit=False) as c:
            c.execute(
                self.sql(f"SELECT position FROM {self.tracking} WHERE name = ?"),  # noqa: S608
                ("events",),
            )
            row = c.fetchone()
        return int(self.row(row)["position"])

    def collect(self, *, limit: int = 500) -> int:
        """Turn the next notices of the log (up to ``limit``) into deliveries; returns how
        many notices were consumed (0: nothing new). Call again while it returns ``limit``."""
        self.setup()
        recorder = self.tracker.recorder
        limit = max(1, limit)
        while True:
            start = self.position()
            end = recorder.max_notification_id() or 0
            if end <= start:
                return 0
            batch = recorder.select_notifications(
                start=start + 1, limit=limit, stop=end, topics=TOPICS
            )
            reached = batch[-1].id if len(batch) == limit else end
            rows = [row for n in batch for row in self._rows_for(n)]
            try:
                self._record(start, reached, rows)
            except _PositionMovedError:
                continue  # another collector took these; read on from where it stopped
            return len(batch)

    def _record(self, start: int, reached: int, rows: Sequence[_Row]) -> None:
        now = self.at(self.tracker.clock())
        with self.cursor(commit=True) as c:
            if self.postgres:
                c.execute(
                    f"SELECT position FROM {self.tracking} WHERE name = %s FOR UPDATE",  # noqa: S608
                    ("events",),
                )
            else:  # a write first: the transaction holds SQLite's write lock from here on
                c.execute(
                    f"UPDATE {self.tracking} SET position = position WHERE name = ?",  # noqa: S608
                    ("events",),
                )
                c.execute(f"SELECT position FROM {self.tracking} WHERE name = ?", ("events",))  # noqa: S608
            if int(self.row(c.fetchone())["position"]) != start:
                raise _PositionMovedError
            for row in rows:
                self._insert(c, row, now)
            c.execute(
                self.sql(f"UPDATE {self.tracking} SET position = ? WHERE name = ?"),  # noqa: S608
                (reached, "events"),
            )

    def _insert(self, c: Any, row: _Row, now: Any) -> bool:
        marks = ", ".join("?" * 18)
        c.execute(
            self.sql(
                f"INSERT INTO {self.t} ({_INSERT_COLUMNS}) VALUES ({marks}) "  # noqa: S608
                "ON CONFLICT DO NOTHING RETURNING id"
            ),
            (
                row.message_id,
                row.source,
                row.channel.value,
                row.address,
                row.recipient,
                row.partnership,
                row.kind.value,
                row.reference,
                row.stream_id,
                row.version,
                row.position,
                row.subscription_id,
                row.payload,
                row.status.value,
                0,
                now,
                now,
                row.last_error,
            ),
        )
        return c.fetchone() is not None

    def _rows_for(self, n: Notification) -> list[_Row]:
        event: Any = self.tracker.mapper.to_domain_event(n)
        agg: AuditedAggregate = self.tracker.repository.get(
            event.originator_id, version=event.originator_version
        )
        is_review = isinstance(agg, Review)
        breach = isinstance(event, AuditedAggregate.DeadlineBreached)
        agency = _responsible_agency(agg, event.clock, event.subject)
        partnership = self.tracker.partnerships.by_code.get(agg.partnership)
        base = self.tracker.settings.public_url.rstrip("/")
        link = f"{base}/api/v1/{'reviews' if is_review else 'cases'}/{event.originator_id}"
        kind = Kind.BREACH if breach else Kind.REMINDER
        facts = {
            "type": kind.value,
            "aggregate": "review" if is_review else "case",
            "stream_id": str(event.originator_id),
            "version": int(event.originator_version),
            "reference": agg.reference,
            "partnership": agg.partnership,
            "clock": event.clock,
            "subject": event.subject,
            "agency": agency,
            "started_on": event.started_on.isoformat(),
            "due_on": event.due_on.isoformat(),
            "on": event.on.isoformat(),
            "recorded_at": event.audit.recorded_at.isoformat(),
            "link": link,
        }
        subject, text = self._email(facts, partnership.name if partnership else agg.partnership)
        email = json.dumps({"subject": subject, "text": text}, sort_keys=True)
        common: dict[str, Any] = {
            "source": f"{event.originator_id}:{event.originator_version}",
            "partnership": agg.partnership,
            "kind": kind,
            "reference": agg.reference,
            "stream_id": str(event.originator_id),
            "version": int(event.originator_version),
            "position": int(n.id),
        }
        addresses: dict[str, str] = {}
        if partnership is not None:
            for address in (*partnership.contacts, *partnership.contacts_of_agency(agency)):
                addresses.setdefault(address.casefold(), address)
        rows = [
            _Row(
                channel=Channel.EMAIL,
                address=key,
                recipient=address,
                subscription_id=None,
                payload=email,
                **common,
            )
            for key, address in addresses.items()
        ]
        hook = json.dumps(facts, sort_keys=True)
        rows += [
            _Row(
                channel=Channel.WEBHOOK,
                address=f"subscription:{s.id}",
                recipient=s.url,
                subscription_id=s.id,
                payload=hook,
                **common,
            )
            for s in self.webhooks.active(agg.partnership)
            if s.hears_of(agency)
        ]
        if not rows:
            log.warning("no contact or webhook hears of %s of %s", kind.value, agg.reference)
            rows.append(
                _Row(
                    channel=Channel.NONE,
                    address="",
                    recipient="",
                    subscription_id=None,
                    payload=hook,
                    status=Status.UNADDRESSED,
                    last_error=f"no contact or webhook subscription is configured for "
                    f"{agg.partnership}{' or ' + agency if agency else ''}",
                    **common,
                )
            )
        return rows

    def _email(self, facts: dict[str, Any], partnership_name: str) -> tuple[str, str]:
        breach = facts["type"] == Kind.BREACH.value
        words = clock_words(facts["clock"])
        due = date.fromisoformat(facts["due_on"])
        what = "Deadline breached" if breach else "Reminder"
        subject = f"{what}: {words}, {facts['reference']}, due {_day(due)}"
        lines = [
            (
                f"A statutory clock of {facts['reference']} passed its due day still open."
                if breach
                else f"A statutory clock of {facts['reference']} comes due soon."
            ),
            "",
            f"Reference:   {facts['reference']} ({facts['aggregate']})",
            f"Partnership: {partnership_name} ({facts['partnership']})",
            f"Clock:       {words}",
        ]
        if facts["clock"] == ClockName.ACTION_DUE and facts["subject"]:
            owner = f", owned by {facts['agency']}" if facts["agency"] else ""
            lines.append(f"Action:      {facts['subject']}{owner}")
        elif facts["agency"]:
            lines.append(f"Agency:      {facts['agency']}")
        lines += [
            f"Started:     {_day(date.fromisoformat(facts['started_on']))}",
            f"Due:         end of {_day(due)}",
        ]
        if breach:
            recorded = datetime.fromisoformat(facts["recorded_at"]).astimezone(LONDON).date()
            late = self.tracker.calendar.working_days_between(due, recorded)
            lines.append(f"Breached:    {_day(date.fromisoformat(facts['on']))}")
            if late > 0:
                lines.append(
                    f"Late:        {late} working day{'s' if late != 1 else ''} past due "
                    f"when recorded ({_day(recorded)})"
                )
        lines += [
            f"Open it:     {facts['link']}",
            "",
            "This message names no child or family member; open the link to see the case.",
        ]
        return subject, "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ digests

    def enqueue_digest(self, *, partnership: str, day: date, subject: str, body: str) -> int:
        """One e-mail of ``subject``/``body`` to each of the partnership's contacts, once
        per partnership and day; returns the rows added (0 when they were already there).
        The caller writes the body and keeps personal data out of it."""
        self.setup()
        p = self.tracker.partnerships.get(partnership)
        payload = json.dumps({"subject": subject, "text": body}, sort_keys=True)
        rows = [
            _Row(
                source=f"digest:{partnership}:{day.isoformat()}",
                channel=Channel.EMAIL,
                address=address.casefold(),
                recipient=address,
                partnership=partnership,
                kind=Kind.DIGEST,
                reference="",
                stream_id="",
                version=0,
                position=0,
                subscription_id=None,
                payload=payload,
            )
            for address in dict.fromkeys(p.contacts)
        ]
        if not rows:
            log.warning("partnership %s has no contacts: no digest for %s", partnership, day)
            return 0
        now = self.at(self.tracker.clock())
        with self.cursor(commit=True) as c:
            return sum(self._insert(c, row, now) for row in rows)

    # ------------------------------------------------------------------ sending

    def deliver_due(self, transports: Transports, *, limit: int = 100) -> DeliveryReport:
        """Send up to ``limit`` deliveries whose next attempt has come, oldest first."""
        self.setup()
        token = secrets.token_hex(8)
        sent = failed = 0
        for _ in range(limit):
            delivery = self._claim(token)
            if delivery is None:
                break
            try:
                done = self._send(delivery, transports)
            except Exception as e:
                failed += 1
                error = _error_text(e)
                retry_at = self._failed(delivery, token, error)
                if isinstance(e, DeliveryError) and e.receiver_down:
                    self._defer_same_receiver(delivery, retry_at, error)
                elif not isinstance(e, DeliveryError):
                    log.exception("delivery %s failed unexpectedly", delivery.message_id)
                continue
            if done:
                sent += 1
                self._mark(delivery, Status.SENT)
        return DeliveryReport(sent=sent, failed=failed, waiting=self.backlog()[Status.PENDING])

    def _claim(self, token: str) -> Delivery | None:
        """The oldest due row, now ``sending`` under this run's claim until the lease ends
        (committed before anything is sent). A ``sending`` row whose lease ran out (its
        sender died) is due again."""
        now = self.tracker.clock()
        lock = " FOR UPDATE SKIP LOCKED" if self.postgres else ""
        statement = (
            f"UPDATE {self.t} SET status = 'sending', claim = ?, claimed_until = ?, "  # noqa: S608
            "attempts = attempts + 1, last_attempt_at = ?, "
            "last_error = CASE WHEN status = 'sending' "
            "THEN 'the previous attempt did not finish (its sender stopped)' "
            "ELSE last_error END "
            f"WHERE id = (SELECT id FROM {self.t} WHERE "
            "(status = 'pending' AND next_attempt_at <= ?) "
            "OR (status = 'sending' AND claimed_until <= ?) "
            f"ORDER BY id LIMIT 1{lock}) "
            f"RETURNING {_DELIVERY_COLUMNS}"
        )
        at = self.at(now)
        with self.cursor(commit=True) as c:
            c.execute(self.sql(statement), (token, self.at(now + self.lease), at, at, at))
            row = c.fetchone()
        return None if row is None else self._delivery(row)

    def _send(self, d: Delivery, transports: Transports) -> bool:
        """Send ``d``; False when there is nothing to send it to any more (cancelled)."""
        now = self.tracker.clock()
        payload = json.loads(d.payload)
        if d.channel == Channel.EMAIL:
            transports.send_email(
                OutgoingEmail(
                    message_id=d.message_id,
                    to=d.recipient,
                    subject=str(payload["subject"]),
                    text=str(payload["text"]),
                    at=now,
                )
            )
            return True
        assert d.channel == Channel.WEBHOOK
        assert d.subscription_id is not None
        subscription: Subscription | None = self.webhooks.get(d.subscription_id)
        if subscription is None or not subscription.active:
            self._mark(d, Status.CANCELLED, "the webhook subscription was revoked")
            return False
        try:
            secret = self.webhooks.signing_secret(d.subscription_id)
        except LookupError as e:
            raise DeliveryError(str(e)) from None
        body = json.dumps({"id": d.message_id, **payload}, sort_keys=True).encode()
        transports.send_webhook(
            OutgoingWebhook(
                message_id=d.message_id, url=subscription.url, secret=secret, body=body, at=now
            )
        )
        return True

    def _mark(self, d: Delivery, status: Status, error: str | None = None) -> None:
        """Sent (whoever holds the claim now: the message went) or cancelled."""
        now = self.at(self.tracker.clock())
        sets = "status = ?, claim = NULL, claimed_until = NULL"
        values: list[Any] = [status.value]
        if status is Status.SENT:
            sets += ", sent_at = ?"
            values.append(now)
        if error is not None:
            sets += ", last_error = ?"
            values.append(error)
        with self.cursor(commit=True) as c:
            c.execute(
                self.sql(f"UPDATE {self.t} SET {sets} WHERE id = ? AND status <> 'sent'"),  # noqa: S608
                (*values, d.id),
            )

    def _failed(self, d: Delivery, token: str, error: str) -> datetime:
        """Back to ``pending``, the next attempt (returned) after the backoff; only while
        this run still holds the claim (else another sender has taken the row over)."""
        now = self.tracker.clock()
        s = self.tracker.settings
        delay = min(
            s.outbox_retry_base_seconds * 2 ** max(0, d.attempts - 1), s.outbox_retry_max_seconds
        )
        retry_at = now + timedelta(seconds=delay)
        statement = (
            f"UPDATE {self.t} SET status = 'pending', claim = NULL, claimed_until = NULL, "  # noqa: S608
            "next_attempt_at = ?, last_error = ?, first_failed_at = COALESCE(first_failed_at, ?) "
            "WHERE id = ? AND claim = ? AND status = 'sending'"
        )
        with self.cursor(commit=True) as c:
            c.execute(
                self.sql(statement),
                (self.at(retry_at), error, self.at(now), d.id, token),
            )
        return retry_at

    def _defer_same_receiver(self, d: Delivery, retry_at: datetime, error: str) -> None:
        """The receiver of ``d`` is down: the other deliveries pending for it wait until
        just after ``d``'s next attempt (their attempts unchanged, the reason shown), so a
        down receiver costs one attempt per backoff step, not one per message. (Only for
        failures to reach the receiver at all, which no one message can cause: a message
        the receiver refuses holds up no other.)"""
        now = self.tracker.clock()
        until = retry_at + timedelta(microseconds=1)
        # e-mail all goes through the one SMTP server; a webhook's receiver is its URL
        same = "" if d.channel == Channel.EMAIL else " AND recipient = ?"
        statement = (
            f"UPDATE {self.t} SET next_attempt_at = ?, last_error = ?, "  # noqa: S608
            "first_failed_at = COALESCE(first_failed_at, ?) "
            f"WHERE status = 'pending' AND next_attempt_at < ? AND id <> ? AND channel = ?{same}"
        )
        values: list[Any] = [
            self.at(until),
            f"not tried: {error} (on delivery {d.id} to the same receiver)"[:MAX_ERROR_LENGTH],
            self.at(now),
            self.at(until),
            d.id,
            d.channel,
        ]
        if d.channel != Channel.EMAIL:
            values.append(d.recipient)
        with self.cursor(commit=True) as c:
            c.execute(self.sql(statement), values)

    # ------------------------------------------------------------------ visibility

    def deliveries(
        self,
        *,
        partnerships: Sequence[str],
        status: str | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[Delivery]:
        """Deliveries of ``partnerships`` in the order recorded, after ``after_id``;
        ``status`` one of ``STATUS_FILTERS`` ("failing": pending after a failed attempt)."""
        self.setup()
        if not partnerships:
            return []
        if status is not None and status not in STATUS_FILTERS:
            raise ValueError(f"status {status!r} is not one of: {', '.join(STATUS_FILTERS)}")
        where = [f"partnership IN ({', '.join('?' * len(partnerships))})", "id > ?"]
        params: list[Any] = [*partnerships, after_id]
        if status == "failing":
            where.append("status = 'pending' AND first_failed_at IS NOT NULL")
        elif status is not None:
            where.append("status = ?")
            params.append(status)
        statement = (
            f"SELECT {_DELIVERY_COLUMNS} FROM {self.t} "  # noqa: S608
            f"WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (*params, max(0, limit)))
            return [self._delivery(r) for r in c.fetchall()]

    def backlog(self, partnerships: Sequence[str] | None = None) -> dict[str, int]:
        """How many deliveries are in each status, and how many of the pending are failing
        (of ``partnerships``, or of all)."""
        self.setup()
        counts = dict.fromkeys(STATUS_FILTERS, 0)
        where, params = "", tuple(partnerships or ())
        if partnerships is not None:
            if not partnerships:
                return counts
            where = f"WHERE partnership IN ({', '.join('?' * len(partnerships))}) "
        statement = (
            "SELECT status, COUNT(*) AS n, "  # noqa: S608
            "SUM(CASE WHEN first_failed_at IS NULL THEN 0 ELSE 1 END) AS failing "
            f"FROM {self.t} {where}GROUP BY status"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), params)
            for r in c.fetchall():
                row = self.row(r)
                counts[str(row["status"])] = int(row["n"])
                if row["status"] == Status.PENDING:
                    counts["failing"] = int(row["failing"] or 0)
        return counts

    def _delivery(self, row: Any) -> Delivery:
        r = self.row(row)
        created = self.instant(r["created_at"])
        next_at = self.instant(r["next_attempt_at"])
        assert created is not None
        assert next_at is not None
        return Delivery(
            id=int(r["id"]),
            message_id=str(r["message_id"]),
            partnership=str(r["partnership"]),
            kind=str(r["kind"]),
            channel=str(r["channel"]),
            recipient=str(r["recipient"]),
            reference=str(r["reference"]),
            stream_id=str(r["stream_id"]),
            version=int(r["version"]),
            subscription_id=None if r["subscription_id"] is None else int(r["subscription_id"]),
            status=str(r["status"]),
            attempts=int(r["attempts"]),
            created_at=created,
            next_attempt_at=next_at,
            last_attempt_at=self.instant(r["last_attempt_at"]),
            first_failed_at=self.instant(r["first_failed_at"]),
            sent_at=self.instant(r["sent_at"]),
            last_error=str(r["last_error"]),
            payload=str(r["payload"]),
        )


def _responsible_agency(agg: AuditedAggregate, clock: str, subject: str) -> str:
    """The agency a clock instance is for: the agency asked for a scoping form, an
    action's owner; "" for the partnership's own clocks."""
    if clock == ClockName.SCOPING_RETURNED:
        return subject
    if clock == ClockName.ACTION_DUE and isinstance(agg, Review):
        action = agg.actions.get(subject)
        return action.owner_agency if action is not None else ""
    return ""


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _error_text(e: Exception) -> str:
    text = str(e) if isinstance(e, DeliveryError) else f"unexpected {type(e).__name__}"
    return (text or type(e).__name__)[:MAX_ERROR_LENGTH]
