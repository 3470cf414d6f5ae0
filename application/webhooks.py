"""Webhook subscriptions: where the outbox posts a partnership's events.

A partnership's staff subscribe a URL for their partnership, for every agency or for one
(``agency``: only the cases that agency takes part in, and of the reminders and breaches
only the clocks it is responsible for -- its scoping return, the actions it owns); an agency
system subscribes for its own agency only; no other role subscribes. ``event_types``
narrows it to some types (``application/notifications.py``: ``case.scoping_requested``,
``case.*``, ``review.*``); a subscription hears of the events recorded after it was made
(``from_position``). Subscribing returns a ``whsec_`` signing secret, once: every delivery
is signed with it in the Standard Webhooks format (see ``scheduler/delivery.py``). The
secret is kept so that later deliveries can be signed; when the tracker has an encryption
key (``TRACKER_ENCRYPTION_KEY``) it is stored encrypted with the event store's own cipher
(AES-GCM), else as given.

URLs must be ``http`` or ``https`` with a host and no user name or password in them. A
revoked subscription gets nothing more; what was waiting for it is cancelled, visibly.
``Idempotency-Key``: a subscription made with a key is returned again (with its secret) to
the same principal sending the same key and URL; the same key with another request is
refused.

The table ``webhook_subscriptions`` lives beside the events, in the same SQLite file or
PostgreSQL schema, written through the event store's own connections (as
``application/access.py``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from eventsourcing.persistence import IntegrityError

from application.context import Principal
from application.errors import IdempotencyKeyReusedError, NotFoundError, NotPermittedError
from application.notifications import check_type_pattern, type_matches
from application.sidetables import SideTables
from domain.values import CONTROL_CHARACTERS, Role

if TYPE_CHECKING:
    from application.service import Safeguarding

MAX_URL_LENGTH = 2000
MAX_AGENCY_LENGTH = 200


class InvalidWebhookError(ValueError):
    """A subscription the tracker refuses to record (nothing is recorded)."""

    code = "invalid_value"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidWebhookUrlError(InvalidWebhookError):
    code = "invalid_webhook_url"


@dataclass(frozen=True)
class Subscription:
    id: int
    partnership: str
    agency: str  # "" = every agency's clocks and the partnership's own
    url: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    revoked_by: str = ""
    event_types: tuple[str, ...] = ()  # () = every type; else types, "case.*", "review.*"
    from_position: int = 0  # the log's end when subscribed: it hears of what came after

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def takes(self, event_type: str) -> bool:
        """Whether this subscription's ``event_types`` take ``event_type``."""
        return not self.event_types or any(type_matches(p, event_type) for p in self.event_types)

    def hears_of(self, agency: str) -> bool:
        """Whether a notice for a clock ``agency`` is responsible for ("" for the
        partnership's own clocks) goes to this subscription."""
        return not self.agency or self.agency.casefold() == agency.strip().casefold()


_COLUMNS = (
    "id, partnership, agency, url, created_at, created_by, revoked_at, revoked_by, "
    "event_types, from_position"
)


_SUBSCRIBERS = frozenset({Role.PARTNERSHIP, Role.AGENCY})


