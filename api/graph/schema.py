"""The GraphQL schema: root fields, their filters, limits and error handling.

Roles (DESIGN §5): partnership staff, partners, scrutineers and analysts read the read
models of their partnerships (analysts pseudonymised, small counts suppressed); partnership
staff, partners and scrutineers read a case's full history, replay and integrity; the
access log is the scrutineer's. Agencies and admins read nothing here.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any, cast
from uuid import UUID

import anyio.to_thread
import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionResult, Info

from api.graph.context import GraphContext, NotAuthenticatedError
from api.graph.types import (
    AccessEntryNode,
    ActionNode,
    ActionStatus,
    CaseKindEnum,
    CaseNode,
    CaseSnapshot,
    CaseStatus,
    ClockAsAt,
    ClockKind,
    ClockState,
    Connection,
    Count,
    DeadlineNode,
    HistoryEvent,
    IntegrityVerdict,
    KeyCount,
    Median,
    ReadModelPosition,
    ReviewNode,
    ScopingAsAt,
    StatisticsGroup,
    Timeliness,
    connection,
)
from application import history as audit
from application.errors import ApplicationError, NotFoundError, NotPermittedError
from application.integrity import verify_stream
from application.views import FULL_READERS, scoping_view
from domain.base import LONDON
from domain.case import Case
from domain.clocks import case_clocks
from domain.values import Role
from projections import deadlines as rm_deadlines
from projections import paging
from projections import reviews as rm_reviews
from projections import statistics as stats
from projections import tracker as rm_tracker
from projections.paging import BadCursorError
from projections.timeline import Timeline

log = logging.getLogger("tracker.graphql")

MAX_PAGE = 100
MAX_HISTORY_PAGE = 500
MAX_DEPTH = 8
MAX_ALIASES = 30
MAX_TOKENS = 2000
SUPPRESS_BELOW = 5


class BadArgumentError(ValueError):
    code = "bad_argument"


def _first(first: int, limit: int = MAX_PAGE) -> int:
    if not 1 <= first <= limit:
        raise BadArgumentError(f"first must be between 1 and {limit}")
    return first


def _uuid(value: strawberry.ID, what: str = "case") -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise BadArgumentError(f"{value!r} is not a {what} id") from None


def _values(items: list[Any] | None) -> list[str] | None:
    if items is None:
        return None
    return [i.value if isinstance(i, Enum) else str(i) for i in items]


@strawberry.enum
class Direction(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum
class CaseOrder(Enum):
    RECEIVED_ON = "received_on"
    NEXT_DUE_ON = "next_due_on"
    REFERENCE = "reference"
    LAST_ACTIVITY = "last_activity"


@strawberry.enum
class DeadlineOrder(Enum):
    DUE_ON = "due_on"
    STARTED_ON = "started_on"
    REFERENCE = "reference"


@strawberry.enum(description="Statistics per period of the day cases were received")
class Period(Enum):
    ALL = "all"
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


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


@strawberry.input
class DeadlineFilter:
    case_id: list[strawberry.ID] | None = None
    reference: list[str] | None = None
    clock: list[ClockKind] | None = None  # type: ignore[valid-type]
    status: list[ClockState] | None = None  # type: ignore[valid-type]
    agency: list[str] | None = strawberry.field(
        default=None, description="the agency asked (scoping clocks)"
    )
    watch_only: bool | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="still open and past its due day, today"
    )
    due_from: date | None = None
    due_to: date | None = None
    started_from: date | None = None
    started_to: date | None = None


@strawberry.input
class ActionFilter:
    review_id: list[strawberry.ID] | None = None
    owner_agency: list[str] | None = None
    status: list[ActionStatus] | None = None
    due_from: date | None = None
    due_to: date | None = None


def _count(n: int, analyst: bool) -> Count:
    if analyst and 0 < n < SUPPRESS_BELOW:
        return Count(value=None, suppressed=True)
    return Count(value=n, suppressed=False)


def _keyed(counts: dict[str, int], analyst: bool) -> list[KeyCount]:
    return [KeyCount(key=k, count=_count(n, analyst)) for k, n in sorted(counts.items())]


def _median(value: float | None, over: int, analyst: bool) -> Median:
    hidden = analyst and 0 < over < SUPPRESS_BELOW
    return Median(value=None if hidden else value, suppressed=hidden, over=_count(over, analyst))


def _group(s: stats.Statistics, analyst: bool) -> StatisticsGroup:
    from domain.clocks import ClockName

    return StatisticsGroup(
        partnership=s.partnership,
        period=s.period,
        cases=_count(s.cases, analyst),
        by_stage=_keyed(s.by_stage, analyst),
        by_kind=_keyed(s.by_kind, analyst),
        by_recommendation=_keyed(s.by_recommendation, analyst),
        by_decision=_keyed(s.by_decision, analyst),
        timeliness=[
            Timeliness(
                clock=ClockName(clock),
                on_time=_count(n.get("met", 0), analyst),
                late=_count(n.get("met_late", 0), analyst),
                breached=_count(n.get("breached", 0), analyst),
                pending=_count(n.get("pending", 0), analyst),
                cancelled=_count(n.get("cancelled", 0), analyst),
            )
            for clock, n in s.timeliness.items()
        ],
        median_working_days_to_decision=_median(
            s.median_working_days_to_decision, s.decisions_measured, analyst
        ),
        median_working_days_to_submission=_median(
            s.median_working_days_to_submission, s.submissions_measured, analyst
        ),
    )


AfterPosition = Annotated[
    int | None,
    strawberry.argument(description="wait until the read models reach this log position"),
]


@strawberry.type
class Query:
    @strawberry.field(description="The tracker: cases filtered, ordered, a page at a time")
    def cases(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        filter: CaseFilter | None = None,
        order_by: CaseOrder = CaseOrder.RECEIVED_ON,
        direction: Direction = Direction.ASC,
        first: int = 50,
        after: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[CaseNode]:
        ctx = info.context
        f = filter or CaseFilter()
        wanted = rm_tracker.CaseFilter(
            partnerships=ctx.partnerships(partnership),
            references=f.reference,
            areas=f.area,
            kinds=_values(f.kind),
            stages=f.stage,
            statuses=_values(f.status),
            incident_kinds=f.incident_kind,
            decisions=f.decision,
            recommendations=f.recommendation,
            review_types=f.review_type,
            next_clocks=_values(f.next_clock),
            looked_after=f.looked_after,
            overdue=f.overdue,
            received_from=f.received_from,
            received_to=f.received_to,
            incident_from=f.incident_from,
            incident_to=f.incident_to,
            next_due_from=f.next_due_from,
            next_due_to=f.next_due_to,
        )
        page = rm_tracker.cases(
            ctx.cursor(after_position),
            ctx.tracker_model,
            wanted,
            ctx.today(),
            order=rm_tracker.CaseOrder(order_by.value),
            descending=direction is Direction.DESC,
            first=_first(first),
            after=after,
        )
        ids = [r.case_id for r in page.rows]
        nodes = [CaseNode.of(r, ids) for r in page.rows]
        return connection(nodes, page.cursors, page.total, page.has_next, after)  # type: ignore[no-any-return]

    @strawberry.field(description="One case from the tracker, by id or reference")
    def case(
        self,
        info: Info[GraphContext, None],
        id: strawberry.ID | None = None,
        reference: str | None = None,
        after_position: AfterPosition = None,
    ) -> CaseNode | None:
        ctx = info.context
        if (id is None) == (reference is None):
            raise BadArgumentError("give either id or reference")
        page = rm_tracker.cases(
            ctx.cursor(after_position),
            ctx.tracker_model,
            rm_tracker.CaseFilter(
                partnerships=ctx.partnerships(None),
                case_ids=[str(_uuid(id))] if id is not None else None,
                references=[reference] if reference is not None else None,
            ),
            ctx.today(),
            first=1,
            count=False,
        )
        return CaseNode.of(page.rows[0]) if page.rows else None

    @strawberry.field(description="Every clock instance, filtered, soonest due first")
    def deadlines(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        filter: DeadlineFilter | None = None,
        order_by: DeadlineOrder = DeadlineOrder.DUE_ON,
        direction: Direction = Direction.ASC,
        first: int = 50,
        after: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[DeadlineNode]:
        ctx = info.context
        f = filter or DeadlineFilter()
        wanted = rm_deadlines.DeadlineFilter(
            partnerships=ctx.partnerships(partnership),
            stream_ids=[str(_uuid(i)) for i in f.case_id] if f.case_id is not None else None,
            references=f.reference,
            clocks=_values(f.clock),
            statuses=_values(f.status),
            subjects=f.agency,
            watch_only=f.watch_only,
            overdue=f.overdue,
            due_from=f.due_from,
            due_to=f.due_to,
            started_from=f.started_from,
            started_to=f.started_to,
        )
        page = rm_deadlines.deadlines(
            ctx.cursor(after_position),
            ctx.deadlines_model,
            wanted,
            ctx.today(),
            ctx.tracker.calendar,
            order=rm_deadlines.DeadlineOrder(order_by.value),
            descending=direction is Direction.DESC,
            first=_first(first),
            after=after,
        )
        nodes = [DeadlineNode.of(d) for d in page.rows]
        return connection(nodes, page.cursors, page.total, page.has_next, after)  # type: ignore[no-any-return]

    @strawberry.field(description="Reviews commissioned, oldest first")
    def reviews(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        review_type: list[str] | None = None,
        published: bool | None = None,
        first: int = 50,
        after: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[ReviewNode]:
        ctx = info.context
        page = rm_reviews.reviews(
            ctx.cursor(after_position),
            ctx.reviews_model,
            rm_reviews.ReviewFilter(
                partnerships=ctx.partnerships(partnership),
                review_types=review_type,
                published=published,
            ),
            first=_first(first),
            after=after,
        )
        nodes = [ReviewNode.of(r, page.rows) for r in page.rows]
        return connection(nodes, page.cursors, page.total, page.has_next, after)  # type: ignore[no-any-return]

    @strawberry.field(description="Actions agreed in reviews, soonest due first")
    def actions(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        filter: ActionFilter | None = None,
        first: int = 50,
        after: str | None = None,
        after_position: AfterPosition = None,
    ) -> Connection[ActionNode]:
        ctx = info.context
        f = filter or ActionFilter()
        page = rm_reviews.actions(
            ctx.cursor(after_position),
            ctx.reviews_model,
            rm_reviews.ActionFilter(
                partnerships=ctx.partnerships(partnership),
                review_ids=[str(_uuid(i, "review")) for i in f.review_id]
                if f.review_id is not None
                else None,
                owner_agencies=f.owner_agency,
                statuses=_values(f.status),
                due_from=f.due_from,
                due_to=f.due_to,
            ),
            ctx.today(),
            first=_first(first),
            after=after,
        )
        nodes = [ActionNode.of(a) for a in page.rows]
        return connection(nodes, page.cursors, page.total, page.has_next, after)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Counts, timeliness and medians of the cases received in a period; "
        "for analysts, counts of 1 to 4 are suppressed"
    )
    def statistics(
        self,
        info: Info[GraphContext, None],
        partnership: str | None = None,
        received_from: date | None = None,
        received_to: date | None = None,
        period: Period = Period.ALL,
        by_partnership: bool = False,
        after_position: AfterPosition = None,
    ) -> list[StatisticsGroup]:
        ctx = info.context
        partnerships = ctx.partnerships(partnership)
        found = stats.grouped(
            ctx.cursor(after_position),
            ctx.tracker_model,
            ctx.deadlines_model,
            ctx.today(),
            ctx.tracker.calendar,
            partnerships=partnerships,
            received_from=received_from,
            received_to=received_to,
            by_partnership=by_partnership,
            period=stats.Period(period.value),
        )
        analyst = ctx.caller().role is Role.ANALYST
        return [_group(s, analyst) for s in found]

    @strawberry.field(description="Each read model's position in the log and its lag")
    def read_models(self, info: Info[GraphContext, None]) -> list[ReadModelPosition]:
        ctx = info.context
        ctx.reader()
        end = ctx.tracker.recorder.max_notification_id() or 0
        return [
            ReadModelPosition(name=name, position=pos, lag=end - max(pos, 0))
            for name, pos in ctx.projector.positions().items()
        ]

    # --- the audit trail, from the event store ---------------------------------------------

    @strawberry.field(
        description="Every event of a case in order, with payload, audit and hash "
        "(read from the event store; reads of payloads are logged)"
    )
    def case_history(
        self,
        info: Info[GraphContext, None],
        case_id: strawberry.ID,
        first: int = 100,
        after: str | None = None,
    ) -> Connection[HistoryEvent]:
        ctx = info.context
        subject = audit.subject(ctx.tracker, ctx.caller(), _uuid(case_id))
        start = 0
        if after is not None:
            start = int(paging.decode_cursor("history", after)[0])
        entries = audit.history(
            ctx.tracker,
            subject.stream_id,
            after_version=start,
            limit=_first(first, MAX_HISTORY_PAGE),
        )
        nodes = [HistoryEvent.of(e, subject.partnership, subject.reference) for e in entries]
        cursors = [paging.encode_cursor("history", [e.version, 0]) for e in entries]
        more = bool(entries) and entries[-1].version < subject.last_version
        return connection(nodes, cursors, subject.last_version, more, after)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The case replayed from its events as it stood at a version or an "
        "instant, with its clocks as they stood on that day"
    )
    def case_as_at(
        self,
        info: Info[GraphContext, None],
        case_id: strawberry.ID,
        version: int | None = None,
        at: datetime | None = None,
    ) -> CaseSnapshot:
        ctx = info.context
        if (version is None) == (at is None):
            raise BadArgumentError("give either version or at")
        if version is not None and version < 1:
            raise BadArgumentError("version starts at 1")
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        subject = audit.subject(ctx.tracker, ctx.caller(), _uuid(case_id))
        case = audit.replay(ctx.tracker, subject.stream_id, version=version, at=at)
        if not isinstance(case, Case) or (version is not None and case.version != version):
            raise NotFoundError(f"case {case_id} has no version {version or 'recorded by then'}")
        when = at or case.modified_on
        as_of = when.astimezone(LONDON).date()
        clocks = case_clocks(
            case, as_of, ctx.tracker.timescales(case.partnership), ctx.tracker.calendar
        )
        return CaseSnapshot(
            id=strawberry.ID(str(case.id)),
            reference=case.reference,
            partnership=case.partnership,
            version=case.version,
            recorded_at=case.modified_on,
            as_of=as_of,
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
            scoping=[ScopingAsAt.of(scoping_view(case, s, clocks)) for s in case.scoping.values()],
            clocks=[ClockAsAt.of(c) for c in clocks],
            _case=case,
        )

    @strawberry.field(
        description="Check the case's hash chain from the stored rows: the verdict and the "
        "first broken event"
    )
    def verify_case_integrity(
        self, info: Info[GraphContext, None], case_id: strawberry.ID
    ) -> IntegrityVerdict:
        ctx = info.context
        principal = ctx.caller()
        if principal.role not in FULL_READERS:
            raise NotPermittedError(f"the {principal.role.value} role verifies no case")
        stream = _uuid(case_id)
        # authorise from the read model: a tampered first event may not decode
        row = rm_tracker.cases(
            ctx.cursor(),
            ctx.tracker_model,
            rm_tracker.CaseFilter(
                partnerships=list(principal.partnerships), case_ids=[str(stream)]
            ),
            ctx.today(),
            first=1,
            count=False,
        ).rows
        if not row:
            audit.subject(ctx.tracker, principal, stream)  # not projected yet: from the store
        report = verify_stream(ctx.tracker, stream)
        stored = audit.last_version(ctx.tracker, stream)
        last_seen = ctx.model(Timeline).last_versions(ctx.cursor(), str(stream))
        seen = last_seen[str(stream)][0] if last_seen else None
        ok, problem, first_broken = report.ok, report.problem, report.first_broken_version
        if ok and seen is not None and seen > stored:
            ok, first_broken = False, stored + 1
            problem = (
                f"the store ends at version {stored} but the read models saw version {seen}: "
                "its newest events were removed"
            )
        return IntegrityVerdict(
            case_id=strawberry.ID(str(stream)),
            ok=ok,
            events_checked=report.events_checked,
            first_broken_version=first_broken,
            problem=problem,
            last_version_stored=stored,
            last_version_seen_by_read_models=seen,
        )

    @strawberry.field(description="Who read whose personal data, when (scrutineers only)")
    def access_log(
        self,
        info: Info[GraphContext, None],
        case_id: strawberry.ID | None = None,
        principal_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> Connection[AccessEntryNode]:
        ctx = info.context
        principal = ctx.caller()
        if principal.role is not Role.SCRUTINEER:
            raise NotPermittedError("the access log is read by scrutineers")
        assert ctx.access_log is not None
        after_id = int(paging.decode_cursor("access", after)[0]) if after else 0
        limit = _first(first, MAX_HISTORY_PAGE)
        found = ctx.access_log.read(
            partnerships=principal.partnerships,
            case_id=str(_uuid(case_id)) if case_id is not None else None,
            principal_id=principal_id,
            since=since,
            until=until,
            after_id=after_id,
            limit=limit + 1,
        )
        more, found = len(found) > limit, found[:limit]
        nodes = [
            AccessEntryNode(
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
            for e in found
        ]
        cursors = [paging.encode_cursor("access", [e.id, 0]) for e in found]
        return connection(nodes, cursors, -1, more, after)  # type: ignore[no-any-return]


# --- errors and limits ------------------------------------------------------------------------

PUBLIC_ERRORS = (ApplicationError, NotAuthenticatedError, BadCursorError, BadArgumentError)


def _code(error: BaseException | None) -> str:
    if isinstance(error, BadCursorError):
        return "bad_cursor"
    return str(getattr(error, "code", "bad_request"))


class ErrorCodes(SchemaExtension):
    """Every error says what kind it is in ``extensions.code`` (as REST problems do), and an
    unexpected one is masked: its message, SQL or stack never leave the server (it is
    logged there)."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        answered = []
        for error in result.errors:
            original = error.original_error
            if original is None:
                code = "invalid_query"
            elif isinstance(original, PUBLIC_ERRORS):
                code = _code(original)
            else:
                error = GraphQLError("Unexpected error.", nodes=error.nodes, path=error.path)
                code = "internal_error"
            error.extensions = {**(error.extensions or {}), "code": code}
            answered.append(error)
        result.errors = answered


