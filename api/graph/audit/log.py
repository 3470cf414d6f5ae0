"""The verifiable log on GraphQL (scrutineers): the latest signed checkpoint, a verdict on
the stored log against a checkpoint the scrutineer kept, and inclusion proofs of a case's
events. Resolvers only translate: the work is ``application/ledger/``.

The log covers every partnership's events, so the verdict names positions and kinds of
damage only (no stream or case of another partnership); ``tracker verify --checkpoint``
prints the full findings to whoever runs it on the database.
"""

from __future__ import annotations

import base64
from datetime import datetime

import strawberry
from strawberry.types import Info

from api.graph.arguments import parse_id
from api.graph.context import GraphContext
from api.graph.errors import BadArgumentError
from application.errors import NotPermittedError
from application.ledger.inclusion import CaseInclusion, case_inclusion, latest_signed
from application.ledger.notes import NoteError, Verifier, read_checkpoints
from application.ledger.signing import known_verifiers
from application.ledger.verify import CheckpointResult, LogVerdict, verify_log
from application.views import FULL_READERS
from domain.values import Role


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


@strawberry.type(description="A signed checkpoint of the log (a C2SP signed note)")
class SignedCheckpoint:
    origin: str
    tree_size: int
    root_hash: str = strawberry.field(description="base64, RFC 9162 Merkle tree head")
    time: datetime
    note: str = strawberry.field(description="the signed note, to keep off the database")


@strawberry.type(description="One checkpoint checked against the log recomputed from the rows")
class CheckpointVerdict:
    tree_size: int
    root_hash: str
    time: datetime
    consistent: bool
    given: bool = strawberry.field(description="given by you (else: a stored one, signed)")
    problem: str
    first_affected_position: int | None
    affected_from: int | None = strawberry.field(description="when not exact: from here")
    affected_to: int | None
    proof_hashes: int = strawberry.field(description="the consistency proof's size (O(log n))")

    @staticmethod
    def of(r: CheckpointResult) -> CheckpointVerdict:
        c = r.checkpoint
        return CheckpointVerdict(
            tree_size=c.size,
            root_hash=_b64(c.root),
            time=c.at,
            consistent=r.ok,
            given=r.given,
            problem=r.problem,
            first_affected_position=r.first_affected,
            affected_from=r.affected_from,
            affected_to=r.affected_to,
            proof_hashes=r.proof_hashes,
        )


@strawberry.type(description="Where the stored rows differ from what was appended")
class LogFinding:
    position: int | None = strawberry.field(description="the leaf; null: a row in no leaf")
    kind: str = strawberry.field(description="altered, gone, unlogged or gap")


@strawberry.type(description="The stored log verified against checkpoints")
class LogVerification:
    ok: bool
    tree_size: int = strawberry.field(description="leaves recomputed from the stored rows")
    root_hash: str
    first_affected_position: int | None
    pending_events: int = strawberry.field(description="stored since the last leaf")
    pending_access_entries: int
    checkpoints: list[CheckpointVerdict]
    findings: list[LogFinding]

    @staticmethod
    def of(v: LogVerdict) -> LogVerification:
        return LogVerification(
            ok=v.ok,
            tree_size=v.leaves,
            root_hash=_b64(v.root),
            first_affected_position=v.first_affected,
            pending_events=v.pending_events,
            pending_access_entries=v.pending_access,
            checkpoints=[CheckpointVerdict.of(r) for r in v.checkpoints],
            findings=[LogFinding(position=f.position, kind=f.kind) for f in v.findings],
        )


@strawberry.type(description="One event's inclusion proof (RFC 9162 §2.1.3)")
class EventInclusionProof:
    version: int
    position: int | None
    leaf_hash: str = strawberry.field(description="base64, recomputed from the stored row")
    audit_path: list[str] = strawberry.field(description="base64 hashes, leaf to root")
    covered: bool = strawberry.field(description="the checkpoint is large enough to hold it")
    included: bool = strawberry.field(description="the path leads to the checkpoint's root")


@strawberry.type(description="A case's events proven included in the latest checkpoint")
class CaseInclusionProof:
    case_id: strawberry.ID
    ok: bool
    checkpoint: SignedCheckpoint | None
    events: list[EventInclusionProof]

    @staticmethod
    def of(c: CaseInclusion) -> CaseInclusionProof:
        cp = c.checkpoint
        return CaseInclusionProof(
            case_id=strawberry.ID(str(c.stream_id)),
            ok=c.ok,
            checkpoint=SignedCheckpoint(
                origin=cp.origin,
                tree_size=cp.size,
                root_hash=_b64(cp.root),
                time=cp.at,
                note=c.note,
            )
            if cp is not None
            else None,
            events=[
                EventInclusionProof(
                    version=e.version,
                    position=e.position,
                    leaf_hash=_b64(e.leaf_hash),
                    audit_path=[_b64(p) for p in e.proof],
                    covered=e.covered,
                    included=e.included,
                )
                for e in c.events
            ],
        )


def _verifiers(ctx: GraphContext, public_key: str | None) -> list[Verifier]:
    try:
        extra = [public_key] if public_key else []
        return known_verifiers(ctx.safeguarding.settings, extra)
    except NoteError as e:
        raise BadArgumentError(f"publicKey: {e}") from None


@strawberry.type
class LogQuery:
    @strawberry.field(description="The newest signed checkpoint of the log")
    def latest_checkpoint(self, info: Info[GraphContext, None]) -> SignedCheckpoint | None:
        ctx = info.context
        if ctx.caller().role not in FULL_READERS:
            raise NotPermittedError("checkpoints are read by partnership staff and scrutineers")
        found = latest_signed(ctx.safeguarding, _verifiers(ctx, None))
        if found is None:
            return None
        c, note = found
        return SignedCheckpoint(
            origin=c.origin, tree_size=c.size, root_hash=_b64(c.root), time=c.at, note=note
        )

    @strawberry.field(
        description="Verify the stored log against a checkpoint you kept (its signed note): "
        "a consistency proof from it to the log recomputed from the stored rows, and the "
        "first affected position of any change (scrutineers only)"
    )
    def verify_log(
        self,
        info: Info[GraphContext, None],
        checkpoint: str,
        public_key: str | None = None,
    ) -> LogVerification:
        ctx = info.context
        if ctx.caller().role is not Role.SCRUTINEER:
            raise NotPermittedError("the log is verified by scrutineers")
        verifiers = _verifiers(ctx, public_key)
        try:
            given = [s.checkpoint for s in read_checkpoints(checkpoint, verifiers)]
        except NoteError as e:
            raise BadArgumentError(f"checkpoint: {e}") from None
        return LogVerification.of(verify_log(ctx.safeguarding, given, verifiers))

    @strawberry.field(
        description="Inclusion proofs of each of a case's events in the latest checkpoint, "
        "each leaf recomputed from its stored row"
    )
    def case_inclusion(
        self, info: Info[GraphContext, None], case_id: strawberry.ID
    ) -> CaseInclusionProof:
        ctx = info.context
        found = case_inclusion(
            ctx.safeguarding, ctx.caller(), parse_id(case_id), _verifiers(ctx, None)
        )
        return CaseInclusionProof.of(found)
