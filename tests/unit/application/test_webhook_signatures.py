"""The webhook signature is Standard Webhooks' own: the reference library verifies it, with
every secret the tracker has made, new and old."""

from __future__ import annotations

import base64
import secrets
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from application.webhooks import new_secret
from scheduler.delivery import (
    is_legacy_secret,
    legacy_secret_as_standard,
    signing_key,
    standard_signature,
)

BODY = b'{"data": {"reference": "LEW-2026-0001"}, "timestamp": "x", "type": "case.x"}'


def headers(secret: str, message_id: str = "msg_1", at: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, message_id, timestamp, BODY),
    }


def test_a_new_secret_is_whsec_and_32_bytes_of_standard_base64() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert not is_legacy_secret(secret)


def test_the_reference_library_verifies_what_the_tracker_signs() -> None:
    secret = new_secret()
    assert Webhook(secret).verify(BODY, headers(secret)) == {
        "data": {"reference": "LEW-2026-0001"},
        "timestamp": "x",
        "type": "case.x",
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers(secret))  # another secret
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY + b" ", headers(secret))  # another body
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers(secret, at=int(time.time()) - 600))  # stale
    tampered = {**headers(secret), "webhook-id": "msg_2"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, tampered)


@pytest.mark.parametrize("attempt", range(20))
def test_an_older_secret_signs_with_its_own_bytes(attempt: int) -> None:
    old = "whsec_" + secrets.token_urlsafe(32)  # as the previous release made them
    assert is_legacy_secret(old)
    raw = old.removeprefix("whsec_")
    assert signing_key(old) == base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    standard = legacy_secret_as_standard(old)
    assert Webhook(standard).verify(BODY, headers(old)) is not None
    if "-" not in raw and "_" not in raw:  # the same text in both alphabets
        assert Webhook(old).verify(BODY, headers(old)) is not None
