"""`tracker schedule` sends the messages the partnership's rules name and every event as a
Standard Webhook, on the real clock, to a real SMTP server and a real HTTP receiver on
loopback; killed (``os._exit``, as by kill -9) after collecting and before sending, then
restarted, it loses and repeats nothing. Every webhook is verified by the receiver with the
``standardwebhooks`` library, freshness check included (the processes run on real time).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook

from application.acts import AlertPartners, RecommendCriteria
from application.outbox import Outbox
from application.service import Safeguarding
from application.settings import Settings
from scheduler.jobs import FAILPOINTS_VARIABLE
from tests.e2e.entrypoints.test_scheduler_processes import refer_a_month_ago, start, stop
from tests.support.people import CHILD_NAME, MOTHER_NAME, STAFF, ctx
from tests.support.processes import eventually
from tests.support.receivers import SmtpReceiver, WebhookReceiver

LEADS = ("la@example.org", "police@example.org", "icb@example.org")
CHAIR = "lfp-chair@example.org"


def partnerships_file(tmp_path: Path) -> Path:
    """The shipped file with LEW's recipients added (as a deployment would write them)."""
    shipped = Path(Settings(_env_file=None).partnerships_file).read_text()
    assert "\n[partnerships.LEW.recipients]" not in shipped  # only a commented example
    extra = (
        "\n[partnerships.LEW.recipients]\n"
        f'local_authority = ["{LEADS[0]}"]\npolice = ["{LEADS[1]}"]\nicb = ["{LEADS[2]}"]\n'
        f'lfp_chair = ["{CHAIR}"]\n'
    )
    path = tmp_path / "partnerships.toml"
    path.write_text(shipped + extra)
    tomllib.loads(path.read_text())  # still one valid file
    return path


def test_a_scheduler_killed_after_collecting_sends_every_message_and_webhook_once_on_restart(
    make_settings: Callable[..., Settings],
    store: dict[str, Any],
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    path = partnerships_file(tmp_path)
    tracker = Safeguarding(make_settings(partnerships_file=path))
    hooks = WebhookReceiver().start()
    _, secret = Outbox(tracker).webhooks.subscribe(STAFF, hooks.url + "/lew")
    case_id = refer_a_month_ago(tracker)
    on = datetime.now(UTC).date() - timedelta(days=30)
    tracker.execute(
        ctx(),
        AlertPartners(
            case_id=case_id, on=on, recipients=["local_authority", "police", "icb", "lfp_chair"]
        ),
    )
    tracker.execute(
        ctx(), RecommendCriteria(case_id=case_id, on=on, recommendation="met", rationale="r")
    )
    env = {"TRACKER_PARTNERSHIPS_FILE": str(path)}
    crashing = start(
        store, smtp, tmp_path / "a.log", **env, **{FAILPOINTS_VARIABLE: "after_collected"}
    )
    assert crashing.wait(timeout=60) == 86  # died with every delivery recorded, none sent
    assert smtp.received() == []
    assert hooks.received() == []
    outbox = Outbox(tracker)
    rows = outbox.deliveries(partnerships=["LEW"], limit=500)
    assert rows
    assert {d.status for d in rows} == {"pending"}

    restarted = start(store, smtp, tmp_path / "b.log", **env)
    try:

        def all_sent() -> bool:
            found = outbox.deliveries(partnerships=["LEW"], limit=500)
            return bool(found) and all(d.status == "sent" for d in found)

        eventually(all_sent, "every delivery sent after the restart")
        sent = outbox.deliveries(partnerships=["LEW"], limit=500)
        emails = [d for d in sent if d.channel == "email"]
        webhooks = [d for d in sent if d.channel == "webhook"]
        eventually(lambda: len(smtp.received()) >= len(emails), "the e-mails")
        eventually(lambda: len(hooks.received()) >= len(webhooks), "the webhooks")
        stop(restarted)  # nothing more may come
        mails = smtp.received()
        assert len(mails) == len(emails)
        assert set(Counter(m.message["Message-ID"] for m in mails).values()) == {1}
        got = Counter((m.rcpt_tos[0], m.message["Subject"].split(":")[0]) for m in mails)
        for lead in LEADS:
            assert got[(lead, "Partners alerted")] == 1
            assert got[(lead, "Criteria recommendation made")] == 1
        assert got[(CHAIR, "Partners alerted")] == 1
        assert got[(CHAIR, "Criteria recommendation made")] == 0
        for m in mails:
            text = m.raw.decode(errors="replace")
            assert CHILD_NAME not in text
            assert MOTHER_NAME not in text

        requests = hooks.received()
        # every event of the case (the referral, the acts, the watch's breaches), once
        assert len(requests) == len(webhooks) == len(list(tracker.events.get(case_id)))
        assert set(Counter(r.headers["webhook-id"] for r in requests).values()) == {1}
        for r in requests:  # what a receiver runs, on the real clock
            body = Webhook(secret).verify(r.body, r.headers)
            assert body["data"]["partnership"] == "LEW"
    finally:
        stop(restarted)
        hooks.stop()
        tracker.close()
