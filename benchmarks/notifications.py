"""Benchmark: messages collected and sent per second over generated cases.

    .venv/bin/python -m benchmarks.notifications [--cases 10000] [--send 2000]

On a fresh SQLite file (the embedded default), ``--cases`` generated cases, every
partnership configured with its contacts and recipients (``[partnerships.X.recipients]``;
the agencies are reached at the contacts their requests gave) and one webhook
subscription for all of its events:

1. **Collecting**: ``Outbox.collect`` over the whole log (every event decoded, its
   recipients decided, its e-mails rendered from their templates, its rows written with the
   outbox's position): events and delivery rows per second, against a bare baseline in the
   same run -- the library's ``select_notifications`` reading the same log a page at a time
   and the application's mapper decoding every event (no recipients, no rows).
2. **Sending**: ``Outbox.deliver_due`` of ``--send`` deliveries through the real transports
   to an SMTP server (aiosmtpd) and an HTTP receiver on loopback: messages per second,
   against the bare baseline of the same number of messages sent with ``smtplib`` and POSTed
   with ``httpx`` alone (one connection per e-mail, as the transport does; one client).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import smtplib
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import httpx

from application.config import Partnerships, load_partnerships
from application.context import Principal
from application.generate import generate
from application.outbox import Outbox
from application.settings import Settings
from domain.values import Role
from entrypoints import bootstrap
from scheduler.delivery import default_transports
from tests.support.receivers import SmtpReceiver, WebhookReceiver


def configured(path: Path) -> Partnerships:
    """Every partnership with a contact and all its recipients."""
    shipped = load_partnerships(path)
    found = {}
    for p in shipped:
        domain = p.code.lower() + ".example.org"
        recipients = {
            role: (f"{role}@{domain}",)
            for role in ("local_authority", "police", "icb", "lfp_chair", "scrutineer")
        }
        recipients["strategic_partners"] = (f"strategic@{domain}",)
        found[p.code] = dataclasses.replace(p, contacts=(f"board@{domain}",), recipients=recipients)
    return Partnerships(found, shipped.national_panel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--send", type=int, default=2_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    base = Settings(_env_file=None)
    settings = Settings(
        _env_file=None,
        env="test",
        database="sqlite",
        sqlite_path=folder / "tracker.sqlite",
        public_url="https://tracker.example.org",
    )
    smtp = SmtpReceiver().start()
    hooks = WebhookReceiver().start()
    settings = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_from": "t@example.org"}
    )
    partnerships = configured(base.partnerships_file)
    app = bootstrap.safeguarding(settings, partnerships=partnerships)
    outbox = Outbox(app)
    for p in partnerships:
        staff = Principal(f"bench-{p.code}", Role.PARTNERSHIP, p.name, (p.code,))
        outbox.webhooks.subscribe(staff, f"{hooks.url}/{p.code}")
    started = time.perf_counter()
    generate(app, args.cases, seed=1, years=3, batch=50)
    generated = time.perf_counter() - started
    events = app.recorder.max_notification_id() or 0

    # 1. collecting, against reading and decoding the same log
    started = time.perf_counter()
    position = 0
    while position < events:
        page = app.recorder.select_notifications(start=position + 1, limit=500, stop=events)
        for n in page:
            app.mapper.to_domain_event(n)
        position = page[-1].id
    bare_read = time.perf_counter() - started
    started = time.perf_counter()
    while outbox.collect(limit=500):
        pass
    collected = time.perf_counter() - started
    backlog = outbox.backlog()
    rows = sum(backlog[s] for s in ("pending", "unaddressed"))

    # 2. sending, against smtplib and httpx alone
    transports = default_transports(settings)
    sent = 0
    started = time.perf_counter()
    while sent < args.send:
        report = outbox.deliver_due(transports, limit=min(100, args.send - sent))
        if report.sent == 0:
            break
        sent += report.sent
    sending = time.perf_counter() - started
    transports.close()
    kinds = outbox.deliveries(partnerships=[p.code for p in partnerships], limit=args.send)
    emails = sum(1 for d in kinds if d.channel == "email" and d.status == "sent")
    webhooks = sent - emails
    started = time.perf_counter()
    for i in range(emails):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "t@example.org", "x@example.org", f"bare {i}"
        msg.set_content("A line of text.\n" * 12)
        with smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as s:
            s.send_message(msg)
    with httpx.Client(timeout=10) as client:
        for i in range(webhooks):
            client.post(f"{hooks.url}/bare", content=b'{"type": "bare", "n": %d}' % i)
    bare_send = time.perf_counter() - started
    smtp.stop()
    hooks.stop()
    app.close()

    print(f"## Notifications: collected and sent ({time.strftime('%Y-%m-%d')})\n")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores,"
    )
    print(
        f"SQLite; {args.cases:,} generated cases, {events:,} events "
        f"(generated in {generated:.0f} s)\n"
    )
    print("| step | what | seconds | per second | bare baseline | ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| collect | {events:,} events into {rows:,} deliveries | {collected:.1f} | "
        f"{events / collected:,.0f} events, {rows / collected:,.0f} rows | "
        f"read + decode: {events / bare_read:,.0f} events/s | "
        f"{bare_read / collected:.1%} |"
    )
    print(
        f"| send | {sent:,} ({emails:,} e-mails, {webhooks:,} webhooks) | {sending:.1f} | "
        f"{sent / sending:,.0f} messages | smtplib + httpx: {sent / bare_send:,.0f}/s | "
        f"{bare_send / sending:.1%} |"
    )


if __name__ == "__main__":
    main()
