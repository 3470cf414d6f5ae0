"""The audit feature's root fields, read from the event store itself: a case's history,
the case as it stood, its integrity verdict, and the access log (DESIGN §6, §8).

Partnership staff, partners and scrutineers read a case's history, replay and integrity;
the access log is the scrutineer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from api.graph.arguments import instant, parse_id
from api.graph.audit.types import AccessEntryNode, CaseSnapshot, HistoryEvent, IntegrityVerdict
from api.graph.connections import Connection, connection
from api.graph.context import GraphContext
from api.graph.errors import BadArgumentError
from api.graph.limits import MAX_HISTORY_PAGE, page_size
from application import history as audit
from application.errors import NotPermittedError
from application.integrity import CaseIntegrity
from domain.values import Role
from projections import paging
from projections import tracker as rm_tracker
from projections.timeline import Timeline


@dataclass(frozen=True)
class ReadModelsSeen:
    """What the read models of this request say of a case (``integrity.ReadSide``)."""

    ctx: GraphContext

    def holds(self, stream_id: UUID, partnerships: Sequence[str]) -> bool:
        ctx = self.ctx
        return bool(
            rm_tracker.cases(
                ctx.cursor(),
                ctx.tracker_model,
                rm_tracker.CaseFilter(partnerships=partnerships, case_ids=[str(stream_id)]),
                ctx.today(),
                first=1,
                count=False,
            ).rows
        )

    def last_version_seen(self, stream_id: UUID) -> int | None:
        last_seen = self.ctx.model(Timeline).last_versions(self.ctx.cursor(), str(stream_id))
        return last_seen[str(stream_id)][0] if last_seen else None


@strawberry.type
class AuditQuery:
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
        subject = audit.subject(ctx.safeguarding, ctx.caller(), parse_id(case_id))
        start = 0
        if after is not None:
            start = int(paging.decode_cursor("history", after)[0])
        entries = audit.history(
            ctx.safeguarding,
            subject.stream_id,
            after_version=start,
            limit=page_size(first, MAX_HISTORY_PAGE),
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
        snapshot = audit.case_as_at(
            ctx.safeguarding, ctx.caller(), parse_id(case_id), version=version, at=instant(at, "at")
        )
        return CaseSnapshot.of(snapshot)

    @strawberry.field(
        description="Check the case's hash chain from the stored rows: the verdict and the "
        "first broken event"
    )
    def verify_case_integrity(
        self, info: Info[GraphContext, None], case_id: strawberry.ID
    ) -> IntegrityVerdict:
        ctx = info.context
        # the role is checked (CaseIntegrity) before the id is read
        checks = CaseIntegrity(ctx.safeguarding, ctx.caller(), ReadModelsSeen(ctx))
        return IntegrityVerdict.of(checks.verdict(parse_id(case_id)))

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
        limit = page_size(first, MAX_HISTORY_PAGE)
        found = ctx.access_log.read(
            partnerships=principal.partnerships,
            case_id=str(parse_id(case_id)) if case_id is not None else None,
            principal_id=principal_id,
            since=instant(since, "since"),
            until=instant(until, "until"),
            after_id=after_id,
            limit=limit + 1,
        )
        more, found = len(found) > limit, found[:limit]
        total = ctx.access_log.count(
            partnerships=principal.partnerships,
            case_id=str(parse_id(case_id)) if case_id is not None else None,
            principal_id=principal_id,
            since=since,
            until=until,
        )
        nodes = [AccessEntryNode.of(e) for e in found]
        cursors = [paging.encode_cursor("access", [e.id, 0]) for e in found]
        return connection(nodes, cursors, total, more, after)  # type: ignore[no-any-return]
