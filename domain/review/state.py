"""What every part of a review shares: its state, and the guards.

``ReviewState`` is mixed into ``Review`` with one class per part of a review's life
(conduct, publication, the action plan), each keeping its acts' command methods beside
their events. As for ``Case`` (domain/case/state.py), the parts are aggregates only to the
type checker; ``Review`` alone is the aggregate, so every topic stays
``domain.review:Review.<Event>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.base import AuditedAggregate
from domain.errors import AlreadyRecordedError, CaseClosedError
from domain.values import Audit

if TYPE_CHECKING:
    _Aggregate = AuditedAggregate
else:
    _Aggregate = object


@dataclass(frozen=True)
class ActionState:
    action_id: str
    description: str
    owner_agency: str
    agreed_on: date
    due_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class Deferral:
    deferred_on: date
    resumed_on: date | None = None


class ReviewState(_Aggregate):
    """A review's state (set by ReviewCommissioned and the later events) and its guards."""

    if TYPE_CHECKING:  # state, set by ReviewCommissioned.apply
        reference: str
        partnership: str
        review_type: str
        case_ids: tuple[UUID, ...]
        theme: str
        commissioned_on: date
        terms_agreed_on: date | None
        reviewers: tuple[str, ...]
        deferrals: tuple[Deferral, ...]
        final_report_on: date | None
        pre_publication_sent_on: date | None
        published_on: date | None
        link: str
        actions: dict[str, ActionState]
        disseminations: int
        closed_on: date | None
        last_progress_check_on: date | None

    def began_on(self) -> date:
        return self.commissioned_on

    @property
    def is_deferred(self) -> bool:
        return bool(self.deferrals) and self.deferrals[-1].resumed_on is None

    @property
    def open_actions(self) -> list[ActionState]:
        return [a for a in self.actions.values() if a.completed_on is None]

    # ----------------------------------------------------------------------- guards

    def check_open(self) -> None:
        if self.closed_on is not None:
            raise CaseClosedError(f"review {self.reference} is closed")

    def _act(self, on: date, audit: Audit, what: str) -> None:
        self.check_open()
        self.check_effective_date(on, audit, what)

    def check_not_published(self) -> None:
        if self.published_on is not None:
            raise AlreadyRecordedError(f"review {self.reference} is already published")
