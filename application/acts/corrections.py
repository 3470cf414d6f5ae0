"""A case closed or reopened, and a mistake corrected by a new fact:
domain/case/closure.py and domain/case/corrections.py decide them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from application.acts.base import CaseAct, body, notes


@dataclass(frozen=True, kw_only=True)
class CloseCase(CaseAct):
    """The case closed, with the reason."""

    stored_as = "close"  # its name before 2026-12: idempotency keys recorded under it
    path = "closure"
    title = "Case closed"
    example = body(on="2025-11-14", reason="Panel responded; review commissioned.")

    on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReopenCase(CaseAct):
    """A closed case reopened, with the reason."""

    stored_as = "reopen"
    path = "reopening"
    title = "Case reopened"
    example = body(on="2025-11-17", reason="Closed in error.")

    on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class CorrectDetails(CaseAct):
    """A mistake in the referral corrected by a new fact with its reason, never by editing
    history (``what`` names the field: ``child.name``, ``incident.occurred_on``,
    ``details.outline``, ``area``...)."""

    path = "corrections"
    title = "A mistake in the referral corrected"
    example = body(
        what="child.name",
        new_value="Tamsin Orrowbie",
        reason="Spelling confirmed with school records.",
    )
    field_notes = notes(reason="Why the value is corrected, e.g. how the right one was confirmed.")

    what: str
    new_value: Any
    reason: str
