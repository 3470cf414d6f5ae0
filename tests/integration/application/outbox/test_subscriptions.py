"""Webhook subscriptions: the caller's own, checked URLs, the signing secret at rest,
revocation and idempotency."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from application.context import Principal
from application.errors import IdempotencyKeyReusedError, NotFoundError, NotPermittedError
from application.outbox import Outbox
from application.service import Safeguarding
from application.webhooks import InvalidWebhookUrlError
from domain.values import Role
from scheduler.delivery import DeliveryTransports, default_transports
from tests.conftest import TEST_KEY
from tests.integration.application.outbox.helpers import (
    MET,
    NOTICES,
    POLICE_AGENCY,
    SLAM,
    MakeApp,
    breach,
    by_channel,
    drain,
    partners_alerted_reminder,
    signed_by,
)
from tests.support.clock import FakeClock
from tests.support.people import ANALYST, HIL_STAFF, SCRUTINEER, STAFF
from tests.support.receivers import WebhookReceiver


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
    _, secret = outbox.webhooks.subscribe(STAFF, hooks.url, event_types=NOTICES)
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


def test_without_a_key_the_signing_secret_is_kept_as_given(make_app: MakeApp) -> None:
    app = make_app(encrypt_at_rest=False)
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
    sub, _ = outbox.webhooks.subscribe(STAFF, hooks.url, event_types=NOTICES)
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
