"""The acts of a commissioned review or audit and its action plan (DESIGN §3.2):
domain/review/ decides them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from application.acts.base import Creation, Env, ReviewAct, body, notes
from application.context import Principal
from application.errors import NotFoundError
from domain.review import Review
from domain.values import (
    DisseminationFormat,
    OneOf,
    PrePublicationRecipient,
    ReviewerRole,
    ReviewType,
)


@dataclass(frozen=True, kw_only=True)
class CommissionReview(Creation):
    """A review or audit commissioned, of one case or a theme of several; every case it
    covers must be one of the partnership's own."""

    aggregate = Review
    collection = "reviews"
    series_suffix = "-R"
    path = "/reviews"
    title = "Review or audit commissioned"
    example = body(
        partnership="LEW",
        review_type="local_cspr",
        on="2025-11-14",
        case_ids=["00000000-0000-0000-0000-000000000000"],
        theme="",
    )
    field_notes = notes(
        on="The day the review was commissioned; its six months to publication run from it.",
    )

    review_type: Annotated[str, OneOf(ReviewType)]
    on: date
    case_ids: Sequence[UUID] = ()
    theme: str = ""

    def year(self) -> int:
        return self.on.year

    def check(self, env: Env, principal: Principal) -> None:
        for case_id in self.case_ids:
            if env.case(principal, case_id).partnership != self.partnership:
                raise NotFoundError(f"no case {case_id} in {self.partnership}")


@dataclass(frozen=True, kw_only=True)
class AgreeTermsOfReference(ReviewAct):
    """The review's terms of reference agreed."""

    path = "terms-of-reference"
    title = "Terms of reference agreed"
    example = body(on="2025-11-20", summary="Scope: 2023 to the incident.")
    field_notes = notes(
        summary="The terms of reference in brief: scope, period and proposed methodology.",
    )

    on: date
    summary: str


@dataclass(frozen=True, kw_only=True)
class AppointReviewer(ReviewAct):
    """The independent chair or reviewer appointed."""

    path = "reviewer-appointments"
    title = "Independent chair or reviewer appointed"
    example = body(
        on="2025-11-20", name="Rae Reviewer", role="independent_reviewer", independent=True
    )
    field_notes = notes(on="The day the chair or reviewer was appointed.")

    on: date
    name: str
    role: Annotated[str, OneOf(ReviewerRole)]
    independent: bool = True


@dataclass(frozen=True, kw_only=True)
class RecordFamilyParticipation(ReviewAct):
    """Whether the child's family took part in the review."""

    path = "family-participation"
    title = "Family participation recorded"
    example = body(on="2025-12-01", participated=True, note="")
    field_notes = notes(note="How the family took part, or why it did not.")

    on: date
    participated: bool
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CheckProgress(ReviewAct):
    """The partners check the review's time and quality, as they must at regular intervals
    (SI 2018/789 reg 14)."""

    path = "progress-checks"
    title = "Progress checked (SI 2018/789 reg 14)"
    example = body(on="2026-01-15", on_track=True, note="Chronology complete.")
    field_notes = notes(note="What the check found.")

    on: date
    on_track: bool
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class DeferPublication(ReviewAct):
    """Publication deferred (e.g. for criminal proceedings): the six-month clock pauses."""

    path = "publication-deferral"
    title = "Publication deferred (clock paused)"
    example = body(on="2026-02-02", reason="Criminal proceedings.")
    field_notes = notes(
        on="The day publication was deferred: the clock pauses from it.",
        reason="Why publication is deferred (e.g. criminal proceedings).",
    )

    on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class ResumePublication(ReviewAct):
    """Publication no longer deferred: the six-month clock runs again."""

    path = "publication-resumption"
    title = "Publication no longer deferred"
    example = body(on="2026-03-02", reason="Trial concluded.")
    field_notes = notes(
        on="The day publication was no longer deferred: the clock runs again from it.",
        reason="Why publication is no longer deferred.",
    )

    on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReceiveFinalReport(ReviewAct):
    """The review's final report received."""

    path = "final-report"
    title = "Final report received"
    example = body(on="2026-04-15")
    field_notes = notes(on="The day the final report was received.")

    on: date


@dataclass(frozen=True, kw_only=True)
class SendPrePublicationCopy(ReviewAct):
    """A copy of the final report sent before publication to the national Panel and the
    Secretary of State."""

    path = "pre-publication-copy"
    title = "Copy sent to Panel / SoS"
    example = body(on="2026-04-20", recipients=["national_panel", "secretary_of_state"])
    field_notes = notes(
        on="The day the copy was sent.",
        recipients="Who the copy of the final report was sent to before publication.",
    )

    on: date
    recipients: Annotated[Sequence[str], OneOf(PrePublicationRecipient)]


@dataclass(frozen=True, kw_only=True)
class PublishReview(ReviewAct):
    """The review published (within six months of its commissioning, pauses aside)."""

    stored_as = "publish"  # its name before 2026-12: idempotency keys recorded under it
    path = "publication"
    title = "Review published"
    example = body(on="2026-05-11", link="https://example.org/reviews/2025-01")
    field_notes = notes(on="The day the review was published.")

    on: date
    link: str


@dataclass(frozen=True, kw_only=True)
class AgreeAction(ReviewAct):
    """An action of the review's plan agreed, with its owner agency and due date; its id is
    ``A<n>`` for the review's n-th action."""

    path = "actions"
    title = "Action agreed (owner, due date); its id is A<n>"
    example = body(
        on="2026-04-20",
        description="Joint training on unexplained injuries.",
        owner_agency="Metropolitan Police",
        due_on="2026-07-31",
    )
    field_notes = notes(on="The day the action was agreed.")

    on: date
    description: str
    owner_agency: str
    due_on: date


@dataclass(frozen=True, kw_only=True)
class CompleteAction(ReviewAct):
    """An action completed, with the evidence."""

    path = "action-completions"
    title = "Action completed with evidence"
    example = body(on="2026-07-20", action_id="A1", evidence="Delivered to 80 staff.")
    field_notes = notes(on="The day the action was completed.")

    on: date
    action_id: str
    evidence: str
    improvement: str = ""


@dataclass(frozen=True, kw_only=True)
class DisseminateLearning(ReviewAct):
    """The review's learning disseminated (a briefing, training, an event...) to an
    audience."""

    path = "learning-disseminations"
    title = "Learning disseminated"
    example = body(
        on="2026-07-22", format="seven_minute_briefing", audience="All partners", note=""
    )
    field_notes = notes(format="How the learning was disseminated.")

    on: date
    format: Annotated[str, OneOf(DisseminationFormat)]
    audience: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CloseReview(ReviewAct):
    """The review closed, once no action of its plan is open."""

    path = "closure"
    title = "Review closed"
    example = body(on="2026-07-31", reason="Published and all actions complete.")

    on: date
    reason: str
