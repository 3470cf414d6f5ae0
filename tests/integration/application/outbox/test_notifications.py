"""The messages the seeds name reach the people who must act, once each, saying no more
than the recipient's role may read; every event goes out as a Standard Webhook.

The seed timetable is walked on its real dates (tests/support/scenario.py) with LEW's
recipients configured; e-mail goes through the real SMTP transport to aiosmtpd on
loopback, webhooks through the real HTTP transport to an HTTP server on loopback, and each
webhook is checked with the ``standardwebhooks`` reference library.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from datetime import date
from uuid import UUID

from eventsourcing.utils import get_topic

from application.acts import (
    ApproveReport,
    ConsiderLearningReferral,
    DecideCriteria,
    HoldMeeting,
    InformAgenciesOfOutcome,
    InformReferrer,
    RecordPartnerDecision,
    ReferToLearningFromPractice,
    ReportDisputeToStrategicPartners,
    ShareDissent,
    SubmitRapidReview,
)
from application.config import Partnerships
from application.notifications import EVENT_TYPES
from application.outbox import Outbox
from application.service import Safeguarding
from scheduler.delivery import DeliveryTransports
from tests.integration.application.outbox.helpers import (
    BOARD,
    MET,
    POLICE_AGENCY,
    POLICE_LEAD,
    SLAM,
    MakeApp,
    drain,
    plain,
    signed_by,
    with_lew,
)
from tests.integration.application.outbox.test_delivery import PERSONAL
from tests.support.clock import FakeClock
from tests.support.people import ICB, LA, POLICE, QUORATE, STAFF, ctx
from tests.support.receivers import ReceivedMail, SmtpReceiver, WebhookReceiver
from tests.support.scenario import AGENCIES, decide_met, notify_and_scope, refer
from tests.support.scenario import return_all_scoping as return_scoping
from tests.support.stages import practice_learning

LEADS = {"local_authority": "la@example.org", "police": "met@example.org", "icb": "icb@example.org"}
LFP_CHAIR = "lfp-chair@example.org"
SCRUTINEER_MAIL = "scrutineer@example.org"
STRATEGIC = "strategic-partners@example.org"
REFERRER = "mash@example.org"  # the referrer's contact on the scenario's referral
LEWI, LEWI_CONTACT = AGENCIES[0], "lead@Lewi.example"  # the contact its request gave


def configured() -> Partnerships:
    """LEW with the board as its contact, the police's agency address, and everyone the
    seeds name as a recipient."""
    base = with_lew((BOARD,), {MET: (POLICE_LEAD,)})
    lew = dataclasses.replace(
        base.get("LEW"),
        recipients={
            **{role: (address,) for role, address in LEADS.items()},
            "lfp_chair": (LFP_CHAIR,),
            "scrutineer": (SCRUTINEER_MAIL,),
            "strategic_partners": (STRATEGIC,),
        },
    )
    return Partnerships({**base.by_code, "LEW": lew})


def mails_by_recipient(smtp: SmtpReceiver) -> dict[str, list[ReceivedMail]]:
    found: dict[str, list[ReceivedMail]] = defaultdict(list)
    for m in smtp.received():
        for to in m.rcpt_tos:
            found[to].append(m)
    return found


def subjects(mails: list[ReceivedMail]) -> list[str]:
    return sorted(str(m.message["Subject"]) for m in mails)


def assert_names_no_one(text: str) -> None:
    for personal in (*PERSONAL, "Police favour a single-agency review", "three months"):
        assert personal not in text, personal


def walk_with_dissent(app: Safeguarding, clock: FakeClock) -> UUID:
    """The seed timetable with a meeting that is not unanimous: the dissent shared, the
    agencies informed of the outcome, the referrer told, a dispute reported."""
    case_id = refer(app, clock)
    decide_met(app, clock, case_id)
    notify_and_scope(app, clock, case_id)
    return_scoping(app, clock, case_id)
    clock.set_day(date(2027, 1, 14))
    app.execute(
        ctx(),
        HoldMeeting(
            case_id=case_id,
            on=date(2027, 1, 14),
            format="video",
            participants=QUORATE,
            immediate_action_taken=True,
            criteria=["agencies_working_together"],
            recommendation="b_local_cspr",
            rationale="Learning about agencies working together.",
            unanimous=False,
            dissent="Police favour a single-agency review.",
        ),
    )
    app.execute(ctx(), ShareDissent(case_id=case_id, on=date(2027, 1, 14)))
    clock.set_day(date(2027, 1, 15))
    for partner in (LA, POLICE, ICB):
        app.execute(
            ctx(partner),
            ApproveReport(
                case_id=case_id, on=date(2027, 1, 15), partner=partner.agency, approver="Lead"
            ),
        )
    clock.set_day(date(2027, 1, 19))
    app.execute(ctx(), SubmitRapidReview(case_id=case_id, on=date(2027, 1, 19)))
    app.execute(
        ctx(),
        InformAgenciesOfOutcome(case_id=case_id, on=date(2027, 1, 19), agencies=list(AGENCIES)),
    )
    app.execute(ctx(), InformReferrer(case_id=case_id, on=date(2027, 1, 19)))
    clock.set_day(date(2027, 4, 20))
    app.execute(
        ctx(),
        ReportDisputeToStrategicPartners(
            case_id=case_id,
            on=date(2027, 4, 20),
            concern="The review has not started in three months.",
        ),
    )
    return case_id


def test_the_seed_timetable_tells_each_person_who_must_act_once_and_names_no_one(
    make_app: MakeApp,
    clock: FakeClock,
    smtp: SmtpReceiver,
    hooks: WebhookReceiver,
    transports: DeliveryTransports,
) -> None:
    app = make_app(partnerships=configured())
    outbox = Outbox(app)
    every, secret = outbox.webhooks.subscribe(STAFF, hooks.url + "/every")
    case_id = walk_with_dissent(app, clock)
    for _ in range(3):  # collected and sent again and again: nothing goes twice
        drain(outbox, transports)

    ref = "LEW-2026-0001"
    by = mails_by_recipient(smtp)
    lead_subjects = [
        f"Criteria recommendation made: {ref}",
        f"Partners alerted: {ref}",
        f"Rapid Review of {ref}: agreement was not unanimous",
    ]
    assert {to: subjects(m) for to, m in by.items()} == {
        **{lead: sorted(lead_subjects) for lead in LEADS.values()},
        LFP_CHAIR: [f"Partners alerted: {ref}"],
        POLICE_LEAD: [
            f"Outcome of the Rapid Review: {ref}",
            f"Scoping request for {MET}: {ref}, return by Mon 11 Jan 2027",
        ],
        LEWI_CONTACT: [
            f"Outcome of the Rapid Review: {ref}",
            f"Scoping request for {LEWI}: {ref}, return by Mon 11 Jan 2027",
        ],
        "lead@SLaM.example": [
            f"Outcome of the Rapid Review: {ref}",
            f"Scoping request for {SLAM}: {ref}, return by Mon 11 Jan 2027",
        ],
        REFERRER: [f"The outcome of your referral {ref}"],
        STRATEGIC: [f"Dispute reported to the Strategic Partners: {ref}"],
    }
    for m in smtp.received():
        assert_names_no_one(m.raw.decode())
        assert m.message.get_content_type() == "multipart/alternative"
        html = m.message.get_body(("html",))
        assert html is not None
        assert "<script" not in html.get_content()

    # the agency's own request: its due day, the pack (linked, opened with its key), the
    # four asks of the seed's letter
    [request] = [m for m in by[POLICE_LEAD] if "Scoping request" in m.message["Subject"]]
    text = plain(request)
    pack = f"https://tracker.example.org/api/v1/cases/{case_id}/documents/scoping-pack"
    assert f"<{pack}?agency=Metropolitan%20Police>" in text
    assert "Return the form by the end of Mon 11 Jan 2027" in text
    assert "Secure all records/files in relation to this case" in text
    html_part = request.message.get_body(("html",))
    assert html_part is not None
    assert f'href="{pack}?agency=Metropolitan%20Police"' in html_part.get_content()
    assert SLAM not in text
    assert LEWI not in text
    [outcome] = [m for m in by[LEWI_CONTACT] if "Outcome" in m.message["Subject"]]
    assert "Outcome: local Child Safeguarding Practice Review" in plain(outcome)
    assert MET not in plain(outcome)
    assert SLAM not in plain(outcome)
    [told] = by[REFERRER]
    assert "Decision: the criteria for a review: met" in plain(told)
    assert "received on Wed 23 Dec 2026" in plain(told)
    [dissent] = by[LEADS["police"]][2:]
    assert f"/api/v1/cases/{case_id}/documents/rapid-review-report" in plain(dissent)

    # every event as a webhook, each verified with the standardwebhooks library
    requests = hooks.received()
    types = [json.loads(r.body)["type"] for r in requests]
    events = list(app.events.get(case_id))
    assert len(requests) == len(events) == len({r.headers["webhook-id"] for r in requests})
    assert types == [EVENT_TYPES[get_topic(type(e))] for e in events]  # each, in order
    assert types.count("case.scoping_requested") == 3
    for r in requests:
        assert signed_by(secret, r.headers, r.body)
        assert_names_no_one(r.body.decode())
    positions = [json.loads(r.body)["data"]["position"] for r in requests]
    assert positions == sorted(positions)  # in the order of the log

    # a subscriber that was down catches up from any position, in order, without gaps
    sent = outbox.of_subscription(every.id, since=positions[9], limit=500)
    assert [d.position for d in sent] == positions[10:]
    assert [json.loads(d.payload) for d in sent] == [json.loads(r.body) for r in requests[10:]]
    assert outbox.backlog()["unaddressed"] == 0


def test_an_agency_hears_of_the_cases_it_takes_part_in_and_of_nothing_of_another_agency(
    make_app: MakeApp,
    clock: FakeClock,
    hooks: WebhookReceiver,
    transports: DeliveryTransports,
) -> None:
    app = make_app(partnerships=configured())
    outbox = Outbox(app)
    _, secret = outbox.webhooks.subscribe(POLICE_AGENCY, hooks.url + "/police")
    police_case = walk_with_dissent(app, clock)
    other = refer(app, clock, date(2027, 4, 20))  # asks nothing of the police
    drain(outbox, transports)
    requests = hooks.received()
    bodies = [json.loads(r.body) for r in requests]
    assert bodies
    assert {b["data"]["stream_id"] for b in bodies} == {str(police_case)}
    assert str(other) not in "".join(r.body.decode() for r in requests)
    for r, _body in zip(requests, bodies, strict=True):
        assert signed_by(secret, r.headers, r.body)
        assert SLAM not in r.body.decode()
        assert LEWI not in r.body.decode()
        assert_names_no_one(r.body.decode())
    # from its own request on: it hears of the case (another agency's request, unnamed)
    assert bodies[0]["type"] == "case.scoping_requested"
    own, another = (b for b in bodies if b["type"] == "case.scoping_requested")
    assert (own["data"]["agency"], own["data"]["contact"]) == (MET, "lead@Metr.example")
    assert "agency" not in another["data"]
    assert "contact" not in another["data"]
    [informed] = [b for b in bodies if b["type"] == "case.agencies_informed_of_outcome"]
    assert informed["data"]["agencies"] == [MET]


def test_the_practice_learning_path_and_a_case_not_meeting_the_criteria_tell_the_chair_and_referrer(
    make_app: MakeApp,
    clock: FakeClock,
    smtp: SmtpReceiver,
    transports: DeliveryTransports,
) -> None:
    app = make_app(partnerships=configured())
    outbox = Outbox(app)
    learning = practice_learning(app, clock)
    app.execute(
        ctx(),
        ConsiderLearningReferral(
            case_id=learning, on=date(2026, 12, 23), outcome="anonymise_for_training"
        ),
    )
    app.execute(ctx(), InformReferrer(case_id=learning, on=date(2026, 12, 23)))
    not_met = refer(app, clock)
    for partner in (LA, POLICE, ICB):
        app.execute(
            ctx(partner),
            RecordPartnerDecision(
                case_id=not_met,
                on=date(2026, 12, 23),
                partner=partner.agency,
                decision="not_met",
                rationale="-",
            ),
        )
    app.execute(
        ctx(),
        DecideCriteria(case_id=not_met, on=date(2026, 12, 23), outcome="not_met", rationale="-"),
    )
    app.execute(
        ctx(),
        ReferToLearningFromPractice(
            case_id=not_met,
            on=date(2026, 12, 23),
            meeting="next_scheduled",
            meeting_on=date(2027, 1, 20),
        ),
    )
    drain(outbox, transports)
    by = mails_by_recipient(smtp)
    assert {to: subjects(m) for to, m in by.items()} == {
        REFERRER: ["The outcome of your referral LEW-2026-0001"],
        LFP_CHAIR: ["Referred to learning from practice: LEW-2026-0002"],
    }
    assert "Decision: anonymise for training" in plain(by[REFERRER][0])
    for m in smtp.received():
        assert_names_no_one(m.raw.decode())
