"""Each reminder and breach reaches its people and systems exactly once, with nothing
personal in it, however many processes collect and deliver it at the same time."""

from __future__ import annotations

import json
import threading
from datetime import date
from uuid import UUID

from application.acts import AgreeAction, CommissionReview
from application.outbox import Outbox
from application.service import Safeguarding
from scheduler.delivery import default_transports
from tests.integration.application.outbox.helpers import (
    BOARD,
    MET,
    NOTICES,
    POLICE_AGENCY,
    POLICE_LEAD,
    SLAM,
    MakeApp,
    breach,
    by_channel,
    drain,
    partners_alerted_reminder,
    plain,
    remind,
    signed_by,
)
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME, HIL_STAFF, MOTHER_NAME, STAFF, ctx
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.scenario import decide_met, notify_and_scope

# what the scenario's referral holds that must never leave in a message
PERSONAL = (
    CHILD_NAME,
    MOTHER_NAME,
    "Quillon",
    "Marchbanks",
    "Imaginary Row",
    "943 476 5919",
    "Ada Referrer",
    "Dee Lead",
    "unexplained injuries",
    "grandmother",
)


def three_notices(app: Safeguarding, clock: FakeClock) -> tuple[UUID, UUID]:
    """The partnership's own clock (reminder), the police's scoping form (breach) and an
    action owned by the trust (reminder)."""
    case_id = partners_alerted_reminder(app, clock)
    decide_met(app, clock, case_id)
    notify_and_scope(app, clock, case_id)  # scoping asked on Mon 4 Jan, due Mon 11 Jan
    clock.set_day(date(2027, 1, 13))
    breach(
        app,
        clock,
        case_id,
        "scoping_returned",
        subject=MET,
        started_on=date(2027, 1, 4),
        due_on=date(2027, 1, 11),
    )
    review_id = app.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 1, 13), case_ids=[case_id]
        ),
    ).id
    app.execute(
        ctx(),
        AgreeAction(
            review_id=review_id,
            on=date(2027, 1, 13),
            description="Audit the referral pathway",
            owner_agency=SLAM,
            due_on=date(2027, 3, 1),
        ),
    )
    remind(
        app,
        clock,
        review_id,
        "action_due",
        subject="A1",
        started_on=date(2027, 1, 13),
        due_on=date(2027, 3, 1),
    )
    return case_id, review_id


def assert_no_personal_data(text: str) -> None:
    for name in PERSONAL:
        assert name not in text, name


