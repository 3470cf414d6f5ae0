"""A partnership's own rules and templates, values that cannot change a message's shape,
and subscriptions made before Standard Webhooks still verifying."""

from __future__ import annotations

import dataclasses
import json
import secrets
from datetime import date
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from application import webhooks as webhook_module
from application.acts import RequestScoping
from application.config import Partnerships
from application.notifications import Audience
from application.outbox import Outbox
from scheduler.delivery import DeliveryTransports, legacy_secret_as_standard
from tests.integration.application.outbox.helpers import (
    BOARD,
    NOTICES,
    MakeApp,
    drain,
    legacy_signed_by,
    partners_alerted_reminder,
    plain,
    signed_by,
    with_lew,
)
from tests.support.clock import FakeClock
from tests.support.people import STAFF, ctx
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.scenario import notify_and_scope
from tests.support.stages import decided

ODD_AGENCY = "*Bold* <b>Youth</b> & [Link](https://evil.example.org)"


def lew_with(templates: Path | None = None, **rules: tuple[Audience, ...]) -> Partnerships:
    base = with_lew((BOARD,), {})
    lew = dataclasses.replace(
        base.get("LEW"),
        templates=templates,
        notifications={k.replace("__", "."): v for k, v in rules.items()},
    )
    return Partnerships({**base.by_code, "LEW": lew})


def test_a_partnerships_rule_and_template_replace_the_defaults(
    make_app: MakeApp,
    clock: FakeClock,
    smtp: SmtpReceiver,
    transports: DeliveryTransports,
    tmp_path: Path,
) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "case.scoping_requested.md").write_text(
        "Subject: LEW asks {{ agency }} for {{ reference }}\n"
        "Please return the form by {{ due_on }}: <{{ pack_link }}>\n"
    )
    partnerships = lew_with(
        tmp_path,
        case__scoping_requested=(Audience.CONTACTS,),  # the board, not the agencies
        case__partners_alerted=(),
    )
    app = make_app(partnerships=partnerships)
    case_id = decided(app, clock)
    notify_and_scope(app, clock, case_id)
    drain(Outbox(app), transports)
    mails = smtp.received()
    assert sorted(m.message["Subject"] for m in mails) == sorted(
        f"LEW asks {a} for LEW-2026-0001"
        for a in ("Lewisham Children's Social Care", "Metropolitan Police", "SLaM NHS Trust")
    )
    assert {m.rcpt_tos for m in mails} == {(BOARD,)}
    assert "Please return the form by Mon 11 Jan 2027" in plain(mails[0])


def test_a_value_is_text_in_both_parts_and_never_markup(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver, transports: DeliveryTransports
) -> None:
    app = make_app(partnerships=lew_with(case__scoping_requested=(Audience.CONTACTS,)))
    case_id = decided(app, clock)
    notify_and_scope(app, clock, case_id)
    app.execute(ctx(), RequestScoping(case_id=case_id, on=date(2027, 1, 4), agency=ODD_AGENCY))
    drain(Outbox(app), transports)
    [mail] = [m for m in smtp.received() if "Bold" in m.message["Subject"]]
    assert ODD_AGENCY in plain(mail)  # the plain text is the value as it was given
    html = mail.message.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "<b>Youth</b>" not in content
    assert "&lt;b&gt;Youth&lt;/b&gt;" in content
    assert 'href="https://evil.example.org"' not in content
    assert "<em>" not in content
    assert "*Bold*" in content


def test_a_subscription_made_before_standard_webhooks_keeps_its_secret_working(
    make_app: MakeApp,
    clock: FakeClock,
    hooks: WebhookReceiver,
    transports: DeliveryTransports,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    outbox = Outbox(app)
    # the secret as the previous release made it: whsec_ + 43 URL-safe characters
    old = "whsec_-_" + secrets.token_urlsafe(32)[2:]
    monkeypatch.setattr(webhook_module, "new_secret", lambda: old)
    _, secret = outbox.webhooks.subscribe(STAFF, hooks.url, event_types=NOTICES)
    monkeypatch.undo()
    _, fresh = outbox.webhooks.subscribe(STAFF, hooks.url + "/new", event_types=NOTICES)
    assert secret == old
    assert fresh.endswith("=")
    partners_alerted_reminder(app, clock)
    drain(outbox, transports)
    by_path = {r.path: r for r in hooks.received()}
    legacy, current = by_path["/"], by_path["/new"]
    # its receiver, written for the old header, still verifies ...
    assert legacy_signed_by(old, legacy.headers, legacy.body)
    # ... and a Standard Webhooks receiver verifies it with the same secret's bytes
    assert signed_by(legacy_secret_as_standard(old), legacy.headers, legacy.body, at=clock())
    assert "x-tracker-signature" not in current.headers
    assert signed_by(fresh, current.headers, current.body, at=clock())
    assert json.loads(legacy.body) == json.loads(current.body)
    # the library reads the new secrets as they are given
    assert (
        Webhook(fresh).sign(current.headers["webhook-id"], clock(), current.body.decode())
        == current.headers["webhook-signature"]
    )
