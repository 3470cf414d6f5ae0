"""Read-only views of one case for the REST surface, shaped by the caller's role (DESIGN §5).

Partnership staff, partners and scrutineers of the case's partnership see the whole case;
an agency sees the cases it referred and the scoping requests addressed to it; analysts
and admins read no case here (analysts use the pseudonymised read models).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from application.context import Principal
from application.errors import NotFoundError, NotPermittedError
from domain.case import Case, ScopingState
from domain.clocks import Clock, ClockName
from domain.review import Review
from domain.values import Incident, ReferralDetails, Role

FULL_READERS = frozenset({Role.PARTNERSHIP, Role.PARTNER, Role.SCRUTINEER})


@dataclass(frozen=True)
class ClockView:
    clock: str
    subject: str
    started_on: date
    due_on: date
    status: str
    stopped_on: date | None
    working_days_late: int


@dataclass(frozen=True)
class ScopingView:
    case_id: UUID
    reference: str
    agency: str
    requested_on: date
    due_on: date
    records_secured_on: date | None
    returned_on: date | None
    status: str


@dataclass(frozen=True)
class CaseView:
    id: UUID
    reference: str
    partnership: str
    area: str
    kind: str
    stage: str
    version: int
    received_on: date
    closed_on: date | None
    scoping: tuple[ScopingView, ...]
    # what only full readers (and the referring agency) see
    aware_on: date | None = None
    decision: str | None = None
    notified_on: date | None = None
    submitted_on: date | None = None
    panel_concurs: bool | None = None
    clocks: tuple[ClockView, ...] = ()
    referral: ReferralDetails | None = None
    incident: Incident | None = None
    actions: tuple[ActionView, ...] = ()  # the case's own action plan


@dataclass(frozen=True)
class ActionView:
    action_id: str
    description: str
    owner_agency: str
    agreed_on: date
    due_on: date
    completed_on: date | None
    status: str  # the action's clock: pending, met, met_late, breached, cancelled


@dataclass(frozen=True)
class ReviewView:
    id: UUID
    reference: str
    partnership: str
    review_type: str
    case_ids: tuple[UUID, ...]
    theme: str
    commissioned_on: date
    terms_agreed_on: date | None
    reviewers: tuple[str, ...]
    deferred: bool
    final_report_on: date | None
    pre_publication_sent_on: date | None
    published_on: date | None
    link: str
    closed_on: date | None
    version: int
    clocks: tuple[ClockView, ...]
    actions: tuple[ActionView, ...]


def clock_view(c: Clock) -> ClockView:
    return ClockView(
        clock=c.name.value,
        subject=c.subject,
        started_on=c.started_on,
        due_on=c.due_on,
        status=c.status.value,
        stopped_on=c.stopped_on,
        working_days_late=c.working_days_late,
    )


def action_views(actions: Iterable[Any], clocks: list[Clock]) -> tuple[ActionView, ...]:
    """Each action (of a case or a review) with the status of its clock."""
    status = {c.subject: c.status.value for c in clocks if c.name is ClockName.ACTION_DUE}
    return tuple(
        ActionView(
            action_id=a.action_id,
            description=a.description,
            owner_agency=a.owner_agency,
            agreed_on=a.agreed_on,
            due_on=a.due_on,
            completed_on=a.completed_on,
            status=status.get(a.action_id, "pending"),
        )
        for a in sorted(actions, key=lambda a: int(a.action_id[1:]))
    )


def review_view(principal: Principal, review: Review, clocks: list[Clock]) -> ReviewView:
    """A review for the partnership's staff, its partners and its scrutineer."""
    if principal.role not in FULL_READERS:
        raise NotPermittedError(f"the {principal.role.value} role reads no review here")
    if not principal.may_see(review.partnership):
        raise NotFoundError(f"no review {review.id}")
    return ReviewView(
        id=review.id,
        reference=review.reference,
        partnership=review.partnership,
        review_type=review.review_type,
        case_ids=review.case_ids,
        theme=review.theme,
        commissioned_on=review.commissioned_on,
        terms_agreed_on=review.terms_agreed_on,
        reviewers=review.reviewers,
        deferred=review.is_deferred,
        final_report_on=review.final_report_on,
        pre_publication_sent_on=review.pre_publication_sent_on,
        published_on=review.published_on,
        link=review.link,
        closed_on=review.closed_on,
        version=review.version,
        clocks=tuple(clock_view(c) for c in clocks),
        actions=action_views(review.actions.values(), clocks),
    )


def scoping_view(case: Case, s: ScopingState, clocks: list[Clock]) -> ScopingView:
    status = next(
        (
            c.status.value
            for c in clocks
            if c.name.value == "scoping_returned" and c.subject == s.agency
        ),
        "pending",
    )
    return ScopingView(
        case_id=case.id,
        reference=case.reference,
        agency=s.agency,
        requested_on=s.requested_on,
        due_on=s.due_on,
        records_secured_on=s.records_secured_on,
        returned_on=s.returned_on,
        status=status,
    )


def case_view(principal: Principal, case: Case, clocks: list[Clock]) -> CaseView:
    """The case as ``principal`` may see it; NotFound/NotPermitted otherwise."""
    if principal.role not in FULL_READERS and principal.role is not Role.AGENCY:
        raise NotPermittedError(f"the {principal.role.value} role reads no case data here")
    if not principal.may_see(case.partnership):
        raise NotFoundError(f"no case {case.id}")
    scoping = list(case.scoping.values())
    full = principal.role in FULL_READERS
    referred = principal.role is Role.AGENCY and case.referred_by == principal.id
    if not full:
        scoping = [s for s in scoping if s.agency == principal.agency]
        if not referred and not scoping:
            raise NotFoundError(f"no case {case.id}")
    base = CaseView(
        id=case.id,
        reference=case.reference,
        partnership=case.partnership,
        area=case.area,
        kind=case.kind.value,
        stage=case.stage,
        version=case.version,
        received_on=case.received_on,
        closed_on=case.closed_on,
        scoping=tuple(scoping_view(case, s, clocks) for s in scoping),
    )
    if not (full or referred):
        return base
    return replace(
        base,
        aware_on=case.aware_on,
        decision=case.decision,
        notified_on=case.notified_on,
        submitted_on=case.submitted_on,
        panel_concurs=case.panel_concurs,
        clocks=tuple(clock_view(c) for c in clocks) if full else (),
        referral=case.details,
        incident=case.incident,
        actions=action_views(case.actions.values(), clocks) if full else (),
    )
