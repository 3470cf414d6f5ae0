"""The walk of a serious incident: partners alerted, the criteria decided (with a dispute
and mediation now and then), the Panel notified, the rapid review with its scoping, meeting,
approvals and submission, and the Panel's response. Not met: to Learning from Practice."""

from __future__ import annotations

from application.acts import (
    AlertPartners,
    ApproveReport,
    ConcludeMediation,
    DecideCriteria,
    DisputeCriteria,
    HoldMeeting,
    InformReferrer,
    NotifyNationalPanel,
    NotifySecretaryOfStateAndOfsted,
    ReceivePanelResponse,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferToLearningFromPractice,
    RequestMediation,
    RequestScoping,
    ReturnScoping,
    SecureRecords,
    StartRapidReview,
    SubmitRapidReview,
)
from application.generate.invented import AGENCIES, PARTNER_NAMES, invented_name
from application.generate.story import Story, walk_learning
from domain.case import Case
from domain.values import Contact, Participant, RapidReviewCriterion, Recommendation, Role

# the eight criteria of seed 001 §2.2 ("none of the above" is chosen alone)
CRITERIA = [
    c.value for c in RapidReviewCriterion if c is not RapidReviewCriterion.NONE_OF_THE_ABOVE
]


def walk_serious_incident(story: Story, case: Case, partnership: str) -> None:
    rng, t = story.rng, story.app.timescales(partnership)
    received = case.received_on
    alerted = story.timely(received, t.partners_alerted)
    if story.ok(alerted):
        assert alerted is not None
        story.act(
            case,
            story.staff(alerted),
            AlertPartners(
                case_id=case.id,
                on=alerted,
                recipients=["local_authority", "police", "icb", "lfp_chair"],
            ),
        )
    met = rng.random() < 0.6
    recommended = story.after(received, 1, 4)
    if not story.ok(recommended):
        return
    outcome = "met" if met else "not_met"
    story.act(
        case,
        story.staff(recommended),
        RecommendCriteria(
            case_id=case.id, on=recommended, recommendation=outcome, rationale="Per the criteria."
        ),
    )
    decided = story.timely(received, t.criteria_decision, late=0.08, missing=0.02)
    if not story.ok(decided):
        return
    assert decided is not None
    disputed = rng.random() < 0.1
    for partner in ("local_authority", "police", "icb"):
        vote = outcome if not (disputed and partner == "police") else ("not_met" if met else "met")
        story.act(
            case,
            story.audit(decided, Role.PARTNER, partner, partnership, partner),
            RecordPartnerDecision(
                case_id=case.id,
                on=decided,
                partner=partner,
                decision=vote,
                rationale="Considered at the partners' meeting.",
            ),
        )
    if disputed:
        story.act(
            case,
            story.staff(decided),
            DisputeCriteria(case_id=case.id, on=decided, summary="Partners disagree."),
        )
        mediated = story.after(decided, 1, 5)
        if not story.ok(mediated):
            return
        scrutineer = story.audit(mediated, Role.SCRUTINEER, "scrutineer", partnership)
        story.act(
            case,
            scrutineer,
            RequestMediation(
                case_id=case.id, on=mediated, mediator="Independent scrutineer", reason=""
            ),
        )
        story.act(
            case,
            scrutineer,
            ConcludeMediation(case_id=case.id, on=mediated, outcome=outcome, summary="Resolved."),
        )
        decided = mediated
    story.act(
        case,
        story.staff(decided),
        DecideCriteria(case_id=case.id, on=decided, outcome=outcome, rationale=""),
    )
    if not met:
        lfp = story.after(decided, 0, 2)
        if story.ok(lfp):
            story.act(
                case,
                story.staff(lfp),
                ReferToLearningFromPractice(
                    case_id=case.id, on=lfp, meeting="next_scheduled", meeting_on=None
                ),
            )
            walk_learning(story, case, partnership, lfp)
        return
    informed = story.timely(decided, t.referrer_informed, late=0.1, missing=0.05)
    if story.ok(informed):
        assert informed is not None
        story.act(
            case,
            story.staff(informed),
            InformReferrer(case_id=case.id, on=informed, note="Told the outcome by phone."),
        )
    notified = story.timely(case.aware_on, t.panel_notification, late=0.1, missing=0.0)
    if not story.ok(notified) or notified is None:
        return
    notified = max(notified, decided)
    story.act(
        case,
        story.staff(notified),
        NotifyNationalPanel(
            case_id=case.id, on=notified, notified_by="Director of Children's Services"
        ),
    )
    if case.sos_ofsted_notification_required:  # a looked-after child died
        story.act(
            case,
            story.staff(notified),
            NotifySecretaryOfStateAndOfsted(
                case_id=case.id, on=notified, notified_by="Director of Children's Services"
            ),
        )
    meeting = story.after(
        notified,
        t.rapid_review_meeting_window_opens,
        t.rapid_review_meeting + (2 if rng.random() < 0.1 else 0),
    )
    started = story.after(notified, 0, 2)
    if not story.ok(started):
        return
    story.act(
        case,
        story.staff(started),
        StartRapidReview(case_id=case.id, on=started, meeting_on=meeting),
    )
    agencies = rng.sample(AGENCIES, rng.randint(3, 12))
    for name in agencies:
        due = story.cal.add_working_days(started, t.scoping_returned)
        story.act(
            case,
            story.staff(started),
            RequestScoping(case_id=case.id, on=started, agency=name, due_on=due, contact=""),
        )
    for name in agencies:
        returned = story.timely(started, t.scoping_returned, late=0.1, missing=0.05)
        if story.ok(returned):
            assert returned is not None
            agency_audit = story.audit(returned, Role.AGENCY, name, partnership, name)
            story.act(
                case,
                agency_audit,
                SecureRecords(case_id=case.id, on=returned, agency=name, note=""),
            )
            story.act(
                case,
                agency_audit,
                ReturnScoping(
                    case_id=case.id,
                    on=returned,
                    agency=name,
                    completed_by=Contact("Safeguarding lead", name),
                    involvement=rng.random() < 0.8,
                    summary="Involved since last year.",
                    analysis="Some good practice.",
                ),
            )
    if not story.ok(meeting):
        return
    recommendation = rng.choice(list(Recommendation))
    participants = [
        Participant(f"{invented_name(rng)[0]} {invented_name(rng)[1]}", "Lead", PARTNER_NAMES[p], p)
        for p in PARTNER_NAMES
    ]
    story.act(
        case,
        story.staff(meeting),
        HoldMeeting(
            case_id=case.id,
            on=meeting,
            format=rng.choice(("face_to_face", "video")),
            participants=participants,
            immediate_action_taken=True,
            immediate_action_details="Siblings safeguarded.",
            criteria=rng.sample(CRITERIA, 2),
            discussion="Facts reviewed.",
            nature_of_harm="Serious harm.",
            legal_advice_sought=rng.random() < 0.2,
            recommendation=recommendation.value,
            recommendation_other="See the report."
            if recommendation.value.startswith(("d_", "j_"))
            else "",
            rationale="As discussed.",
        ),
    )
    last = meeting
    for partner in PARTNER_NAMES:
        approved = story.timely(meeting, t.report_approval, late=0.1, missing=0.02)
        if story.ok(approved):
            assert approved is not None
            story.act(
                case,
                story.audit(approved, Role.PARTNER, partner, partnership, partner),
                ApproveReport(
                    case_id=case.id, on=approved, partner=partner, approver=f"Lead {partner}"
                ),
            )
            last = max(last, approved)
    submitted = max(
        last,
        story.timely(case.notified_on or notified, t.rapid_review_submission, late=0.1, missing=0.0)
        or last,
    )
    if not story.ok(submitted) or not case.approvals_complete:
        return
    story.act(case, story.staff(submitted), SubmitRapidReview(case_id=case.id, on=submitted))
    responded = story.after(submitted, 8, 17)
    if story.ok(responded):
        story.act(
            case,
            story.staff(responded),
            ReceivePanelResponse(
                case_id=case.id, on=responded, concurs=rng.random() < 0.9, view="Noted."
            ),
        )