def new_secret() -> str:
    """``whsec_`` and 32 random bytes in standard base64 (Standard Webhooks); older
    secrets have 43 URL-safe characters (``scheduler/delivery.py:signing_key``)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> str:
    """``url`` stripped, or InvalidWebhookUrlError: http(s), a host, no credentials."""
    if not isinstance(url, str):
        raise InvalidWebhookUrlError("the webhook URL must be text")
    url = url.strip()
    if not url:
        raise InvalidWebhookUrlError("the webhook URL is required")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhookUrlError(f"the webhook URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() for ch in url) or CONTROL_CHARACTERS.search(url):
        raise InvalidWebhookUrlError("the webhook URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise InvalidWebhookUrlError("the webhook URL is malformed") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidWebhookUrlError(
            f"a webhook URL is http:// or https://, not {parts.scheme or 'a bare path'!r}"
        )
    if not parts.hostname:
        raise InvalidWebhookUrlError("the webhook URL has no host")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrlError(
            "the webhook URL carries a user name or password; the signature authenticates "
            "the tracker instead"
        )
    return url


class WebhookSubscriptions(SideTables):
    """Subscribe, list and revoke webhooks; the outbox asks who hears of what."""

    def __init__(self, app: Safeguarding) -> None:
        super().__init__(app.datastore)
        self.app = app
        self.t = self.table("webhook_subscriptions")

    # ------------------------------------------------------------------ the secret

    def _cipher(self) -> Any:
        return getattr(self.app.mapper, "cipher", None)

    def _seal(self, secret: str) -> str:
        cipher = self._cipher()
        if cipher is None:
            return "plain:" + secret
        sealed = cipher.encrypt(secret.encode())
        return "aesgcm:" + base64.b64encode(sealed).decode()

    def _open(self, stored: str) -> str:
        kind, _, value = stored.partition(":")
        if kind == "plain":
            return value
        cipher = self._cipher()
        if cipher is None:
            raise LookupError(
                "the subscription's signing secret is encrypted and no encryption key is configured"
            )
        return str(cipher.decrypt(base64.b64decode(value)).decode())

    # ------------------------------------------------------------------ commands

    def subscribe(
        self,
        principal: Principal,
        url: str,
        agency_filter: str | None = None,
        *,
        partnership: str | None = None,
        idempotency_key: str = "",
        event_types: Sequence[str] = (),
    ) -> tuple[Subscription, str]:
        """Record a subscription; returns it and its signing secret (shown this once, or
        again to a retry with the same idempotency key). ``event_types``: only these
        types (``application/notifications.py``; ``case.*``, ``review.*``); none: all."""
        if principal.role not in _SUBSCRIBERS:
            raise NotPermittedError(f"the {principal.role.value} role may not subscribe webhooks")
        chosen = partnership or (
            principal.partnerships[0] if len(principal.partnerships) == 1 else ""
        )
        if not chosen or not principal.may_see(chosen):
            raise NotPermittedError(f"not a member of partnership {chosen or '(none named)'!r}")
        self.app.partnerships.get(chosen)  # an unknown partnership is refused
        agency = (agency_filter or "").strip()
        if principal.role is Role.AGENCY:
            if agency and agency.casefold() != principal.agency.strip().casefold():
                raise NotPermittedError(
                    f"{principal.agency} may subscribe for its own agency only, not {agency}"
                )
            agency = principal.agency.strip()
        if len(agency) > MAX_AGENCY_LENGTH:
            raise InvalidWebhookError(f"agency is longer than {MAX_AGENCY_LENGTH} characters")
        if CONTROL_CHARACTERS.search(agency):
            raise InvalidWebhookError("agency contains a control character")
        url = check_url(url)
        types = tuple(dict.fromkeys(t.strip() for t in event_types))
        unknown = [t for t in types if not check_type_pattern(t)]
        if unknown:
            example = "a type such as case.scoping_requested, or case.*, review.*"
            raise InvalidWebhookError(f"unknown event type {unknown[0]!r} ({example})")
        fingerprint = hashlib.sha256(
            json.dumps([chosen, agency, url, *types], separators=(",", ":")).encode()
        ).hexdigest()
        self.setup()
        if idempotency_key:
            prior = self._by_key(principal.id, idempotency_key, fingerprint)
            if prior is not None:
                return prior
        secret = new_secret()
        statement = (
            f"INSERT INTO {self.t} (partnership, agency, url, secret, created_at, "  # noqa: S608
            "created_by, idempotency_key, fingerprint, event_types, from_position) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}"
        )
        values = (
            chosen,
            agency,
            url,
            self._seal(secret),
            self.at(self.app.clock()),
            principal.id,
            idempotency_key or None,
            fingerprint,
            " ".join(types),
            self.app.recorder.max_notification_id() or 0,
        )
        try:
            with self.cursor(commit=True) as c:
                c.execute(self.sql(statement), values)
                row = c.fetchone()
        except IntegrityError:
            # the same key, sent twice at once: the other request recorded it
            prior = self._by_key(principal.id, idempotency_key, fingerprint)
            if prior is None:
                raise
            return prior
        return self._subscription(row), secret

    def _by_key(
        self, principal_id: str, key: str, fingerprint: str
    ) -> tuple[Subscription, str] | None:
        statement = (
            f"SELECT {_COLUMNS}, secret, fingerprint FROM {self.t} "  # noqa: S608
            "WHERE created_by = ? AND idempotency_key = ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (principal_id, key))
            row = c.fetchone()
        if row is None:
            return None
        r = self.row(row)
        if r["fingerprint"] != fingerprint:
            raise IdempotencyKeyReusedError(
                f"idempotency key {key!r} was already used for a different subscription"
            )
        return self._subscription(r), self._open(r["secret"])

    def subscriptions(
        self, principal: Principal, *, include_revoked: bool = False
    ) -> list[Subscription]:
        """The subscriptions ``principal`` may see: a partnership's staff, all of their
        partnership's; an agency, its own agency's."""
        if principal.role not in _SUBSCRIBERS or not principal.partnerships:
            raise NotPermittedError(f"the {principal.role.value} role has no webhooks")
        self.setup()
        marks = ", ".join("?" * len(principal.partnerships))
        statement = f"SELECT {_COLUMNS} FROM {self.t} WHERE partnership IN ({marks})"  # noqa: S608
        if not include_revoked:
            statement += " AND revoked_at IS NULL"
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement + " ORDER BY id"), tuple(principal.partnerships))
            found = [self._subscription(r) for r in c.fetchall()]
        return [s for s in found if self._visible(principal, s)]

    def own(self, principal: Principal, subscription_id: int) -> Subscription:
        """One of the subscriptions ``principal`` may see; another's is "not found"."""
        found = self.get(subscription_id)
        if (
            found is None
            or principal.role not in _SUBSCRIBERS
            or not principal.may_see(found.partnership)
            or not self._visible(principal, found)
        ):
            raise NotFoundError(f"no webhook subscription {subscription_id}")
        return found

    def revoke(self, principal: Principal, subscription_id: int) -> Subscription:
        """Stop a subscription (again: no change). Another's is "not found"."""
        found = self.own(principal, subscription_id)
        if found.revoked_at is None:
            statement = (
                f"UPDATE {self.t} SET revoked_at = ?, revoked_by = ? "  # noqa: S608
                "WHERE id = ? AND revoked_at IS NULL"
            )
            with self.cursor(commit=True) as c:
                c.execute(
                    self.sql(statement),
                    (self.at(self.app.clock()), principal.id, subscription_id),
                )
        revoked = self.get(subscription_id)
        assert revoked is not None
        return revoked

    # ------------------------------------------------------------------ for the outbox

    def get(self, subscription_id: int) -> Subscription | None:
        self.setup()
        statement = f"SELECT {_COLUMNS} FROM {self.t} WHERE id = ?"  # noqa: S608
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (subscription_id,))
            row = c.fetchone()
        return None if row is None else self._subscription(row)

    def active(self, partnership: str) -> list[Subscription]:
        self.setup()
        statement = (
            f"SELECT {_COLUMNS} FROM {self.t} "  # noqa: S608
            "WHERE partnership = ? AND revoked_at IS NULL ORDER BY id"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (partnership,))
            return [self._subscription(r) for r in c.fetchall()]

    def for_delivery(self, subscription_id: int) -> tuple[Subscription | None, str]:
        """The subscription and its signing secret in one read (None: no such one;
        LookupError: its secret cannot be decrypted)."""
        self.setup()
        statement = f"SELECT {_COLUMNS}, secret FROM {self.t} WHERE id = ?"  # noqa: S608
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (subscription_id,))
            row = c.fetchone()
        if row is None:
            return None, ""
        found = self._subscription(row)
        return found, (self._open(str(self.row(row)["secret"])) if found.active else "")

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _visible(principal: Principal, s: Subscription) -> bool:
        if principal.role is Role.AGENCY:
            return s.agency.casefold() == principal.agency.strip().casefold()
        return principal.role is Role.PARTNERSHIP

    def _subscription(self, row: Any) -> Subscription:
        r = self.row(row)
        created = self.instant(r["created_at"])
        assert created is not None
        return Subscription(
            id=int(r["id"]),
            partnership=str(r["partnership"]),
            agency=str(r["agency"]),
            url=str(r["url"]),
            created_at=created,
            created_by=str(r["created_by"]),
            revoked_at=self.instant(r["revoked_at"]),
            revoked_by=str(r["revoked_by"] or ""),
            event_types=tuple(str(r["event_types"] or "").split()),
            from_position=int(r["from_position"] or 0),
        )
