"""The GraphQL object types, built from the read models' rows and the domain's state.

Personal data (names, dates of birth, addresses, NHS numbers, free text) is reachable only
through ``Case.personal``, ``CaseSnapshot.personal`` and ``HistoryEvent.payload``: those
resolve for the roles that may read a case in full, record the read in the access log, and
resolve to null for everyone else (analysts get the age band and the reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graph.context import GraphContext
from application.history import HistoryEntry, json_ready
from application.views import FULL_READERS, ScopingView
from domain.case import Case
from domain.clocks import Clock, ClockName, ClockStatus
from domain.values import CaseKind, Child, Contact, FamilyMember
from projections import deadlines as rm_deadlines
from projections import reviews as rm_reviews
from projections import tracker as rm_tracker
from projections.deadlines import Deadline
from projections.reviews import ActionRow, ReviewRow
from projections.tracker import TrackerRow

T = TypeVar("T")

ClockKind = strawberry.enum(ClockName, name="ClockName", description="A statutory clock")
ClockState = strawberry.enum(ClockStatus, name="ClockStatus")
CaseKindEnum = strawberry.enum(CaseKind, name="CaseKind")


@strawberry.enum(description="Whether the case is still being worked")
class CaseStatus(Enum):
    OPEN = "open"
    CLOSED = "closed"


@strawberry.enum
class ActionStatus(Enum):
    OPEN = "open"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    COMPLETED_LATE = "completed_late"


# --- Relay connections ----------------------------------------------------------------------


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="how many match the filter, all pages")


def connection(
    nodes: Sequence[Any], cursors: Sequence[str], total: int, more: bool, after: str | None
) -> Any:
    return Connection(
        edges=[Edge(cursor=c, node=n) for n, c in zip(nodes, cursors, strict=True)],
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=total,
    )


# --- deadlines, reviews, actions --------------------------------------------------------------


@strawberry.type(description="One clock instance (per agency for scoping, per action)")
class DeadlineNode:
    stream_id: strawberry.ID
    reference: str
    partnership: str
    clock: ClockKind  # type: ignore[valid-type]
    subject: str = strawberry.field(description="the agency (scoping), action id, or empty")
    started_on: date
    due_on: date
    stopped_on: date | None
    status: ClockState  # type: ignore[valid-type]
    working_days_late: int
    watch_only: bool = strawberry.field(description="the Panel's clock, not the partnership's")

    @staticmethod
    def of(d: Deadline) -> DeadlineNode:
        return DeadlineNode(
            stream_id=strawberry.ID(d.stream_id),
            reference=d.reference,
            partnership=d.partnership,
            clock=ClockName(d.clock),
            subject=d.subject,
            started_on=d.started_on,
            due_on=d.due_on,
            stopped_on=d.stopped_on,
            status=ClockStatus(d.status),
            working_days_late=d.working_days_late,
            watch_only=d.watch_only,
        )


@strawberry.type(description="An agency's scoping return for a rapid review")
class ScopingStatus:
    agency: str
    requested_on: date
    due_on: date
    returned_on: date | None
    status: ClockState  # type: ignore[valid-type]
    working_days_late: int


@strawberry.type
class ActionNode:
    review_id: strawberry.ID
    review_reference: str
    action_id: str
    owner_agency: str
    due_on: date
    completed_on: date | None
    status: ActionStatus

    @staticmethod
    def of(a: ActionRow) -> ActionNode:
        return ActionNode(
            review_id=strawberry.ID(a.review_id),
            review_reference=a.reference,
            action_id=a.action_id,
            owner_agency=a.owner_agency,
            due_on=a.due_on,
            completed_on=a.completed_on,
            status=ActionStatus(a.status),
        )


@strawberry.type
class ReviewNode:
    id: strawberry.ID
    reference: str
    partnership: str
    review_type: str
    case_ids: list[strawberry.ID]
    commissioned_on: date
    deferred: bool
    final_report_on: date | None
    published_on: date | None
    closed_on: date | None
    version: int
    _ids: strawberry.Private[tuple[str, ...]] = ()
    _cases: strawberry.Private[tuple[str, ...]] = ()

    @staticmethod
    def of(r: ReviewRow, page: Sequence[ReviewRow] = ()) -> ReviewNode:
        return ReviewNode(
            id=strawberry.ID(r.review_id),
            reference=r.reference,
            partnership=r.partnership,
            review_type=r.review_type,
            case_ids=[strawberry.ID(i) for i in r.case_ids],
            commissioned_on=r.commissioned_on,
            deferred=r.deferred,
            final_report_on=r.final_report_on,
            published_on=r.published_on,
            closed_on=r.closed_on,
            version=r.version,
            _ids=tuple(p.review_id for p in page) or (r.review_id,),
            _cases=tuple(dict.fromkeys(i for p in page for i in p.case_ids)),
        )

    @strawberry.field(description="its actions, soonest due first")
    def actions(self, info: Info[GraphContext, None]) -> list[ActionNode]:
        ctx = info.context
        found = ctx.batch(
            "actions",
            self._ids,
            lambda ids: rm_reviews.actions_of_reviews(
                ctx.cursor(), ctx.reviews_model, ids, ctx.today()
            ),
        )
        return [ActionNode.of(a) for a in found[str(self.id)]]

    @strawberry.field(description="the cases it covers, as the tracker shows them")
    def cases(self, info: Info[GraphContext, None]) -> list[CaseNode]:
        ctx = info.context
        page = self._cases or tuple(str(i) for i in self.case_ids)
        found = ctx.batch(
            "review_cases",
            page,
            lambda ids: {
                r.case_id: r
                for r in rm_tracker.cases(
                    ctx.cursor(),
                    ctx.tracker_model,
                    rm_tracker.CaseFilter(partnerships=ctx.partnerships(None), case_ids=ids),
                    ctx.today(),
                    first=max(1, len(ids)),
                    count=False,
                ).rows
            },
        )
        return [CaseNode.of(found[i], page) for i in map(str, self.case_ids) if i in found]

    @strawberry.field(description="its clocks (publication), with today's status")
    def deadlines(self, info: Info[GraphContext, None]) -> list[DeadlineNode]:
        return _deadlines(info.context, self._ids, str(self.id))


def _deadlines(ctx: GraphContext, page: Sequence[str], stream_id: str) -> list[DeadlineNode]:
    found = ctx.batch(
        "deadlines",
        page,
        lambda ids: rm_deadlines.deadlines_of(
            ctx.cursor(), ctx.deadlines_model, ids, ctx.today(), ctx.tracker.calendar
        ),
    )
    return [DeadlineNode.of(d) for d in found[stream_id]]


# --- personal data ------------------------------------------------------------------------------


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


# --- cases ---------------------------------------------------------------------------------


@strawberry.type(description="A case as the tracker shows it (no personal data)")
class CaseNode:
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
        found = _deadlines(info.context, self._page, str(self.id))
        wanted = {ClockStatus(s) for s in status} if status is not None else None
        return [d for d in found if wanted is None or d.status in wanted]

    @strawberry.field(description="the scoping return of each agency asked")
    def scoping(self, info: Info[GraphContext, None]) -> list[ScopingStatus]:
        found = _deadlines(info.context, self._page, str(self.id))
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
        case = ctx.tracker.case(principal, UUID(str(self.id)))
        return personal_of(info, case, "case.personal")


# --- the audit trail ----------------------------------------------------------------------------


@strawberry.type(description="One recorded event, as stored, with its audit and hash")
class HistoryEvent:
    version: int
    type: str
    recorded_at: datetime
    effective_on: date
    actor_id: str
    role: str
    agency: str
    request_id: str
    idempotency_key: str
    source: str
    prev_hash: str
    hash: str
    _entry: strawberry.Private[HistoryEntry]
    _partnership: strawberry.Private[str]
    _reference: strawberry.Private[str]

    @staticmethod
    def of(e: HistoryEntry, partnership: str, reference: str) -> HistoryEvent:
        return HistoryEvent(
            version=e.version,
            type=e.event_type,
            recorded_at=e.recorded_at,
            effective_on=e.effective_on,
            actor_id=e.actor_id,
            role=e.role,
            agency=e.agency,
            request_id=e.request_id,
            idempotency_key=e.idempotency_key,
            source=e.source,
            prev_hash=e.prev_hash,
            hash=e.hash,
            _entry=e,
            _partnership=partnership,
            _reference=reference,
        )

    def _log(self, info: Info[GraphContext, None], field: str) -> None:
        info.context.record_access(
            partnership=self._partnership,
            case_id=str(self._entry.stream_id),
            reference=self._reference,
            fields=[field],
            op="caseHistory",
        )

    @strawberry.field(description="the person acting, where the agency system gave one (logged)")
    def person(self, info: Info[GraphContext, None]) -> str:
        self._log(info, "person")
        return self._entry.person

    @strawberry.field(description="everything the event says, as recorded (logged)")
    def payload(self, info: Info[GraphContext, None]) -> JSON:
        self._log(info, "payload")
        return cast(JSON, self._entry.payload)


@strawberry.type(description="A clock as it stood at the instant replayed")
class ClockAsAt:
    clock: ClockKind  # type: ignore[valid-type]
    subject: str
    started_on: date
    due_on: date
    stopped_on: date | None
    status: ClockState  # type: ignore[valid-type]
    working_days_late: int
    watch_only: bool

    @staticmethod
    def of(c: Clock) -> ClockAsAt:
        return ClockAsAt(
            clock=c.name,
            subject=c.subject,
            started_on=c.started_on,
            due_on=c.due_on,
            stopped_on=c.stopped_on,
            status=c.status,
            working_days_late=c.working_days_late,
            watch_only=c.watch_only,
        )


@strawberry.type(description="An agency's scoping request as it stood")
class ScopingAsAt:
    agency: str
    requested_on: date
    due_on: date
    records_secured_on: date | None
    returned_on: date | None
    status: str

    @staticmethod
    def of(s: ScopingView) -> ScopingAsAt:
        return ScopingAsAt(
            agency=s.agency,
            requested_on=s.requested_on,
            due_on=s.due_on,
            records_secured_on=s.records_secured_on,
            returned_on=s.returned_on,
            status=s.status,
        )


@strawberry.type(
    description="The case replayed from its events as it stood at a version or instant"
)
class CaseSnapshot:
    id: strawberry.ID
    reference: str
    partnership: str
    version: int
    recorded_at: datetime = strawberry.field(description="when its last applied event was recorded")
    as_of: date = strawberry.field(description="the day its clocks are shown for")
    kind: CaseKindEnum  # type: ignore[valid-type]
    stage: str
    status: CaseStatus
    received_on: date
    aware_on: date
    alerted_on: date | None
    decision: str | None
    decided_on: date | None
    notified_on: date | None
    rapid_review_started_on: date | None
    meeting_held_on: date | None
    rapid_review_recommendation: str | None
    submitted_on: date | None
    panel_concurs: bool | None
    closed_on: date | None
    scoping: list[ScopingAsAt]
    clocks: list[ClockAsAt]
    _case: strawberry.Private[Case]

    @strawberry.field(description="who the case is about, as recorded then (logged)")
    def personal(self, info: Info[GraphContext, None]) -> PersonalData | None:
        return personal_of(info, self._case, "caseAsAt")


@strawberry.type
class IntegrityVerdict:
    case_id: strawberry.ID
    ok: bool
    events_checked: int
    first_broken_version: int | None
    problem: str
    last_version_stored: int
    last_version_seen_by_read_models: int | None = strawberry.field(
        description="what the timeline read model saw last: more than stored means removed"
    )


@strawberry.type
class AccessEntryNode:
    id: strawberry.ID
    at: datetime
    principal_id: str
    role: str
    partnership: str
    case_id: strawberry.ID
    reference: str
    fields: list[str]
    request_id: str
    operation: str


# --- statistics ---------------------------------------------------------------------------------


@strawberry.type(description="A count; for analysts, counts of 1 to 4 are suppressed (null)")
class Count:
    value: int | None
    suppressed: bool


@strawberry.type
class KeyCount:
    key: str
    count: Count


@strawberry.type(description="How a clock's instances ended, or stand today")
class Timeliness:
    clock: ClockKind  # type: ignore[valid-type]
    on_time: Count
    late: Count
    breached: Count
    pending: Count
    cancelled: Count


@strawberry.type(description="A median; suppressed for analysts when taken over fewer than 5")
class Median:
    value: float | None
    suppressed: bool
    over: Count


@strawberry.type
class StatisticsGroup:
    partnership: str | None
    period: str | None
    cases: Count
    by_stage: list[KeyCount]
    by_kind: list[KeyCount]
    by_recommendation: list[KeyCount]
    by_decision: list[KeyCount]
    timeliness: list[Timeliness]
    median_working_days_to_decision: Median
    median_working_days_to_submission: Median


@strawberry.type
class ReadModelPosition:
    name: str
    position: int
    lag: int
