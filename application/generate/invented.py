"""The invented people and agencies of generated cases: first names from common lists,
surnames made up from parts, the agencies a case involves. Nothing is real."""

from __future__ import annotations

import random
from datetime import date, timedelta

from domain.values import (
    AgencyInvolvement,
    Child,
    ChronologyEntry,
    Contact,
    FamilyMember,
    ReferralDetails,
)

FIRST = [
    "Amara",
    "Ayaan",
    "Bea",
    "Caleb",
    "Daisy",
    "Eli",
    "Esme",
    "Felix",
    "Grace",
    "Hassan",
    "Isla",
    "Jayden",
    "Kai",
    "Layla",
    "Leo",
    "Maya",
    "Mohammed",
    "Nia",
    "Noah",
    "Olivia",
    "Oscar",
    "Priya",
    "Reuben",
    "Rosie",
    "Sami",
    "Sofia",
    "Theo",
    "Zara",
    "Zain",
    "Ivy",
]
SURNAME_PARTS = [
    "Ash",
    "Bel",
    "Cor",
    "Dun",
    "Ell",
    "Fen",
    "Gar",
    "Hol",
    "Ive",
    "Jor",
    "Kel",
    "Lan",
    "Mor",
    "Nor",
    "Pel",
    "Quen",
    "Ros",
    "Sel",
    "Tor",
    "Vex",
]
SURNAME_ENDS = ["by", "ford", "wick", "ton", "ley", "more", "den", "well", "croft", "stead"]
AGENCIES = (
    "Children's Social Care",
    "Metropolitan Police",
    "Integrated Care Board",
    "Acute Hospital Trust",
    "Mental Health Trust",
    "Health Visiting",
    "School",
    "Early Help",
    "Youth Justice Service",
    "Housing",
    "Probation Service",
    "GP Practice",
    "Ambulance Service",
    "CAMHS",
)
PARTNER_NAMES = {
    "local_authority": "Children's Social Care",
    "police": "Metropolitan Police",
    "icb": "ICB",
}
WEIGHTS = {"BHR": 3, "LEW": 2, "BEX": 1, "HIL": 1}


def invented_name(rng: random.Random) -> tuple[str, str]:
    surname = rng.choice(SURNAME_PARTS) + rng.choice(SURNAME_ENDS)
    return rng.choice(FIRST), surname


def referral_details(
    rng: random.Random, agency: str, received: date, serious: bool
) -> ReferralDetails:
    first, surname = invented_name(rng)
    dob = received - timedelta(days=rng.randint(30, 17 * 365))
    child = Child(
        name=f"{first} {surname}",
        date_of_birth=dob,
        nhs_number=" ".join(str(rng.randint(100, 999)) for _ in range(3)) + str(rng.randint(0, 9)),
        gender=rng.choice(("female", "male", "unknown")),
        ethnicity=rng.choice(("White British", "Black African", "Asian British", "Mixed", "Other")),
        address=f"{rng.randint(1, 200)} {rng.choice(SURNAME_PARTS)} Road",
        looked_after=rng.random() < 0.08,
        child_protection_plan_current=rng.random() < 0.2,
        open_to_social_care=rng.random() < 0.5,
    )
    mother_first, _ = invented_name(rng)
    return ReferralDetails(
        referrer=Contact(
            f"{invented_name(rng)[0]} {invented_name(rng)[1]}",
            agency,
            "Practitioner",
            "referrer@example.org",
        ),
        safeguarding_lead=Contact(
            f"{invented_name(rng)[0]} {invented_name(rng)[1]}", agency, "Designated lead"
        ),
        child=child,
        family=(FamilyMember(f"{mother_first} {surname}", "mother", child.address),),
        agencies=tuple(AgencyInvolvement(a) for a in rng.sample(AGENCIES, 3)),
        outline="Invented case for demonstration and testing.",
        reason="Serious harm; abuse suspected." if serious else "Learning for the partnership.",
        chronology=(ChronologyEntry(received - timedelta(days=2), "Incident"),),
    )
