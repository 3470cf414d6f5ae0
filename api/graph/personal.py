"""Personal data (names, dates of birth, addresses, NHS numbers, free text): reachable only
through ``Case.personal`` and ``CaseSnapshot.personal`` (and ``HistoryEvent.payload``). Each
resolves for the roles that may read a case in full, records the read in the access log,
and resolves to null for everyone else (analysts get the age band and the reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graph.context import GraphContext
from application.history import json_ready
from application.views import FULL_READERS
from domain.case import Case
from domain.values import Child, Contact, FamilyMember


@strawberry.type
class ContactData:
    name: str
    agency: str
    title: str
    contact: str

    @staticmethod
    def of(c: Contact) -> ContactData:
        return ContactData(name=c.name, agency=c.agency, title=c.title, contact=c.contact)


@strawberry.type
class ChildData:
    name: str
    date_of_birth: date | None
    also_known_as: str
    nhs_number: str
    gender: str
    ethnicity: str
    address: str
    looked_after: bool
    date_of_death: date | None

    @staticmethod
    def of(c: Child) -> ChildData:
        return ChildData(
            name=c.name,
            date_of_birth=c.date_of_birth,
            also_known_as=c.also_known_as,
            nhs_number=c.nhs_number,
            gender=c.gender,
            ethnicity=c.ethnicity,
            address=c.address,
            looked_after=c.looked_after,
            date_of_death=c.date_of_death,
        )


@strawberry.type
class FamilyMemberData:
    name: str
    relationship: str
    address: str
    date_of_birth: date | None

    @staticmethod
    def of(f: FamilyMember) -> FamilyMemberData:
        return FamilyMemberData(
            name=f.name,
            relationship=f.relationship,
            address=f.address,
            date_of_birth=f.date_of_birth,
        )


@strawberry.type(
    description="Who the case is about and what was reported: names, dates of birth, "
    "addresses, NHS numbers and free text. Every read is written to the access log."
)
class PersonalData:
    child: ChildData | None
    family: list[FamilyMemberData]
    referrer: ContactData
    referral: JSON = strawberry.field(description="the whole referral form as recorded")
    incident: JSON | None = strawberry.field(description="the incident as recorded")

    @staticmethod
    def of(case: Case) -> PersonalData:
        d = case.details
        return PersonalData(
            child=ChildData.of(d.child) if d.child else None,
            family=[FamilyMemberData.of(f) for f in d.family],
            referrer=ContactData.of(d.referrer),
            referral=json_ready(d),
            incident=json_ready(case.incident) if case.incident else None,
        )


def selected_paths(info: Info[GraphContext, None]) -> list[str]:
    """The subfields selected below the field being resolved, as dotted paths."""
    paths: list[str] = []

    def walk(selections: Sequence[Any], prefix: str) -> None:
        for s in selections:
            name = getattr(s, "name", None)
            subs = getattr(s, "selections", None) or []
            if name is None:  # a fragment: its selections belong to this level
                walk(subs, prefix)
            elif subs:
                walk(subs, f"{prefix}{name}.")
            elif name != "__typename":
                paths.append(prefix + name)

    for field in info.selected_fields:
        walk(field.selections, "")
    return paths


def personal_of(info: Info[GraphContext, None], case: Case, operation: str) -> PersonalData | None:
    """The case's personal data if the caller may read it in full (logged), else null."""
    ctx = info.context
    principal = ctx.caller()
    if principal.role not in FULL_READERS or not principal.may_see(case.partnership):
        return None
    ctx.record_access(
        partnership=case.partnership,
        case_id=str(case.id),
        reference=case.reference,
        fields=selected_paths(info),
        op=operation,
    )
    return PersonalData.of(case)
