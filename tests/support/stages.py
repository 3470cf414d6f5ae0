"""Cases brought to a stage of the process (referred, decided, scoping sent or returned, the
meeting held, the partners disagreeing, closed) and a practice-learning referral: where a
test then tries an act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from application.acts import (
    ApproveReport,
    CloseCase,
    HoldMeeting,
    RecordPartnerDecision,
    ReferPracticeLearning,
)
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.people import ICB, LA, MASH, POLICE, QUORATE, ctx, referral_details
from tests.support.scenario import decide_met, notify_and_scope, refer, return_all_scoping

Setup = Callable[[Safeguarding, FakeClock], UUID]


def referred(app: Safeguarding, clock: FakeClock) -> UUID:
    return refer(app, clock)


def decided(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = refer(app, clock)
    decide_met(app, clock, case_id)
    return case_id


def scoping_sent(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = decided(app, clock)
    notify_and_scope(app, clock, case_id)
    return case_id


def scoping_returned(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = scoping_sent(app, clock)
    return_all_scoping(app, clock, case_id)
    clock.set_day(date(2027, 1, 14))
    return case_id


def meeting_held(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = scoping_returned(app, clock)
    app.execute(
        ctx(),
        HoldMeeting(
            case_id=case_id,
            on=date(2027, 1, 14),
            format="video",
            participants=QUORATE,
            immediate_action_taken=True,
            recommendation="h_no_further_action",
            rationale="r",
        ),
    )
    app.execute(
        ctx(LA),
        ApproveReport(
            case_id=case_id, on=date(2027, 1, 14), partner="local_authority", approver="a"
        ),
    )
    app.execute(
        ctx(POLICE),
        ApproveReport(case_id=case_id, on=date(2027, 1, 14), partner="police", approver="b"),
    )
    return case_id


def disagreeing(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = refer(app, clock)
    for principal, decision in ((LA, "met"), (POLICE, "not_met"), (ICB, "met")):
        app.execute(
            ctx(principal),
            RecordPartnerDecision(
                case_id=case_id,
                on=date(2026, 12, 23),
                partner=principal.agency,
                decision=decision,
                rationale="-",
            ),
        )
    return case_id


def closed(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = refer(app, clock)
    app.execute(
        ctx(), CloseCase(case_id=case_id, on=date(2026, 12, 23), reason="Duplicate referral")
    )
    return case_id


def practice_learning(app: Safeguarding, clock: FakeClock) -> UUID:
    clock.set_day(date(2026, 12, 23))
    return app.execute(
        ctx(MASH),
        ReferPracticeLearning(
            partnership="LEW",
            area="Lewisham",
            received_on=date(2026, 12, 23),
            details=referral_details(),
            category="good_practice",
            learning="Great teamwork",
        ),
    ).id
