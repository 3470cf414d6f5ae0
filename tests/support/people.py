"""Principals and invented people used across the tests (no real person is named)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from application.context import CommandContext, Principal
from domain.case import Case
from domain.values import (
    AgencyInvolvement,
    Audit,
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
    child_name: str = CHILD_NAME, *, looked_after: bool = False, care_leaver: bool = False
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
            care_leaver=care_leaver,
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


def audit_on(day: date, actor: str = "staff-1", role: Role = Role.PARTNERSHIP) -> Audit:
    """Who acts, recording at noon UTC on ``day``."""
    return Audit(
        actor_id=actor,
        role=role.value,
        recorded_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
    )


def new_serious_incident(
    received: date,
    *,
    aware_on: date | None = None,
    details: ReferralDetails | None = None,
    incident: Incident | None = None,
) -> Case:
    """A serious incident referral built with the domain alone (no storage)."""
    return Case.refer_serious_incident(
        id=uuid4(),
        audit=audit_on(received),
        reference=f"LEW-{received.year}-0001",
        partnership="LEW",
        area="Lewisham",
        received_on=received,
        aware_on=aware_on,
        details=details or referral_details(),
        incident=incident or serious_harm(received),
    )
