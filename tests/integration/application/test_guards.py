"""Every guard of DESIGN §3.3 refuses with its message, and nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

import pytest

from application.acts import (
    AlertPartners,
    DecideCriteria,
    HoldMeeting,
    InformAgenciesOfOutcome,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferSeriousIncident,
    ReportDisputeToStrategicPartners,
    RequestScoping,
    ReturnScoping,
    ShareDissent,
    SubmitRapidReview,
)
from application.config import UnknownAreaError
from application.errors import NotFoundError, NotPermittedError
from application.service import Safeguarding
from domain import errors
from domain.values import Contact, Participant
from tests.support.clock import FakeClock
from tests.support.people import (
    HIL_STAFF,
    MASH,
    POLICE,
    QUORATE,
    agency,
    ctx,
    referral_details,
    serious_harm,
)
from tests.support.scenario import AGENCIES
from tests.support.stages import (
    Setup,
    closed,
    decided,
    disagreeing,
    meeting_held,
    practice_learning,
    referred,
    scoping_returned,
    scoping_sent,
)

Attempt = Callable[[Safeguarding, UUID], object]


def informed_of_outcome(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = meeting_held(app, clock)
    app.execute(
        ctx(),
        InformAgenciesOfOutcome(case_id=case_id, on=date(2027, 1, 14), agencies=[AGENCIES[1]]),
    )
    return case_id


@dataclass(frozen=True)
class Guard:
    name: str
    setup: Setup
    attempt: Attempt
    error: type[Exception]
    message: str


NOT_QUORATE = tuple(p for p in QUORATE if p.represents != "icb")

GUARDS = [
    Guard(
        "scoping before notification",
        decided,
        lambda app, c: app.execute(
            ctx(), RequestScoping(case_id=c, on=date(2026, 12, 30), agency="Police")
        ),
        errors.NotNotifiedError,
        "scoping needs the national Panel to have been notified first",
    ),
    Guard(
        "a non-quorate meeting recorded as held",
        scoping_returned,
        lambda app, c: app.execute(
            ctx(),
            HoldMeeting(
                case_id=c,
                on=date(2027, 1, 14),
                format="video",
                participants=NOT_QUORATE,
                immediate_action_taken=True,
                recommendation="b_local_cspr",
                rationale="r",
            ),
        ),
        errors.MeetingNotQuorateError,
        "quorate only with a representative of each safeguarding partner present; missing: icb",
    ),
    Guard(
        "submission before all three approvals",
        meeting_held,
        lambda app, c: app.execute(ctx(), SubmitRapidReview(case_id=c, on=date(2027, 1, 14))),
        errors.ApprovalsIncompleteError,
        "approval of all three lead partners; missing: icb",
    ),
    Guard(
        "a decision by a party that is not a safeguarding partner",
        referred,
        lambda app, c: app.execute(
            ctx(),
            RecordPartnerDecision(
                case_id=c, on=date(2026, 12, 23), partner="education", decision="met", rationale="-"
            ),
        ),
        errors.NotASafeguardingPartnerError,
        "'education' is not a safeguarding partner",
    ),
    Guard(
        "an effective date in the future",
        referred,
        lambda app, c: app.execute(
            ctx(), AlertPartners(case_id=c, on=date(2026, 12, 24), recipients=["police"])
        ),
        errors.EffectiveDateInFutureError,
        "date partners were alerted 2026-12-24 is in the future (today is 2026-12-23)",
    ),
    Guard(
        "an effective date before the case began",
        referred,
        lambda app, c: app.execute(
            ctx(), AlertPartners(case_id=c, on=date(2026, 12, 22), recipients=["police"])
        ),
        errors.EffectiveDateBeforeCaseBeganError,
        "2026-12-22 is before the case began on 2026-12-23",
    ),
    Guard(
        "a criteria decision while the partners disagree",
        disagreeing,
        lambda app, c: app.execute(
            ctx(), DecideCriteria(case_id=c, on=date(2026, 12, 23), outcome="met")
        ),
        errors.PartnerDecisionsDisagreeError,
        "the safeguarding partners disagree",
    ),
    Guard(
        "a criteria decision before all three partners decided",
        referred,
        lambda app, c: app.execute(
            ctx(), DecideCriteria(case_id=c, on=date(2026, 12, 23), outcome="met")
        ),
        errors.PartnerDecisionsDisagreeError,
        "missing: icb, local_authority, police",
    ),
    Guard(
        "a second decision by the same partner",
        disagreeing,
        lambda app, c: app.execute(
            ctx(POLICE),
            RecordPartnerDecision(
                case_id=c, on=date(2026, 12, 23), partner="police", decision="met", rationale="-"
            ),
        ),
        errors.AlreadyRecordedError,
        "the police decision is already recorded",
    ),
    Guard(
        "a scoping return no request was addressed to",
        scoping_sent,
        lambda app, c: app.execute(
            ctx(agency("Imaginary Academy")),
            ReturnScoping(
                case_id=c,
                on=date(2027, 1, 4),
                agency="Imaginary Academy",
                completed_by=Contact("X", "Imaginary Academy"),
                involvement=False,
            ),
        ),
        errors.ScopingNotRequestedError,
        "no scoping request was addressed to Imaginary Academy",
    ),
    Guard(
        "an agency returning scoping for another agency",
        scoping_sent,
        lambda app, c: app.execute(
            ctx(agency("Imaginary Academy")),
            ReturnScoping(
                case_id=c,
                on=date(2027, 1, 4),
                agency=AGENCIES[0],
                completed_by=Contact("X", AGENCIES[0]),
                involvement=False,
            ),
        ),
        NotPermittedError,
        f"Imaginary Academy may not return_scoping for {AGENCIES[0]}",
    ),
    Guard(
        "a partner recording another partner's decision",
        referred,
        lambda app, c: app.execute(
            ctx(POLICE),
            RecordPartnerDecision(
                case_id=c, on=date(2026, 12, 23), partner="icb", decision="met", rationale="-"
            ),
        ),
        NotPermittedError,
        "police may not record_partner_decision for icb",
    ),
    Guard(
        "an agency alerting partners",
        referred,
        lambda app, c: app.execute(
            ctx(MASH), AlertPartners(case_id=c, on=date(2026, 12, 23), recipients=["police"])
        ),
        NotPermittedError,
        "the agency role may not alert_partners",
    ),
    Guard(
        "a second alert",
        decided,
        lambda app, c: app.execute(
            ctx(), AlertPartners(case_id=c, on=date(2026, 12, 30), recipients=["police"])
        ),
        errors.AlreadyRecordedError,
        "the alert to partners is already recorded",
    ),
    Guard(
        "any act on a closed case",
        closed,
        lambda app, c: app.execute(
            ctx(), AlertPartners(case_id=c, on=date(2026, 12, 23), recipients=["police"])
        ),
        errors.CaseClosedError,
        "was closed on 2026-12-23; reopen it first",
    ),
    Guard(
        "a serious-incident act on a practice-learning referral",
        practice_learning,
        lambda app, c: app.execute(
            ctx(), AlertPartners(case_id=c, on=date(2026, 12, 23), recipients=["police"])
        ),
        errors.WrongCaseKindError,
        "is a practice-learning referral, not a serious incident",
    ),
    Guard(
        "an unknown recommendation",
        referred,
        lambda app, c: app.execute(
            ctx(),
            RecommendCriteria(
                case_id=c, on=date(2026, 12, 23), recommendation="maybe", rationale="-"
            ),
        ),
        errors.InvalidValueError,
        "recommendation 'maybe' is not one of: met, not_met",
    ),
    Guard(
        "a meeting participant representing a non-partner",
        scoping_returned,
        lambda app, c: app.execute(
            ctx(),
            HoldMeeting(
                case_id=c,
                on=date(2027, 1, 14),
                format="video",
                participants=(*QUORATE, Participant("P", "Head", "School", "education")),
                immediate_action_taken=True,
                recommendation="b_local_cspr",
                rationale="r",
            ),
        ),
        errors.NotASafeguardingPartnerError,
        "represents 'education' is not a safeguarding partner",
    ),
    Guard(
        "a case in another partnership",
        referred,
        lambda app, c: app.execute(
            ctx(HIL_STAFF), AlertPartners(case_id=c, on=date(2026, 12, 23), recipients=["police"])
        ),
        NotFoundError,
        "no case",
    ),
    Guard(
        "an unknown case",
        referred,
        lambda app, c: app.execute(
            ctx(), AlertPartners(case_id=uuid4(), on=date(2026, 12, 23), recipients=["police"])
        ),
        NotFoundError,
        "no case",
    ),
    Guard(
        "a referral from an area outside the partnership",
        referred,
        lambda app, c: app.execute(
            ctx(MASH),
            ReferSeriousIncident(
                partnership="LEW",
                area="Bexley",
                received_on=date(2026, 12, 23),
                details=referral_details(),
                incident=serious_harm(date(2026, 12, 20)),
            ),
        ),
        UnknownAreaError,
        "'Bexley' is not a local authority of LEW",
    ),
    Guard(
        "a referral received in the future",
        referred,
        lambda app, c: app.execute(
            ctx(MASH),
            ReferSeriousIncident(
                partnership="LEW",
                area="Lewisham",
                received_on=date(2026, 12, 24),
                details=referral_details(),
                incident=serious_harm(date(2026, 12, 20)),
            ),
        ),
        errors.EffectiveDateInFutureError,
        "received on 2026-12-24 is in the future",
    ),
    Guard(
        "dissent shared after a unanimous meeting",
        meeting_held,
        lambda app, c: app.execute(ctx(), ShareDissent(case_id=c, on=date(2027, 1, 14))),
        errors.WrongStageError,
        "the meeting's agreement was unanimous: there is no dissent",
    ),
    Guard(
        "dissent shared before the meeting",
        scoping_returned,
        lambda app, c: app.execute(ctx(), ShareDissent(case_id=c, on=date(2027, 1, 14))),
        errors.WrongStageError,
        "the rapid review meeting has not been held",
    ),
    Guard(
        "agencies informed of an outcome before the meeting",
        scoping_returned,
        lambda app, c: app.execute(
            ctx(), InformAgenciesOfOutcome(case_id=c, on=date(2027, 1, 14), agencies=["Police"])
        ),
        errors.WrongStageError,
        "the outcome is known once the rapid review meeting is held",
    ),
    Guard(
        "an agency informed of the outcome twice",
        informed_of_outcome,
        lambda app, c: app.execute(
            ctx(),
            InformAgenciesOfOutcome(
                case_id=c, on=date(2027, 1, 14), agencies=[AGENCIES[2], AGENCIES[1]]
            ),
        ),
        errors.AlreadyRecordedError,
        f"{AGENCIES[1]} already informed of the outcome of LEW-2026-0001",
    ),
    Guard(
        "a dispute reported with no concern",
        referred,
        lambda app, c: app.execute(
            ctx(),
            ReportDisputeToStrategicPartners(case_id=c, on=date(2026, 12, 23), concern=" "),
        ),
        errors.InvalidValueError,
        "concern is required",
    ),
]


@pytest.mark.parametrize("guard", GUARDS, ids=[g.name for g in GUARDS])
def test_each_guard_refuses_with_its_message_and_records_nothing(
    tracker: Safeguarding, clock: FakeClock, guard: Guard
) -> None:
    case_id = guard.setup(tracker, clock)
    position_before = tracker.recorder.max_notification_id()
    version_before: int = tracker.repository.get(case_id).version

    with pytest.raises(guard.error) as refused:
        guard.attempt(tracker, case_id)

    assert guard.message in str(refused.value)
    assert tracker.recorder.max_notification_id() == position_before
    assert tracker.repository.get(case_id).version == version_before
