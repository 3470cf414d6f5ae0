"""The acts that begin a case: a serious incident referral, a referral for practice learning.

The examples walk one invented case along the seed timetable (autumn 2025), so each act's
example is a valid request in sequence; the end-to-end tests post them in that order.
Nobody named in them is real.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from application.acts.base import AGENCIES, Creation, Env, body, notes
from application.context import Principal
from domain.case import Case
from domain.values import Incident, LearningCategory, OneOf, ReferralDetails

CHILD = {
    "name": "Tamsin Orrowby",
    "date_of_birth": "2018-06-14",
    "nhs_number": "485 777 3456",
    "gender": "female",
    "ethnicity": "White British",
    "address": "12 Imaginary Lane, London",
    "looked_after": False,
    "child_protection_plan_previous": True,
    "child_protection_plan_details": "Neglect, 2022-2023",
    "open_to_social_care": True,
    "lead_practitioner": "Sam Worker",
}

REFERRAL_DETAILS: dict[str, Any] = {
    "referrer": {
        "name": "Ada Referrer",
        "agency": "MASH",
        "title": "Team manager",
        "contact": "mash@example.org",
    },
    "safeguarding_lead": {"name": "Dee Lead", "agency": "MASH", "title": "DSL"},
    "child": CHILD,
    "family": [
        {
            "name": "Bryony Orrowby",
            "relationship": "mother",
            "address": "12 Imaginary Lane, London",
            "date_of_birth": "1990-02-01",
        }
    ],
    "agencies": [{"agency": "Health visiting", "reason": "Universal service", "current": True}],
    "outline": "Admitted to hospital with injuries the carers could not explain.",
    "reason": "Serious harm; abuse suspected.",
    "chronology": [{"occurred_on": "2025-10-04", "event": "Admitted to hospital", "time": "21:40"}],
    "other_information": "",
}


@dataclass(frozen=True, kw_only=True)
class CaseReferral(Creation):
    """What both referrals share: the partnership's area must be one of its own."""

    aggregate = Case
    collection = "cases"
    roles = AGENCIES
    area: str
    received_on: date

    def year(self) -> int:
        return self.received_on.year

    def check(self, env: Env, principal: Principal) -> None:
        env.partnerships.check_area(self.partnership, self.area)


@dataclass(frozen=True, kw_only=True)
class ReferSeriousIncident(CaseReferral):
    """A serious incident referral received (seed 001 appendix i): a child died or was
    seriously harmed and abuse or neglect is known or suspected."""

    path = "/cases/serious-incidents"
    title = "Serious incident referred"
    example = body(
        partnership="LEW",
        area="Lewisham",
        received_on="2025-10-06",
        details=REFERRAL_DETAILS,
        incident={
            "kind": "serious_harm",
            "occurred_on": "2025-10-04",
            "location": "Home",
            "carer_at_time": "Mother's partner",
            "abuse_or_neglect": "suspected",
            "criminal_investigation": True,
            "investigation_lead": "DI Example",
        },
        siblings_action="Sibling placed with grandmother under a safety plan.",
    )

    details: ReferralDetails
    incident: Incident
    aware_on: date | None = None
    siblings_action: str = ""


@dataclass(frozen=True, kw_only=True)
class ReferPracticeLearning(CaseReferral):
    """A referral for practice learning received (seed 001 appendix vi): a no-harm incident,
    a near miss, good practice or a new challenge the partnership could learn from."""

    path = "/cases/practice-learning"
    title = "Practice learning referred"
    example = body(
        partnership="LEW",
        area="Lewisham",
        received_on="2025-10-08",
        details=REFERRAL_DETAILS,
        category="near_miss",
        learning="Discharge planning nearly missed a safeguarding flag.",
        incident=None,
    )
    field_notes = notes(
        incident=(
            "The incident, where the learning comes from one (null for good practice or a "
            "new challenge)."
        ),
    )

    details: ReferralDetails
    category: Annotated[str, OneOf(LearningCategory)]
    learning: str
    incident: Incident | None = None
