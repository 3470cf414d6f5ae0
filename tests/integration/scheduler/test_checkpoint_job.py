"""The scheduler signs a checkpoint of the log and publishes it off the database: by e-mail
to each partnership's scrutineer contacts and as a ``checkpoint_signed`` webhook, once
each; a scrutineer verifies the note it received against the key printed on first use."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from application.ledger.notes import Verifier, read_checkpoint
from application.service import Safeguarding
from application.webhooks import WebhookSubscriptions
from entrypoints import bootstrap
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME, STAFF
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.scenario import decide_met, refer


def test_a_signed_checkpoint_goes_to_the_scrutineers_and_the_webhooks_once(
    make_tracker: Callable[..., Safeguarding],
    clock: FakeClock,
    smtp: SmtpReceiver,
    tmp_path: Path,
) -> None:
    hooks = WebhookReceiver().start()
    try:
        app = make_tracker(
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            checkpoint_key_file=tmp_path / "signing.key",
            checkpoint_public_keys_file=tmp_path / "public.txt",
        )
        decide_met(app, clock, refer(app, clock))
        WebhookSubscriptions(app).subscribe(STAFF, hooks.url + "/lew")
        jobs = bootstrap.scheduler_jobs(app)
        try:
            made = jobs.sign_checkpoint()
            assert jobs.deliver().sent == 3  # LEW's and BHR's scrutineers, LEW's webhook
            assert jobs.deliver().sent == 0  # once
        finally:
            jobs.close()
        key = Verifier.parse((tmp_path / "public.txt").read_text().strip())

        mails = {m.rcpt_tos: m.message for m in smtp.received()}
        assert set(mails) == {
            ("independent-scrutineer@lewisham-partnership.example.org",),
            ("independent-scrutineer@bhr-partnership.example.org",),
        }
        body = next(iter(mails.values())).get_content().replace("\r\n", "\n")
        assert "tracker verify --checkpoint FILE" in body
        received = body[body.index(app.settings.log_origin) :]
        assert read_checkpoint(received, [key]).checkpoint.size == made.size
        assert CHILD_NAME not in body

        [hook] = hooks.received()
        payload = json.loads(hook.body)
        assert payload["type"] == "log.checkpoint_signed"
        assert payload["data"]["size"] == made.size
        signed = read_checkpoint(payload["data"]["note"], [key]).checkpoint
        assert signed.root == made.root
    finally:
        hooks.stop()