def test_each_notice_reaches_its_people_and_systems_exactly_once_without_names(
    make_app: MakeApp, clock: FakeClock, smtp: SmtpReceiver, hooks: WebhookReceiver
) -> None:
    app, other = make_app(), make_app()  # two processes on one store
    outboxes = [Outbox(app), Outbox(other)]
    subs = outboxes[0].webhooks
    every, every_secret = subs.subscribe(STAFF, hooks.url + "/every", event_types=NOTICES)
    police, police_secret = subs.subscribe(
        POLICE_AGENCY, hooks.url + "/police", event_types=NOTICES
    )
    trust, trust_secret = subs.subscribe(STAFF, hooks.url + "/trust", SLAM, event_types=NOTICES)
    hil, _ = subs.subscribe(HIL_STAFF, hooks.url + "/hil", event_types=NOTICES)
    assert (police.agency, trust.agency, every.agency) == (MET, SLAM, "")
    secrets_by_path = {"/every": every_secret, "/police": police_secret, "/trust": trust_secret}

    case_id, review_id = three_notices(app, clock)

    # both processes collect and deliver, again and again, at the same time
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(outbox: Outbox) -> None:
        transports = default_transports(outbox.app.settings)
        try:
            start.wait()
            for _ in range(6):
                outbox.collect(limit=1)
                outbox.deliver_due(transports, limit=2)
        except BaseException as e:
            failures.append(e)
        finally:
            transports.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in outboxes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    for o in outboxes:
        again = default_transports(app.settings)
        drain(o, again)
        again.close()

    # e-mail: the board hears of every notice, the police lead of the police's own clock;
    # and each agency asked for a scoping form had its request (the police at its configured
    # address, the others at the contact their request gave)
    mails = smtp.received()
    got = sorted((m.rcpt_tos, m.message["Subject"]) for m in mails)
    assert got == sorted(
        [
            ((BOARD,), "Reminder: partners alerted, LEW-2026-0001, due Thu 24 Dec 2026"),
            (
                (BOARD,),
                "Deadline breached: scoping form returned, LEW-2026-0001, due Mon 11 Jan 2027",
            ),
            (
                (POLICE_LEAD,),
                "Deadline breached: scoping form returned, LEW-2026-0001, due Mon 11 Jan 2027",
            ),
            ((BOARD,), "Reminder: action completed, LEW-R-2027-0001, due Mon 1 Mar 2027"),
            *(
                ((to,), f"Scoping request for {agency}: LEW-2026-0001, return by Mon 11 Jan 2027")
                for to, agency in (
                    (POLICE_LEAD, MET),
                    ("lead@Lewi.example", "Lewisham Children's Social Care"),
                    ("lead@SLaM.example", SLAM),
                )
            ),
        ]
    )
    emails = {(d.recipient, d.reference, d.version): d for d in by_channel(outboxes[0], "email")}
    assert len(emails) == 7
    assert all(d.status == "sent" and d.attempts == 1 for d in emails.values())
    ids = {f"<{d.message_id}@example.org>" for d in emails.values()}
    assert {m.message["Message-ID"] for m in mails} == ids  # each once, with its stable id
    for m in mails:
        raw = m.raw.decode()
        assert_no_personal_data(raw)
        assert m.message["From"] == "tracker@example.org"
        assert m.message["X-Tracker-Delivery"] in m.message["Message-ID"]
    police_mail = next(
        m for m in mails if m.rcpt_tos == (POLICE_LEAD,) and "breached" in m.message["Subject"]
    )
    text = plain(police_mail)
    assert f"https://tracker.example.org/api/v1/cases/{case_id}" in text
    assert "Agency:      Metropolitan Police" in text
    assert "Breached:    Tue 12 Jan 2027" in text
    assert "2 working days past due when recorded (Wed 13 Jan 2027)" in text
    action_mail = next(m for m in mails if "action completed" in m.message["Subject"])
    assert "Action:      A1, owned by SLaM NHS Trust" in plain(action_mail)
    assert f"/api/v1/reviews/{review_id}" in plain(action_mail)

    # webhooks: every notice to the partnership's, the police's and the trust's own
    requests = hooks.received()
    assert sorted(r.path for r in requests) == [
        "/every",
        "/every",
        "/every",
        "/police",
        "/trust",
    ]
    assert len({r.headers["x-tracker-delivery"] for r in requests}) == 5
    for r in requests:
        assert signed_by(secrets_by_path[r.path], r.headers, r.body)  # standardwebhooks
        another = "/trust" if r.path != "/trust" else "/every"
        assert not signed_by(secrets_by_path[another], r.headers, r.body)
        assert "x-tracker-signature" not in r.headers  # new secrets: Standard Webhooks only
        assert r.headers["content-type"] == "application/json"
        assert r.headers["webhook-id"] == r.headers["x-tracker-delivery"]
        assert_no_personal_data(r.body.decode())
        body = json.loads(r.body)
        assert set(body) == {"type", "timestamp", "data"}
        assert body["data"]["partnership"] == "LEW"
    police_hook = json.loads(next(r for r in requests if r.path == "/police").body)
    assert police_hook["type"] == "case.deadline_breached"
    data = police_hook["data"]
    assert police_hook["timestamp"] == data["recorded_at"]
    assert {k: data[k] for k in data if k not in ("recorded_at", "position")} == {
        "aggregate": "case",
        "stream_id": str(case_id),
        "version": data["version"],
        "reference": "LEW-2026-0001",
        "partnership": "LEW",
        "clock": "scoping_returned",
        "subject": MET,
        "agency": MET,
        "started_on": "2027-01-04",
        "due_on": "2027-01-11",
        "on": "2027-01-12",
        "link": f"https://tracker.example.org/api/v1/cases/{case_id}",
    }
    trust_hook = json.loads(next(r for r in requests if r.path == "/trust").body)
    assert (trust_hook["type"], trust_hook["data"]["subject"], trust_hook["data"]["agency"]) == (
        "review.reminder_issued",
        "A1",
        SLAM,
    )
    assert not any(d.recipient.endswith("/hil") for d in by_channel(outboxes[0], "webhook"))
    assert hil.partnership == "HIL"

    backlog = outboxes[1].backlog()
    assert backlog["sent"] == 12
    assert backlog["pending"] == backlog["sending"] == backlog["failing"] == 0
    # and nothing more, however often it runs
    for o in outboxes:
        again = default_transports(app.settings)
        drain(o, again)
        again.close()
    assert len(smtp.received()) == 7
    assert len(hooks.received()) == 5
