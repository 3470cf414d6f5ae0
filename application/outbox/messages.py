"""What the outbox sends and records: the delivery's states, channels and kinds, the
transports' port (``Transports``, ``OutgoingEmail``, ``OutgoingWebhook``, ``DeliveryError``),
a stored ``Delivery`` and the ``Row`` collecting writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import NAMESPACE_URL, uuid5

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
    EVENT = "event"  # any other event of a case or review: its rule's e-mail, its webhooks
    CHECKPOINT = "checkpoint_signed"  # a signed checkpoint of the verifiable log
    ALERT = "alert"  # to the partnership's contacts: the read side set an event aside


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
    html: str = ""  # the same message as HTML (multipart/alternative), when it has one


@dataclass(frozen=True)
class OutgoingWebhook:
    message_id: str  # webhook-id (and X-Tracker-Delivery)
    url: str
    secret: str  # signs the body
    body: bytes  # JSON, exactly as posted
    at: datetime  # the tracker's now (webhook-timestamp)


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
    position: int  # the log position of the event it tells of (0: a digest)
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


@dataclass(frozen=True)
class Row:
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
