"""Whole journeys through the process, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import cast

from application.acts import (
    AgreeAction,
    AgreeTermsOfReference,
    AlertPartners,
    AppointReviewer,
    CheckProgress,
    CloseCase,
    CloseReview,
    CommissionReview,
    CompleteAction,
    ConcludeMediation,
    ConsiderLearningReferral,
    DecideCriteria,
    DeferPublication,
    DisputeCriteria,
    DisseminateLearning,
    InformReferrer,
    PublishReview,
    ReceiveFinalReport,
    RecordFamilyParticipation,
    RecordPartnerDecision,
    ReferPracticeLearning,
    ReferSeriousIncident,
    ReferToLearningFromPractice,
    RequestMediation,
    ResumePublication,
    SendPrePublicationCopy,
)
from application.integrity import verify_stream
from application.service import Safeguarding
from domain.base import AuditedAggregate
from domain.case import Case
from domain.clocks import ClockName, ClockStatus
from domain.review import Review
from tests.support.clock import FakeClock
from tests.support.people import (
    ICB,
    LA,
    MASH,
    POLICE,
    SCRUTINEER,
    STAFF,
    ctx,
    referral_details,
    serious_harm,
)
from tests.support.scenario import AGENCIES, walk_to_panel_response


def statuses(app: Safeguarding, case_id: object, today: date) -> dict[str, tuple[ClockStatus, int]]:
    clocks = app.case_clocks(STAFF, case_id, today)  # type: ignore[arg-type]
    return {c.key: (c.status, c.working_days_late) for c in clocks}


def test_a_serious_incident_walks_from_referral_to_panel_response_on_the_seed_timetable(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = walk_to_panel_response(tracker, clock)

    case: Case = tracker.repository.get(case_id)
    assert case.reference == "LEW-2026-0001"
    assert case.stage == "panel_responded"
    assert case.panel_concurs is True
    # 1 referral + alert + recommendation + 3 decisions + decision + notification + start
    # + 3 requests + 3 x (secured + returned) + meeting + 3 approvals + submission + response
    assert case.version == 1 + 1 + 1 + 3 + 1 + 1 + 1 + 3 + 6 + 1 + 3 + 1 + 1

    clocks = statuses(tracker, case_id, date(2027, 2, 5))
    assert clocks == {
        "partners_alerted": (ClockStatus.MET, 0),
        "criteria_recommendation": (ClockStatus.MET, 0),
        "criteria_decision": (ClockStatus.MET, 0),
        "panel_notification": (ClockStatus.MET, 0),
        "scoping_sent": (ClockStatus.MET, 0),
        f"scoping_returned:{AGENCIES[0]}": (ClockStatus.MET, 0),
        f"scoping_returned:{AGENCIES[1]}": (ClockStatus.MET, 0),
        # due Mon 11 Jan (5 working days after Mon 4 Jan), returned Tue 12 Jan
        f"scoping_returned:{AGENCIES[2]}": (ClockStatus.MET_LATE, 1),
        "rapid_review_meeting": (ClockStatus.MET, 0),
        "report_approval": (ClockStatus.MET, 0),
        "rapid_review_submission": (ClockStatus.MET, 0),
        "panel_response": (ClockStatus.MET, 0),
        # decided Wed 30 Dec, the referrer due to be told by Thu 7 Jan, and never told:
        # 21 working days late on 5 Feb
        "referrer_informed": (ClockStatus.BREACHED, 21),
    }
    assert verify_stream(tracker, case_id).ok


def test_the_review_the_case_leads_to_is_commissioned_published_and_its_actions_completed(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = walk_to_panel_response(tracker, clock)

    clock.set_day(date(2027, 2, 10))
    review = tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[case_id]
        ),
    )
    assert review.reference == "LEW-R-2027-0001"
    rid = review.id
    tracker.execute(
        ctx(),
        AgreeTermsOfReference(review_id=rid, on=date(2027, 2, 10), summary="Scope: 2024-2026."),
    )
    tracker.execute(
        ctx(),
        AppointReviewer(
            review_id=rid, on=date(2027, 2, 10), name="Rae Reviewer", role="independent_reviewer"
        ),
    )
    # Criminal proceedings pause publication for 30 days.
    clock.set_day(date(2027, 3, 1))
    tracker.execute(
        ctx(), DeferPublication(review_id=rid, on=date(2027, 3, 1), reason="Criminal trial")
    )
    clock.set_day(date(2027, 3, 31))
    tracker.execute(
        ctx(), ResumePublication(review_id=rid, on=date(2027, 3, 31), reason="Trial concluded")
    )
    clock.set_day(date(2027, 4, 1))
    tracker.execute(
        ctx(), RecordFamilyParticipation(review_id=rid, on=date(2027, 4, 1), participated=True)
    )
    clock.set_day(date(2027, 5, 4))
    tracker.execute(ctx(), CheckProgress(review_id=rid, on=date(2027, 5, 4), on_track=True))
    clock.set_day(date(2027, 8, 20))
    tracker.execute(ctx(), ReceiveFinalReport(review_id=rid, on=date(2027, 8, 20)))
    tracker.execute(
        ctx(),
        SendPrePublicationCopy(
            review_id=rid, on=date(2027, 8, 20), recipients=["national_panel", "secretary_of_state"]
        ),
    )
    tracker.execute(
        ctx(),
        AgreeAction(
            review_id=rid,
            on=date(2027, 8, 20),
            description="Joint training",
            owner_agency="Police",
            due_on=date(2027, 10, 1),
        ),
    )
    tracker.execute(
        ctx(),
        AgreeAction(
            review_id=rid,
            on=date(2027, 8, 20),
            description="Audit referrals",
            owner_agency="ICB",
            due_on=date(2027, 10, 15),
        ),
    )
    clock.set_day(date(2027, 9, 1))
    tracker.execute(
        ctx(), PublishReview(review_id=rid, on=date(2027, 9, 1), link="https://example.org/review")
    )
    clock.set_day(date(2027, 9, 20))
    tracker.execute(
        ctx(),
        CompleteAction(review_id=rid, on=date(2027, 9, 20), action_id="A1", evidence="Delivered"),
    )
    clock.set_day(date(2027, 10, 20))
    tracker.execute(
        ctx(),
        CompleteAction(
            review_id=rid, on=date(2027, 10, 20), action_id="A2", evidence="Audit report"
        ),
    )
    tracker.execute(
        ctx(),
        DisseminateLearning(
            review_id=rid,
            on=date(2027, 10, 20),
            format="seven_minute_briefing",
            audience="All partners",
        ),
    )
    clock.set_day(date(2027, 10, 21))
    final = tracker.execute(
        ctx(), CloseReview(review_id=rid, on=date(2027, 10, 21), reason="All actions complete")
    )

    saved: Review = tracker.repository.get(rid)
    assert saved.version == final.version == 16
    clocks = {
        c.key: (c.status, c.due_on, c.working_days_late) for c in tracker.review_clocks(STAFF, rid)
    }
    assert clocks == {
        # six calendar months from 10 Feb is 10 Aug, plus the 30 days deferred
        "review_publication": (ClockStatus.MET, date(2027, 9, 9), 0),
        "action_due:A1": (ClockStatus.MET, date(2027, 10, 1), 0),
        # due Fri 15 Oct, completed Wed 20 Oct: 3 working days late
        "action_due:A2": (ClockStatus.MET_LATE, date(2027, 10, 15), 3),
    }
    assert verify_stream(tracker, rid).ok


def test_a_practice_learning_referral_goes_to_the_group_and_the_referrer_is_informed(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    clock.set_day(date(2027, 3, 2))
    result = tracker.execute(
        ctx(MASH),
        ReferPracticeLearning(
            partnership="LEW",
            area="Lewisham",
            received_on=date(2027, 3, 2),
            details=referral_details(),
            category="near_miss",
            learning="Discharge planning nearly missed a safeguarding flag.",
        ),
    )
    clock.set_day(date(2027, 3, 25))
    tracker.execute(
        ctx(),
        ConsiderLearningReferral(
            case_id=result.id,
            on=date(2027, 3, 25),
            outcome="anonymise_for_training",
            notes="Good case study",
        ),
    )
    tracker.execute(ctx(), InformReferrer(case_id=result.id, on=date(2027, 3, 25), note="E-mailed"))

    view = tracker.case_view(STAFF, result.id)
    assert view.kind == "practice_learning"
    assert view.stage == "referrer_informed"
    assert view.version == 3
    # No group schedule configured for Lewisham: 20 working days (Easter is skipped)
    [learning_clock, told] = tracker.case_clocks(STAFF, result.id)
    assert learning_clock.name is ClockName.LEARNING_REFERRAL_CONSIDERED
    assert learning_clock.due_on == date(2027, 4, 1)
    assert learning_clock.status is ClockStatus.MET
    # "whatever decision is made, the referrer will be informed": told the same day
    assert told.name is ClockName.REFERRER_INFORMED
    assert (told.started_on, told.status) == (date(2027, 3, 25), ClockStatus.MET)


def test_a_dispute_between_partners_is_mediated_by_the_scrutineer_and_then_decided(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    clock.set_day(date(2027, 1, 5))
    case_id = tracker.execute(
        ctx(MASH),
        ReferSeriousIncident(
            partnership="LEW",
            area="Lewisham",
            received_on=date(2027, 1, 5),
            details=referral_details(),
            incident=serious_harm(date(2027, 1, 2)),
        ),
    ).id
    tracker.execute(
        ctx(),
        AlertPartners(
            case_id=case_id, on=date(2027, 1, 5), recipients=["local_authority", "police", "icb"]
        ),
    )
    tracker.execute(
        ctx(LA),
        RecordPartnerDecision(
            case_id=case_id,
            on=date(2027, 1, 5),
            partner="local_authority",
            decision="met",
            rationale="x",
        ),
    )
    tracker.execute(
        ctx(POLICE),
        RecordPartnerDecision(
            case_id=case_id,
            on=date(2027, 1, 5),
            partner="police",
            decision="not_met",
            rationale="y",
        ),
    )
    tracker.execute(
        ctx(ICB),
        RecordPartnerDecision(
            case_id=case_id, on=date(2027, 1, 5), partner="icb", decision="met", rationale="z"
        ),
    )
    tracker.execute(
        ctx(), DisputeCriteria(case_id=case_id, on=date(2027, 1, 5), summary="Police see no abuse.")
    )
    clock.set_day(date(2027, 1, 6))
    tracker.execute(
        ctx(SCRUTINEER),
        RequestMediation(case_id=case_id, on=date(2027, 1, 6), mediator="Independent scrutineer"),
    )
    tracker.execute(
        ctx(SCRUTINEER),
        ConcludeMediation(
            case_id=case_id, on=date(2027, 1, 6), outcome="not_met", summary="Agreed: not met."
        ),
    )
    tracker.execute(
        ctx(),
        DecideCriteria(
            case_id=case_id, on=date(2027, 1, 6), outcome="not_met", rationale="After mediation"
        ),
    )
    tracker.execute(
        ctx(),
        ReferToLearningFromPractice(
            case_id=case_id, on=date(2027, 1, 6), meeting="special", meeting_on=date(2027, 1, 20)
        ),
    )

    assert tracker.case_view(STAFF, case_id).stage == "referred_to_learning_from_practice"
    clocks = {c.key: c.status for c in tracker.case_clocks(STAFF, case_id, date(2027, 1, 21))}
    assert clocks == {
        "partners_alerted": ClockStatus.MET,
        # decided without the strategic lead's recommendation: that clock no longer applies
        "criteria_recommendation": ClockStatus.CANCELLED,
        "criteria_decision": ClockStatus.MET,
        # not met, and no looked-after child died: no notification is due
        "panel_notification": ClockStatus.CANCELLED,
        # not met: referred to the group the same day
        "learning_from_practice_referral": ClockStatus.MET,
        # the special meeting on 20 Jan has passed with nothing recorded
        "learning_referral_considered": ClockStatus.BREACHED,
        # decided Wed 6 Jan, the referrer due to be told by Wed 13 Jan: not yet
        "referrer_informed": ClockStatus.BREACHED,
    }


def test_every_recorded_event_says_who_did_what_when_and_through_which_request(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 2, 8))
    tracker.execute(
        ctx(idempotency_key="close-1", person="Pat Business-Manager"),
        CloseCase(
            case_id=case_id, on=date(2027, 2, 8), reason="Panel responded; no further action"
        ),
    )

    events = cast(list[AuditedAggregate.Event], list(tracker.events.get(case_id)))

    assert len(events) == 25  # the 24 of the walk, and the closure
    for event in events:
        audit = event.audit
        assert audit.actor_id
        assert audit.role
        assert audit.partnership == "LEW"
        assert audit.request_id == "test-request"
        assert audit.source == "api"
        assert audit.recorded_at == event.timestamp
        assert audit.recorded_at.tzinfo is not None
        assert event.effective_on <= audit.recorded_at.date()
    first, last = events[0], events[-1]
    assert (first.audit.role, first.audit.agency) == ("agency", "Lewisham MASH")
    assert last.audit.person == "Pat Business-Manager"
    assert last.audit.idempotency_key == "close-1"
    decision = next(e for e in events if type(e).__name__ == "PartnerDecisionRecorded")
    assert (decision.audit.role, decision.audit.agency) == ("partner", "local_authority")
