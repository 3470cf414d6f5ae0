"""The ``Outbox``: collect the log's notices into deliveries, queue digests, send what is
due through the transports (the package's docstring tells the whole contract)."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import date
from typing import TYPE_CHECKING

from application.notifications import CHECKPOINT_TYPE
from application.outbox.deliveries import DeliveryTables, PositionMovedError
from application.outbox.messages import (
    MAX_ERROR_LENGTH,
    Channel,
    Delivery,
    DeliveryError,
    DeliveryReport,
    Kind,
    OutgoingEmail,
    OutgoingWebhook,
    Row,
    Status,
    Transports,
)
from application.outbox.recipients import TOPICS, Recipients
from application.webhooks import WebhookSubscriptions

if TYPE_CHECKING:
    from application.service import Safeguarding

log = logging.getLogger("tracker.outbox")


class Outbox(DeliveryTables):
    """Collect notices from the log into deliveries, send them, show their state."""

    def __init__(self, app: Safeguarding, *, lease_seconds: float | None = None) -> None:
        super().__init__(app, lease_seconds=lease_seconds)
        self.webhooks = WebhookSubscriptions(app)
        self.recipients = Recipients(app, self.webhooks)

    # ------------------------------------------------------------------ collecting

    def collect(self, *, limit: int = 500) -> int:
        """Turn the next notices of the log (up to ``limit``) into deliveries; returns how
        many notices were consumed (0: nothing new). Call again while it returns ``limit``."""
        self.setup()
        recorder = self.app.recorder
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
            self.recipients.begin_batch()
            rows = [row for n in batch for row in self.recipients.rows_for(n)]
            try:
                self._record(start, reached, rows)
            except PositionMovedError:
                continue  # another collector took these; read on from where it stopped
            return len(batch)

    # ------------------------------------------------------------------ digests

    def enqueue_digest(self, *, partnership: str, day: date, subject: str, body: str) -> int:
        """One e-mail of ``subject``/``body`` to each of the partnership's contacts, once
        per partnership and day; returns the rows added (0 when they were already there).
        The caller writes the body and keeps personal data out of it."""
        return self.enqueue_to_contacts(
            partnership=partnership,
            source=f"digest:{partnership}:{day.isoformat()}",
            kind=Kind.DIGEST,
            subject=subject,
            body=body,
        )

    def enqueue_to_contacts(
        self, *, partnership: str, source: str, kind: Kind, subject: str, body: str
    ) -> int:
        """One e-mail to each of the partnership's contacts, once per ``source``; returns
        the rows added. The caller keeps personal data out of the body."""
        self.setup()
        p = self.app.partnerships.get(partnership)
        payload = json.dumps({"subject": subject, "text": body}, sort_keys=True)
        rows = [
            Row(
                source=source,
                channel=Channel.EMAIL,
                address=address.casefold(),
                recipient=address,
                partnership=partnership,
                kind=kind,
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
            log.warning("partnership %s has no contacts: no %s sent", partnership, kind.value)
            return 0
        now = self.at(self.app.clock())
        with self.cursor(commit=True) as c:
            return sum(self._insert(c, row, now) for row in rows)

    # ------------------------------------------------------------------ checkpoints

    def enqueue_checkpoint(
        self, *, checkpoint_id: int, size: int, root: str, at: str, note: str
    ) -> int:
        """A signed checkpoint of the log, once each: by e-mail to every partnership's
        ``scrutineer_contacts`` (else its ``contacts``) and to every active webhook
        subscription that takes ``log.checkpoint_signed``. It names no case: a size, a root,
        a time."""
        self.setup()
        source = f"checkpoint:{checkpoint_id}"
        subject = f"Signed checkpoint of the tracker's log: {size} entries, {at}"
        text = (
            "The tracker signed this checkpoint of its log (every recorded event and every "
            "access-log entry). Keep this message, or save the note below as a file: with "
            "it, `tracker verify --checkpoint FILE` proves that nothing recorded before it "
            "was altered, removed or reordered since.\n\n" + note
        )
        email = json.dumps({"subject": subject, "text": text}, sort_keys=True)
        hook = json.dumps(  # the Standard Webhooks payload, as every event's
            {
                "type": CHECKPOINT_TYPE,
                "timestamp": at,
                "data": {"size": size, "root": root, "time": at, "note": note},
            },
            sort_keys=True,
        )

        def row(channel: Channel, address: str, to: str, code: str, sub: int | None) -> Row:
            payload = email if channel is Channel.EMAIL else hook
            return Row(
                source, channel, address, to, code, Kind.CHECKPOINT, "", "", 0, 0, sub, payload
            )

        rows: list[Row] = []
        for p in self.app.partnerships:
            for address in dict.fromkeys(p.scrutineer_contacts or p.contacts):
                rows.append(row(Channel.EMAIL, address.casefold(), address, p.code, None))
            for s in self.webhooks.active(p.code):
                if s.takes(CHECKPOINT_TYPE):
                    rows.append(row(Channel.WEBHOOK, f"subscription:{s.id}", s.url, p.code, s.id))
        now = self.at(self.app.clock())
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
        return DeliveryReport(sent=sent, failed=failed, waiting=self.waiting())

    def _send(self, d: Delivery, transports: Transports) -> bool:
        """Send ``d``; False when there is nothing to send it to any more (cancelled)."""
        now = self.app.clock()
        if d.channel == Channel.EMAIL:
            payload = json.loads(d.payload)
            transports.send_email(
                OutgoingEmail(
                    message_id=d.message_id,
                    to=d.recipient,
                    subject=str(payload["subject"]),
                    text=str(payload["text"]),
                    html=str(payload.get("html", "")),
                    at=now,
                )
            )
            return True
        assert d.channel == Channel.WEBHOOK
        assert d.subscription_id is not None
        try:
            subscription, secret = self.webhooks.for_delivery(d.subscription_id)
        except LookupError as e:
            raise DeliveryError(str(e)) from None
        if subscription is None or not subscription.active:
            self._mark(d, Status.CANCELLED, "the webhook subscription was revoked")
            return False
        body = webhook_body(d)
        transports.send_webhook(
            OutgoingWebhook(
                message_id=d.message_id, url=subscription.url, secret=secret, body=body, at=now
            )
        )
        return True


def webhook_body(d: Delivery) -> bytes:
    """A webhook's body, the same bytes on every attempt: ``{"type", "timestamp", "data"}``
    (Standard Webhooks' payload) as collected. (A delivery collected by the release before,
    still waiting, held the facts alone: they go as its data.)"""
    payload = json.loads(d.payload)
    if "data" in payload:
        return d.payload.encode()
    wrapped = {
        "type": payload.get("type"),
        "timestamp": payload.get("recorded_at"),
        "data": payload,
    }
    return json.dumps(wrapped, sort_keys=True).encode()


def _error_text(e: Exception) -> str:
    text = str(e) if isinstance(e, DeliveryError) else f"unexpected {type(e).__name__}"
    return (text or type(e).__name__)[:MAX_ERROR_LENGTH]
