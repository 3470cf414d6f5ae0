"""A value type's field added later keeps the hashes of the events stored before it."""

from __future__ import annotations

import dataclasses
from datetime import date

from domain.chain import fingerprint, later
from domain.values import FamilyMember


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    nickname: str = later("")


def test_a_field_added_later_is_hashed_only_when_it_is_set() -> None:
    assert fingerprint(Person("Ada")) == fingerprint({"$Person": {"name": "Ada"}})
    assert fingerprint(Person("Ada", "Ace")) == fingerprint(
        {"$Person": {"name": "Ada", "nickname": "Ace"}}
    )


def test_a_family_member_stored_before_its_new_fields_hashes_as_it_did() -> None:
    """The canonical form of a family member without the fields added for seed 001's
    appendix iii is exactly what it was before they were added."""
    member = FamilyMember("Bryony Orrowby", "mother", "12 Imaginary Lane", date(1990, 2, 1))
    assert fingerprint(member) == (
        # fingerprint of {"$FamilyMember": {the six fields of the previous release}}
        fingerprint(
            {
                "$FamilyMember": {
                    "name": "Bryony Orrowby",
                    "relationship": "mother",
                    "address": "12 Imaginary Lane",
                    "date_of_birth": {"$d": "1990-02-01"},
                    "legal_status": "",
                    "ethnicity": "",
                }
            }
        )
    )
    widowed = dataclasses.replace(member, date_of_death=date(2025, 10, 4))
    assert fingerprint(widowed) != fingerprint(member)
