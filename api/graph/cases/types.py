"""The cases feature's types: a case as the tracker shows it (no personal data but through
``personal``), and how the cases are filtered and ordered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import ClassVar
from uuid import UUID

import strawberry
from strawberry.types import Info

from api.graph.context import GraphContext
from api.graph.deadlines.types import DeadlineNode, deadlines_of_page
from api.graph.enums import CaseKindEnum, CaseStatus, ClockKind, ClockState
from api.graph.node import Node
from api.graph.personal import PersonalData, personal_of
from api.graph.reviews.types import ReviewNode
from application.views import FULL_READERS
from domain.clocks import ClockName, ClockStatus
from domain.values import CaseKind
from projections import reviews as rm_reviews
from projections.tracker import TrackerRow


@strawberry.enum
class CaseOrder(Enum):
    RECEIVED_ON = "received_on"
    NEXT_DUE_ON = "next_due_on"
    REFERENCE = "reference"
    LAST_ACTIVITY = "last_activity"


@strawberry.input(description="Every filter narrows; lists match any of their values")
class CaseFilter:
    reference: list[str] | None = None
    area: list[str] | None = None
    kind: list[CaseKindEnum] | None = None  # type: ignore[valid-type]
    stage: list[str] | None = None
    status: list[CaseStatus] | None = None
    incident_kind: list[str] | None = None
    decision: list[str] | None = None
    recommendation: list[str] | None = None
    review_type: list[str] | None = None
    next_clock: list[ClockKind] | None = None  # type: ignore[valid-type]
    looked_after: bool | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="some open clock is past its due day, today"
    )
    received_from: date | None = None
    received_to: date | None = None
    incident_from: date | None = None
    incident_to: date | None = None
    next_due_from: date | None = None
    next_due_to: date | None = None


@strawberry.type(description="An agency's scoping return for a rapid review")
class ScopingStatus:
    agency: str
    requested_on: date
    due_on: date
    returned_on: date | None
    status: ClockState  # type: ignore[valid-type]
    working_days_late: int


@strawberry.type(name="Case", description="A case as the tracker shows it (no personal data)")
class CaseNode(Node):
    # a page of cases completed by api.graph.fast's plan; its deadlines and scoping are
    # batch-loaded for the page (from the context), read again the same on a fallback
    fast: ClassVar[bool] = True
    fast_resolvers: ClassVar[frozenset[str]] = frozenset({"deadlines", "scoping", "reviews"})
    id: strawberry.ID
    reference: str
    partnership: str
    area: str
    kind: CaseKindEnum  # type: ignore[valid-type]
    stage: str
    status: CaseStatus
    incident_kind: str | None
    incident_on: date | None
    looked_after: bool
    age_band: str = strawberry.field(description="the child's age band when referred")
    decision: str | None
    received_on: date
    decided_on: date | None
    notified_on: date | None
    submitted_on: date | None
    recommendation: str | None
    panel_concurs: bool | None
    review_type: str | None
    next_clock: ClockKind | None  # type: ignore[valid-type]
    next_clock_subject: str | None = strawberry.field(
        description="whose the next clock is: the agency (scoping) or action id"
    )
    next_due_on: date | None
    overdue_count: int = strawberry.field(description="open clocks past their due day, today")
    last_activity: datetime
    version: int
    _page: strawberry.Private[tuple[str, ...]] = ()

    @staticmethod
    def of(r: TrackerRow, page: Sequence[str] = ()) -> CaseNode:
        return CaseNode(
            id=strawberry.ID(r.case_id),
            reference=r.reference,
            partnership=r.partnership,
            area=r.area,
            kind=CaseKind(r.kind),
            stage=r.stage,
            status=CaseStatus(r.status),
            incident_kind=r.incident_kind,
            incident_on=r.incident_on,
            looked_after=r.looked_after,
            age_band=r.age_band,
            decision=r.decision,
            received_on=r.received_on,
            decided_on=r.decided_on,
            notified_on=r.notified_on,
            submitted_on=r.submitted_on,
            recommendation=r.recommendation,
            panel_concurs=r.panel_concurs,
            review_type=r.review_type,
            next_clock=ClockName(r.next_clock.split(":", 1)[0]) if r.next_clock else None,
            next_clock_subject=r.next_clock.partition(":")[2] if r.next_clock else None,
            next_due_on=r.next_due_on,
            overdue_count=r.overdue,
            last_activity=datetime.fromisoformat(r.last_activity),
            version=r.version,
            _page=tuple(page) or (r.case_id,),
        )

    @strawberry.field(description="every clock of the case with today's status, soonest first")
    def deadlines(
        self,
        info: Info[GraphContext, None],
        status: list[ClockState] | None = None,  # type: ignore[valid-type]
    ) -> list[DeadlineNode]:
        found = deadlines_of_page(info.context, self._page, str(self.id))
        wanted = {ClockStatus(s) for s in status} if status is not None else None
        return [d for d in found if wanted is None or d.status in wanted]

    @strawberry.field(description="the scoping return of each agency asked")
    def scoping(self, info: Info[GraphContext, None]) -> list[ScopingStatus]:
        found = deadlines_of_page(info.context, self._page, str(self.id))
        return [
            ScopingStatus(
                agency=d.subject,
                requested_on=d.started_on,
                due_on=d.due_on,
                returned_on=d.stopped_on,
                status=d.status,
                working_days_late=d.working_days_late,
            )
            for d in found
            if d.clock is ClockName.SCOPING_RETURNED
        ]

    @strawberry.field(description="the reviews covering the case, oldest commissioned first")
    def reviews(self, info: Info[GraphContext, None]) -> list[ReviewNode]:
        ctx = info.context
        found = ctx.batch(
            "reviews",
            self._page,
            lambda ids: rm_reviews.reviews_of_cases(
                ctx.cursor(), ctx.reviews_model, ids, ctx.partnerships(None)
            ),
        )
        page = list({r.review_id: r for rows in found.values() for r in rows}.values())
        return [ReviewNode.of(r, page) for r in found[str(self.id)]]

    @strawberry.field(description="who the case is about (null for analysts); every read is logged")
    def personal(self, info: Info[GraphContext, None]) -> PersonalData | None:
        ctx = info.context
        principal = ctx.caller()
        if principal.role not in FULL_READERS:
            return None
        case = ctx.safeguarding.case(principal, UUID(str(self.id)))
        return personal_of(info, case, "case.personal")
