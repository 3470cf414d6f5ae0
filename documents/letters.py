"""What every letter and form shares: the partnership's letterhead, how to reach it, the
document record at the end, and the people of the family as the forms list them."""

from __future__ import annotations

from typing import Any

from application.config import Letterhead, Partnership
from documents.layout import Block, Paragraph, Run, Stamp, Style, plain
from domain.values import Child, FamilyMember

NOT_YET = "[not yet recorded]"


def letterhead(partnership: Partnership) -> list[Block]:
    """The partnership's name and address, right-aligned above a letter."""
    head = partnership.letterhead
    lines = [*head.address, head.telephone and f"Telephone {head.telephone}", head.email]
    runs = [Run(partnership.name, bold=True)]
    for line in filter(None, lines):
        runs += [*plain("\n"), Run(line)]
    return [Paragraph(tuple(runs), Style.LETTERHEAD)]


def contact_line(head: Letterhead) -> str:
    """Whom to ask: "the Business Manager on 020 ... or at x@y" (as far as configured)."""
    who = head.contact or "the Safeguarding Partnership"
    parts = [who]
    if head.telephone:
        parts.append(f"on {head.telephone}")
    if head.email:
        parts.append(f"{'or ' if head.telephone else ''}at {head.email}")
    return " ".join(parts)


def return_address(head: Letterhead) -> str:
    return head.secure_email or head.email or "the address of the Safeguarding Partnership"


def record_note(stamp: Stamp) -> Paragraph:
    """The document's last paragraph: what it reflects, to re-render and compare."""
    return Paragraph(
        plain(
            f"Document record: rendered from the recorded events of {stamp.line()}. "
            "The events are the record, not this document: rendering the same version "
            "again gives the same document."
        ),
        Style.SMALL,
    )


# Seed 001 appendix iii, section 1: the family as the form lists it.
_MOTHER = {"mother", "birth mother", "mum"}
_FATHER = {"father", "birth father", "dad"}
_SIBLING = {
    "sibling", "brother", "sister", "half-brother", "half-sister", "half-sibling",
    "half brother", "half sister", "step-brother", "step-sister", "stepbrother",
    "stepsister", "twin",
}  # fmt: skip


def family_groups(family: tuple[FamilyMember, ...]) -> dict[str, list[dict[str, Any]]]:
    """Mothers, fathers, siblings and significant adults / others, by stated relationship."""
    groups: dict[str, list[dict[str, Any]]] = {
        "mothers": [],
        "fathers": [],
        "siblings": [],
        "others": [],
    }
    for member in family:
        said = member.relationship.strip().casefold()
        group = (
            "mothers"
            if said in _MOTHER
            else "fathers"
            if said in _FATHER
            else "siblings"
            if said in _SIBLING
            else "others"
        )
        groups[group].append(person(member))
    return groups


def person(member: FamilyMember) -> dict[str, Any]:
    """A family member's fields as the forms show them."""
    return {
        "name": member.name,
        "relationship": member.relationship,
        "also_known_as": member.also_known_as,
        "date_of_birth": member.date_of_birth,
        "date_of_death": member.date_of_death,
        "address": member.address,
        "previous_addresses": "; ".join(member.previous_addresses),
        "legal_status": member.legal_status,
        "ethnicity": member.ethnicity,
    }


def person_blank() -> dict[str, Any]:
    """A family member's fields left blank (the form's box with no one recorded in it)."""
    return dict.fromkeys(("name", "relationship", "also_known_as", "address"), "") | {
        "date_of_birth": None,
        "date_of_death": None,
        "previous_addresses": "",
        "legal_status": "",
        "ethnicity": "",
    }


def child_fields(child: Child | None) -> dict[str, Any]:
    """The subject child's fields as the forms show them."""
    if child is None:
        return dict.fromkeys(("name", "also_known_as", "nhs_number", "address"), "") | {
            "date_of_birth": None,
            "date_of_death": None,
            "previous_addresses": "",
        }
    return {
        "name": child.name,
        "also_known_as": child.also_known_as,
        "nhs_number": child.nhs_number,
        "date_of_birth": child.date_of_birth,
        "date_of_death": child.date_of_death,
        "address": child.address,
        "previous_addresses": "; ".join(child.previous_addresses),
    }