class ThreadedSchema(strawberry.Schema):
    """Runs each operation in a worker thread (the resolvers do blocking database I/O) with
    one read transaction, and writes the access log before the answer leaves: a read of
    personal data that cannot be logged is not answered."""

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        **kwargs: Any,
    ) -> ExecutionResult:
        run = functools.partial(
            self._run,
            query,
            variable_values,
            cast(GraphContext, context_value),
            root_value,
            operation_name,
            kwargs,
        )
        return await anyio.to_thread.run_sync(run)

    def _run(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        ctx: GraphContext,
        root: Any,
        operation_name: str | None,
        kwargs: dict[str, Any],
    ) -> ExecutionResult:
        try:
            result = self.execute_sync(query, variables, ctx, root, operation_name, **kwargs)
            statements = ctx.statements
        finally:
            ctx.close()  # ends the read transaction (on SQLite it holds the file's lock)
        try:
            ctx.write_access_log()
        except Exception:
            log.exception("the access log could not be written")
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "the read could not be logged, so nothing is returned",
                        extensions={"code": "access_log_unavailable"},
                    )
                ],
            )
        if result.extensions is None:
            result.extensions = {}
        result.extensions["cost"] = {"readModelStatements": statements}
        return result


def make_schema() -> strawberry.Schema:
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ErrorCodes,
    ]
    return ThreadedSchema(query=Query, extensions=extensions)


schema = make_schema()


if __name__ == "__main__":  # python -m api.graph.schema > schema.graphql
    print(schema.as_str())
