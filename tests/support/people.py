"""Principals and invented people used across the tests (no real person is named)."""

from __future__ import annotations

from datetime import date

from application.context import CommandContext, Principal
from domain.values import (
    AgencyInvolvement,
    Child,
    ChronologyEntry,
    Contact,
    FamilyMember,
    Incident,
    Participant,
    ReferralDetails,
    Role,
)

CHILD_NAME = "Quillon Marchbanks"
MOTHER_NAME = "Ysolde Marchbanks"

STAFF = Principal("staff-lew-1", Role.PARTNERSHIP, "Lewisham Safeguarding Partnership", ("LEW",))
HIL_STAFF = Principal("staff-hil-1", Role.PARTNERSHIP, "Hillingdon Partnership", ("HIL",))
MASH = Principal("mash-lew", Role.AGENCY, "Lewisham MASH", ("LEW",))
LA = Principal("partner-la", Role.PARTNER, "local_authority", ("LEW",))
POLICE = Principal("partner-police", Role.PARTNER, "police", ("LEW",))
ICB = Principal("partner-icb", Role.PARTNER, "icb", ("LEW",))
SCRUTINEER = Principal("scrutineer-lew", Role.SCRUTINEER, "Independent scrutineer", ("LEW",))
ANALYST = Principal("analyst-lew", Role.ANALYST, "", ("LEW",))


def ctx(principal: Principal = STAFF, **kwargs: object) -> CommandContext:
    return CommandContext(principal=principal, request_id="test-request", **kwargs)  # type: ignore[arg-type]


def agency(name: str) -> Principal:
    return Principal(f"agency-{name}", Role.AGENCY, name, ("LEW",))


def referral_details(
    child_name: str = CHILD_NAME, *, looked_after: bool = False
) -> ReferralDetails:
    return ReferralDetails(
        referrer=Contact("Ada Referrer", "Lewisham MASH", "Team manager", "mash@example.org"),
        safeguarding_lead=Contact("Dee Lead", "Lewisham MASH", "Designated safeguarding lead"),
        child=Child(
            name=child_name,
            date_of_birth=date(2019, 4, 2),
            nhs_number="943 476 5919",
            gender="female",
            address="1 Imaginary Row, London",
            looked_after=looked_after,
        ),
        family=(FamilyMember(MOTHER_NAME, "mother", "1 Imaginary Row, London", date(1994, 3, 3)),),
        agencies=(AgencyInvolvement("Health visiting", reason="universal service"),),
        outline="Admitted to hospital with unexplained injuries.",
        reason="Abuse suspected; child seriously harmed.",
        chronology=(ChronologyEntry(date(2026, 12, 20), "Admitted to hospital", "21:40"),),
    )


def serious_harm(on: date) -> Incident:
    return Incident(
        kind="serious_harm", occurred_on=on, location="Home", abuse_or_neglect="suspected"
    )


QUORATE = (
    Participant(
        "Lee Head", "Head of Service", "Lewisham Children's Social Care", "local_authority"
    ),
    Participant("Di Inspector", "Detective Inspector", "Metropolitan Police", "police"),
    Participant("Nan Nurse", "Designated Nurse", "SEL ICB", "icb"),
    Participant("Sam School", "Headteacher", "Imaginary Primary"),
)
