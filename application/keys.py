"""API keys: random, shown once, stored only as a hash, bound to a principal.

A key reads ``srt_<key id>_<secret>``. The key id names the ``ApiKey`` aggregate (so a key
is found without scanning), the secret is 32 random bytes of which only the SHA-256 is
stored. Issuing and revoking are events like any other, with who did it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event

from application.context import Principal
from application.errors import NotFoundError
from domain.values import Role, parse

PREFIX = "srt"
_NAMESPACE = uuid5(NAMESPACE_URL, "urn:safeguarding-review-tracker:api-keys")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(Aggregate):
    @staticmethod
    def create_id(key_id: str) -> UUID:
        return uuid5(_NAMESPACE, key_id)

    @event("Issued")
    def __init__(
        self,
        key_id: str,
        secret_sha256: str,
        principal_id: str,
        role: str,
        agency: str,
        partnerships: tuple[str, ...],
        label: str,
        issued_by: str,
    ) -> None:
        self.key_id = key_id
        self.secret_sha256 = secret_sha256
        self.principal_id = principal_id
        self.role = role
        self.agency = agency
        self.partnerships = tuple(partnerships)
        self.label = label
        self.issued_by = issued_by
        self.revoked = False

    @event("Revoked")
    def revoke(self, revoked_by: str, reason: str) -> None:
        self.revoked = True

    def principal(self) -> Principal:
        return Principal(
            id=self.principal_id,
            role=Role(self.role),
            agency=self.agency,
            partnerships=self.partnerships,
        )


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    principal_id: str
    role: str
    agency: str
    partnerships: tuple[str, ...]
    label: str
    issued_at: datetime
    revoked: bool


def _info(key: ApiKey) -> KeyInfo:
    return KeyInfo(
        key_id=key.key_id,
        principal_id=key.principal_id,
        role=key.role,
        agency=key.agency,
        partnerships=key.partnerships,
        label=key.label,
        issued_at=key.created_on,
        revoked=key.revoked,
    )


def issue_key(
    app: Application[UUID],
    *,
    principal_id: str,
    role: str,
    partnerships: Sequence[str],
    agency: str = "",
    label: str = "",
    issued_by: str = "cli",
) -> tuple[str, KeyInfo]:
    """Create a key; returns the plaintext (shown once, never stored) and its record."""
    role_ = parse(Role, role, "role")
    if role_ is Role.SYSTEM:
        raise ValueError("the system role is the tracker's own (its scheduler); no key holds it")
    if not principal_id.strip():
        raise ValueError("a key is bound to a principal id")
    if role_ is not Role.ADMIN and len(partnerships) != 1 and role_ is not Role.ANALYST:
        raise ValueError(
            "a principal belongs to one partnership (admins and analysts may span several)"
        )
    if role_ in (Role.AGENCY, Role.PARTNER) and not agency.strip():
        raise ValueError(f"a {role_.value} key names the agency (or partner) it speaks for")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        key_id=key_id,
        secret_sha256=_digest(secret),
        principal_id=principal_id.strip(),
        role=role_.value,
        agency=agency.strip(),
        partnerships=tuple(partnerships),
        label=label,
        issued_by=issued_by,
    )
    app.save(key)
    return f"{PREFIX}_{key_id}_{secret}", _info(key)


def authenticate(app: Application[UUID], presented: str) -> Principal | None:
    """The principal of a valid, unrevoked key; None for anything else."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 12:
        return None
    # read as stored now, never from the aggregate cache: a key revoked by another process
    # (``tracker keys revoke``) is refused by the next request (an indexed read of the
    # key's stream, two events at most)
    key: ApiKey | None = None
    for stored in app.events.get(ApiKey.create_id(parts[1])):
        key = cast(Any, stored).mutate(key)
    if key is None:
        return None
    if key.revoked or not hmac.compare_digest(key.secret_sha256, _digest(parts[2])):
        return None
    return key.principal()


def revoke_key(
    app: Application[UUID], key_id: str, *, revoked_by: str = "cli", reason: str = ""
) -> KeyInfo:
    try:
        key: ApiKey = app.repository.get(ApiKey.create_id(key_id))
    except AggregateNotFoundError:
        raise NotFoundError(f"no key {key_id}") from None
    if not key.revoked:
        key.revoke(revoked_by=revoked_by, reason=reason)
        app.save(key)
    return _info(key)


def list_keys(app: Application[UUID]) -> Iterator[KeyInfo]:
    topic = f"{ApiKey.__module__}:{ApiKey.__qualname__}.Issued"
    start = 1
    while True:
        batch = app.recorder.select_notifications(start=start, limit=500, topics=[topic])
        if not batch:
            return
        for n in batch:
            key: ApiKey = app.repository.get(UUID(str(n.originator_id)))
            yield _info(key)
        start = batch[-1].id + 1


def key_id_of(presented: str) -> str | None:
    """The key id a presented key names (its form only: ``authenticate`` checks it)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def principal_of_key(app: Application[UUID], key_id: str) -> Principal | None:
    """The principal of the key ``key_id`` while it is not revoked (for a session opened
    with it: the secret was checked at sign-in and is not kept)."""
    if len(key_id) != 12:
        return None
    try:
        key: ApiKey = app.repository.get(ApiKey.create_id(key_id))
    except AggregateNotFoundError:
        return None
    return None if key.revoked else key.principal()
