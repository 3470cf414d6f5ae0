"""The outbox's transports: e-mail over SMTP, webhooks over HTTP(S).

``Outbox.deliver_due`` (``application/outbox/``) hands each delivery to these; returning
means delivered, a ``DeliveryError`` (whose text is stored as the delivery's last error,
so it names a status code or a kind of failure and never message content) means try again
later. ``default_transports(settings)`` builds both from the ``TRACKER_SMTP_*`` and
``TRACKER_WEBHOOK_*`` settings; tests pass the same classes pointed at loopback receivers.

**E-mail** (``SmtpTransport``): one message per recipient, plain text and (when the
message has it) HTML as ``multipart/alternative``, ``From:
TRACKER_SMTP_FROM``, over STARTTLS and with a login when configured. ``Message-ID:
<{delivery id}@{the From domain}>`` and ``X-Tracker-Delivery: {delivery id}`` stay the same
on every attempt, so a mailbox or gateway can drop a repeat. With no ``TRACKER_SMTP_HOST``
nothing is sent and mail waits in the outbox ("SMTP is not configured").

**Webhooks** (``WebhookTransport``): ``POST`` of a JSON body to the subscription's URL in
the Standard Webhooks format (https://www.standardwebhooks.com):

- ``webhook-id: <delivery id>`` -- the same on every attempt: a receiver that has seen it
  should answer 2xx and do nothing more;
- ``webhook-timestamp: <unix seconds>`` of this attempt;
- ``webhook-signature: v1,<base64 HMAC-SHA256>``, keyed with the base64-decoded part of the
  subscription's ``whsec_`` secret, over ``f"{id}.{timestamp}.".encode() + body``.

A receiver verifies it with the ``standardwebhooks`` package (which also refuses a
timestamp more than five minutes off)::

    from standardwebhooks import Webhook

    def verify(secret: str, headers: dict[str, str], body: bytes) -> dict:
        return Webhook(secret).verify(body, headers)  # raises WebhookVerificationError

(verify the raw body bytes as received, before parsing the JSON). A retried delivery is
signed afresh, with the time of that attempt. The body is the same on every attempt.

Secrets made before this format (``whsec_`` and 43 characters of the URL-safe alphabet)
keep working: deliveries to those subscriptions also carry ``X-Tracker-Signature:
t=<unix seconds>,v1=<hex HMAC-SHA256 keyed with the whole secret string over
f"{t}.".encode() + body>``, as before, and their ``webhook-signature`` is keyed with the
secret's bytes, so a Standard Webhooks receiver takes the same secret in the standard
alphabet (``legacy_secret_as_standard``). ``X-Tracker-Delivery`` repeats the id.

Any 2xx answer is delivered; anything else (3xx included: redirects are not followed), a
timeout or a connection error is tried again later. While a receiver cannot be reached at
all (connection refused, no route, the SMTP server down), the other messages for it wait
with the one that found it down rather than each trying in turn.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import hmac
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

import httpx

from application.outbox import DeliveryError, OutgoingEmail, OutgoingWebhook, Transports
from application.settings import Settings

USER_AGENT = "safeguarding-review-tracker-outbox/1"
# Headers on one line up to RFC 5322's limit: the standard folder breaks some subjects
# right after "Subject:", which readers then show with a leading space.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)


SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
_URL_SAFE = str.maketrans("-_", "+/")


def is_legacy_secret(secret: str) -> bool:
    """Made before the Standard Webhooks format: URL-safe base64 without padding (a new
    secret's 32 bytes always end in one ``=``)."""
    return not secret.removeprefix(SECRET_PREFIX).endswith("=")


def signing_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret: its base64 decoded (the standard or the
    URL-safe alphabet, padded or not: both name the same bytes)."""
    raw = secret.removeprefix(SECRET_PREFIX).strip().translate(_URL_SAFE)
    return base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)


def legacy_secret_as_standard(secret: str) -> str:
    """The same secret in the standard alphabet, as Standard Webhooks libraries read it."""
    return SECRET_PREFIX + base64.b64encode(signing_key(secret)).decode()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of f"{id}.{timestamp}.{body}">`` (Standard Webhooks)."""
    message = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The legacy ``X-Tracker-Signature`` hex HMAC-SHA256 of ``f"{timestamp}.".encode() +
    body`` keyed with ``secret`` as text."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: bytes) -> bool:
    """Whether the legacy ``header`` (``X-Tracker-Signature``) signs ``body`` with
    ``secret`` (without a freshness test)."""
    try:
        fields = dict(part.strip().split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)


class SmtpTransport:
    """E-mail through the configured SMTP server, one connection per message."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        domain = settings.smtp_from.rpartition("@")[2].strip(" >")
        self.domain = domain or "tracker.invalid"

    def message(self, email: OutgoingEmail) -> EmailMessage:
        msg = EmailMessage(policy=MAIL_POLICY)
        msg["From"] = self.settings.smtp_from
        msg["To"] = email.to
        msg["Subject"] = email.subject
        msg["Date"] = format_datetime(email.at)
        msg["Message-ID"] = f"<{email.message_id}@{self.domain}>"
        msg["X-Tracker-Delivery"] = email.message_id
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        msg.set_content(email.text)
        if email.html:  # multipart/alternative: the plain text first, then the HTML
            msg.add_alternative(email.html, subtype="html")
        return msg

    def send_email(self, email: OutgoingEmail) -> None:
        s = self.settings
        if not s.smtp_host:
            raise DeliveryError(
                "SMTP is not configured (TRACKER_SMTP_HOST is empty)", receiver_down=True
            )
        msg = self.message(email)
        try:
            smtp = self._connect()
        except smtplib.SMTPResponseException as e:  # refused the connection, EHLO, login
            code = f"{e.smtp_code} ({type(e).__name__})"
            raise DeliveryError(f"the SMTP server answered {code}", receiver_down=True) from None
        except (smtplib.SMTPException, OSError) as e:
            what = "did not answer in time" if isinstance(e, TimeoutError) else "was not reached"
            raise DeliveryError(
                f"the SMTP server {what} ({type(e).__name__})", receiver_down=True
            ) from None
        try:
            with smtp:
                smtp.send_message(msg, from_addr=s.smtp_from, to_addrs=[email.to])
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("the SMTP server refused the recipient") from None
        except smtplib.SMTPResponseException as e:
            code = f"{e.smtp_code} ({type(e).__name__})"
            raise DeliveryError(f"the SMTP server answered {code}") from None
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"SMTP failed while sending ({type(e).__name__})") from None

    def _connect(self) -> smtplib.SMTP:
        """A connection ready to send: greeted, upgraded and logged in as configured."""
        s = self.settings
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        try:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        except BaseException:
            smtp.close()
            raise
        return smtp


class WebhookTransport:
    """Signed JSON POSTs; one HTTP client (connection pool) for the transport's life."""

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    def send_webhook(self, webhook: OutgoingWebhook) -> None:
        timestamp = int(webhook.at.timestamp())
        headers = {
            "Content-Type": "application/json",
            "webhook-id": webhook.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_signature(
                webhook.secret, webhook.message_id, timestamp, webhook.body
            ),
            "X-Tracker-Delivery": webhook.message_id,
        }
        if is_legacy_secret(webhook.secret):
            headers["X-Tracker-Signature"] = signature_header(
                webhook.secret, timestamp, webhook.body
            )
        try:
            answer = self.client.post(webhook.url, content=webhook.body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            # nothing of this message reached it: the receiver is down (or unreachable)
            raise DeliveryError(
                f"could not reach the receiver ({type(e).__name__})", receiver_down=True
            ) from None
        except httpx.TimeoutException:
            raise DeliveryError("the receiver did not answer in time") from None
        except httpx.HTTPError as e:
            raise DeliveryError(f"the request failed ({type(e).__name__})") from None
        if not 200 <= answer.status_code < 300:
            raise DeliveryError(f"the receiver answered HTTP {answer.status_code}")

    def close(self) -> None:
        self.client.close()


@dataclass
class DeliveryTransports:
    """Both transports in one (what ``Outbox.deliver_due`` takes)."""

    email: SmtpTransport
    webhook: WebhookTransport

    def send_email(self, email: OutgoingEmail) -> None:
        self.email.send_email(email)

    def send_webhook(self, webhook: OutgoingWebhook) -> None:
        self.webhook.send_webhook(webhook)

    def close(self) -> None:
        self.webhook.close()


def default_transports(settings: Settings) -> DeliveryTransports:
    return DeliveryTransports(SmtpTransport(settings), WebhookTransport(settings))


__all__ = [
    "DeliveryError",
    "DeliveryTransports",
    "SmtpTransport",
    "Transports",
    "WebhookTransport",
    "default_transports",
    "is_legacy_secret",
    "legacy_secret_as_standard",
    "signature",
    "signature_header",
    "signing_key",
    "standard_signature",
    "verify_signature",
]
