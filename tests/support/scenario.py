"""The seed timetable (seed 001 "The Rapid Review") walked on real dates.

A serious incident referred on Wed 23 Dec 2026, so the clocks cross Christmas, the
substitute Boxing Day (Mon 28 Dec) and New Year's Day 2027. Each step moves the clock to
the day of the act, as a person recording it that day would.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.acts import (
    AlertPartners,
    ApproveReport,
    DecideCriteria,
    HoldMeeting,
    NotifyNationalPanel,
    ReceivePanelResponse,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferSeriousIncident,
    RequestScoping,
    ReturnScoping,
    SecureRecords,
    StartRapidReview,
    SubmitRapidReview,
)
from application.service import Safeguarding
from domain.values import Contact
from tests.support.clock import FakeClock
from tests.support.people import (
    ICB,
    LA,
    MASH,
    POLICE,
    QUORATE,
    STAFF,
    agency,
    ctx,
    referral_details,
    serious_harm,
)

RECEIVED = date(2026, 12, 23)
AGENCIES = ("Lewisham Children's Social Care", "Metropolitan Police", "SLaM NHS Trust")


def refer(app: Safeguarding, clock: FakeClock, received: date = RECEIVED) -> UUID:
    clock.set_day(received)
    result = app.execute(
        ctx(MASH),
        ReferSeriousIncident(
            partnership="LEW",
            area="Lewisham",
            received_on=received,
            details=referral_details(),
            incident=serious_harm(date(2026, 12, 20)),
            siblings_action="Sibling placed with grandmother under a safety plan.",
        ),
    )
    return result.id


def decide_met(app: Safeguarding, clock: FakeClock, case_id: UUID) -> None:
    """Alerted the same day; recommendation Thu 24 Dec; partners agree by Wed 30 Dec."""
    clock.set_day(date(2026, 12, 23))
    app.execute(
        ctx(),
        AlertPartners(
            case_id=case_id,
            on=date(2026, 12, 23),
            recipients=["local_authority", "police", "icb", "lfp_chair"],
        ),
    )
    clock.set_day(date(2026, 12, 24))
    app.execute(
        ctx(),
        RecommendCriteria(
            case_id=case_id,
            on=date(2026, 12, 24),
            recommendation="met",
            rationale="Serious harm, abuse suspected.",
        ),
    )
    clock.set_day(date(2026, 12, 29))
    for partner in (LA, POLICE, ICB):
        app.execute(
            ctx(partner),
            RecordPartnerDecision(
                case_id=case_id,
                on=date(2026, 12, 29),
                partner=partner.agency,
                decision="met",
                rationale="Agree.",
            ),
        )
    clock.set_day(date(2026, 12, 30))
    app.execute(
        ctx(),
        DecideCriteria(
            case_id=case_id, on=date(2026, 12, 30), outcome="met", rationale="All three agree."
        ),
    )


def notify_and_scope(app: Safeguarding, clock: FakeClock, case_id: UUID) -> None:
    """Notified Thu 31 Dec; rapid review started and scoping sent Mon 4 Jan 2027."""
    clock.set_day(date(2026, 12, 31))
    app.execute(
        ctx(),
        NotifyNationalPanel(
            case_id=case_id,
            on=date(2026, 12, 31),
            notified_by="Director of Children's Services",
            panel_reference="CSPRP-0001",
        ),
    )
    clock.set_day(date(2027, 1, 4))
    app.execute(
        ctx(), StartRapidReview(case_id=case_id, on=date(2027, 1, 4), meeting_on=date(2027, 1, 14))
    )
    for name in AGENCIES:
        app.execute(
            ctx(),
            RequestScoping(
                case_id=case_id,
                on=date(2027, 1, 4),
                agency=name,
                contact=f"lead@{name[:4]}.example",
            ),
        )


def return_all_scoping(app: Safeguarding, clock: FakeClock, case_id: UUID) -> None:
    """Two return on time (by Mon 11 Jan), the trust a day late on Tue 12 Jan."""
    days = (date(2027, 1, 7), date(2027, 1, 11), date(2027, 1, 12))
    for name, day in zip(AGENCIES, days, strict=True):
        clock.set_day(day)
        app.execute(ctx(agency(name)), SecureRecords(case_id=case_id, on=day, agency=name))
        app.execute(
            ctx(agency(name)),
            ReturnScoping(
                case_id=case_id,
                on=day,
                agency=name,
                completed_by=Contact("Form Filler", name, "Safeguarding lead"),
                involvement=True,
                summary="Known to the service since 2024.",
                analysis="Good practice in information sharing.",
            ),
        )


def hold_meeting_and_submit(app: Safeguarding, clock: FakeClock, case_id: UUID) -> None:
    """Meeting Thu 14 Jan (window day 9); approvals by Mon 18 Jan; submitted Tue 19 Jan."""
    clock.set_day(date(2027, 1, 14))
    app.execute(
        ctx(),
        HoldMeeting(
            case_id=case_id,
            on=date(2027, 1, 14),
            format="face_to_face",
            participants=QUORATE,
            immediate_action_taken=True,
            immediate_action_details="Siblings safeguarded.",
            criteria=["agencies_working_together", "improvements_needed"],
            discussion="Facts reviewed against the criteria.",
            nature_of_harm="Serious physical harm.",
            legal_advice_sought=False,
            recommendation="b_local_cspr",
            rationale="Learning about agencies working together.",
        ),
    )
    for partner, day in (
        (LA, date(2027, 1, 15)),
        (POLICE, date(2027, 1, 15)),
        (ICB, date(2027, 1, 18)),
    ):
        clock.set_day(day)
        app.execute(
            ctx(partner),
            ApproveReport(
                case_id=case_id, on=day, partner=partner.agency, approver=f"Lead {partner.agency}"
            ),
        )
    clock.set_day(date(2027, 1, 19))
    app.execute(ctx(), SubmitRapidReview(case_id=case_id, on=date(2027, 1, 19)))


def panel_responds(app: Safeguarding, clock: FakeClock, case_id: UUID) -> None:
    clock.set_day(date(2027, 2, 5))
    app.execute(
        ctx(),
        ReceivePanelResponse(
            case_id=case_id, on=date(2027, 2, 5), concurs=True, view="The Panel agrees."
        ),
    )


def walk_to_panel_response(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = refer(app, clock)
    decide_met(app, clock, case_id)
    notify_and_scope(app, clock, case_id)
    return_all_scoping(app, clock, case_id)
    hold_meeting_and_submit(app, clock, case_id)
    panel_responds(app, clock, case_id)
    return case_id


__all__ = [
    "AGENCIES",
    "RECEIVED",
    "STAFF",
    "decide_met",
    "hold_meeting_and_submit",
    "notify_and_scope",
    "panel_responds",
    "refer",
    "return_all_scoping",
    "walk_to_panel_response",
]
