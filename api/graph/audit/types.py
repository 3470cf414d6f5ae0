"""The audit feature's types, read from the event store rather than the read models: each
stored event with its audit and hash, a case as it stood, the integrity verdict and the
access log (DESIGN §6)."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graph.context import GraphContext
from api.graph.enums import CaseKindEnum, CaseStatus, ClockKind, ClockState
from api.graph.personal import PersonalData, personal_of
from application.access import AccessEntry
from application.history import CaseAsAt, HistoryEntry
from application.integrity import CaseVerdict
from application.views import ScopingView
from domain.case import Case
from domain.clocks import Clock


@strawberry.type(description="One recorded event, as stored, with its audit and hash")
class HistoryEvent:
    # a page of up to 500 events completed by api.graph.fast's plan: its resolvers only
    # note the read in the context's access log (a set: safe to repeat)
    fast: ClassVar[bool] = True
    fast_resolvers: ClassVar[frozenset[str]] = frozenset({"person", "payload"})
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
            fields=(field,),
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

    @staticmethod
    def of(s: CaseAsAt) -> CaseSnapshot:
        case = s.case
        return CaseSnapshot(
            id=strawberry.ID(str(case.id)),
            reference=case.reference,
            partnership=case.partnership,
            version=case.version,
            recorded_at=case.modified_on,
            as_of=s.as_of,
            kind=case.kind,
            stage=case.stage,
            status=CaseStatus.CLOSED if case.is_closed else CaseStatus.OPEN,
            received_on=case.received_on,
            aware_on=case.aware_on,
            alerted_on=case.alerted_on,
            decision=case.decision,
            decided_on=case.decided_on,
            notified_on=case.notified_on,
            rapid_review_started_on=case.rapid_review_started_on,
            meeting_held_on=case.meeting_held_on,
            rapid_review_recommendation=case.rapid_review_recommendation,
            submitted_on=case.submitted_on,
            panel_concurs=case.panel_concurs,
            closed_on=case.closed_on,
            scoping=[ScopingAsAt.of(v) for v in s.scoping],
            clocks=[ClockAsAt.of(c) for c in s.clocks],
            _case=case,
        )

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

    @staticmethod
    def of(v: CaseVerdict) -> IntegrityVerdict:
        return IntegrityVerdict(
            case_id=strawberry.ID(str(v.stream_id)),
            ok=v.ok,
            events_checked=v.events_checked,
            first_broken_version=v.first_broken_version,
            problem=v.problem,
            last_version_stored=v.last_version_stored,
            last_version_seen_by_read_models=v.last_version_seen,
        )


@strawberry.type(name="AccessEntry", description="One read of personal data")
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

    @staticmethod
    def of(e: AccessEntry) -> AccessEntryNode:
        return AccessEntryNode(
            id=strawberry.ID(str(e.id)),
            at=e.at,
            principal_id=e.principal_id,
            role=e.role,
            partnership=e.partnership,
            case_id=strawberry.ID(e.case_id),
            reference=e.reference,
            fields=list(e.fields),
            request_id=e.request_id,
            operation=e.operation,
        )
