"""Inclusion proofs of one case's events in the latest signed checkpoint (RFC 9162 §2.1.3).

Each of the case's stored events is hashed again from its stored row into its leaf, and
its audit path (O(log n) hashes, from the leaf table) is checked against the root the
checkpoint signed. A path that does not verify means the event's row, or the log around
it, changed after the checkpoint; an event stored after the checkpoint is not yet covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from application import history
from application.context import Principal
from application.errors import NotFoundError, NotPermittedError
from application.ledger.checkpoints import Checkpoints
from application.ledger.leaves import (
    EVENT,
    NODE_LEVEL,
    LogTables,
    event_leaf,
    events_of_stream,
)
from application.ledger.notes import Checkpoint, NoteError, Verifier, read_checkpoint
from application.views import FULL_READERS
from domain.merkle import MemoryTree, inclusion_proof, node_hash, verify_inclusion

if TYPE_CHECKING:
    from application.service import Safeguarding


@dataclass(frozen=True)
class EventInclusion:
    version: int
    position: int | None  # in the log; None: not yet a leaf
    leaf_hash: bytes  # recomputed from the stored row
    proof: tuple[bytes, ...]
    included: bool  # the proof verifies against the checkpoint's root
    covered: bool  # the checkpoint is large enough to hold it


@dataclass(frozen=True)
class CaseInclusion:
    stream_id: UUID
    checkpoint: Checkpoint | None
    note: str
    events: tuple[EventInclusion, ...]

    @property
    def ok(self) -> bool:
        return all(e.included for e in self.events if e.covered)


class StoredTree:
    """Subtree hashes for proofs from what the log keeps: the subtrees of 1,024 leaves and
    more from ``log_nodes``, smaller ones from their block of leaves (read once). Not
    trusted: a proof made from altered hashes does not verify against the signed root."""

    def __init__(self, tables: LogTables, size: int) -> None:
        self.tables = tables
        self.size = size
        self.nodes = tables.stored_nodes(size)
        self.blocks: dict[int, MemoryTree] = {}

    def _block(self, block: int) -> MemoryTree:
        found = self.blocks.get(block)
        if found is None:
            start = block << NODE_LEVEL
            found = MemoryTree()
            stop = min(start + (1 << NODE_LEVEL), self.size)
            for leaf in self.tables.scan(start, stop, batch=1 << NODE_LEVEL):
                found.append(leaf.hash)
            self.blocks[block] = found
        return found

    def perfect(self, level: int, index: int) -> bytes:
        if level < NODE_LEVEL:
            start = index << level
            block = self._block(start >> NODE_LEVEL)
            offset = start - ((start >> NODE_LEVEL) << NODE_LEVEL)
            return block.perfect(level, offset >> level)
        found = self.nodes.get((level, index))
        if found is None:  # not kept (made before nodes were kept): from its halves
            found = node_hash(
                self.perfect(level - 1, 2 * index), self.perfect(level - 1, 2 * index + 1)
            )
            self.nodes[(level, index)] = found
        return found


def latest_signed(app: Safeguarding, verifiers: list[Verifier]) -> tuple[Checkpoint, str] | None:
    """The newest stored checkpoint whose signature a known key verifies."""
    for stored in reversed(Checkpoints(app).all()):
        try:
            return read_checkpoint(stored.note, verifiers).checkpoint, stored.note
        except NoteError:
            continue
    return None


def case_inclusion(
    app: Safeguarding, principal: Principal, stream_id: UUID, verifiers: list[Verifier]
) -> CaseInclusion:
    if principal.role not in FULL_READERS:
        raise NotPermittedError(f"the {principal.role.value} role reads no case history")
    history.subject(app, principal, stream_id)  # NotFound unless the principal reads it
    tables = LogTables(app)
    tables.setup()
    rows = events_of_stream(tables, stream_id)
    if not rows:
        raise NotFoundError(f"no case {stream_id}")
    signed = latest_signed(app, verifiers)
    positions = tables.positions_of(EVENT, [r.id for r in rows])
    if signed is None:
        events = tuple(
            EventInclusion(
                r.originator_version, positions.get(r.id), event_leaf(r), (), False, False
            )
            for r in rows
        )
        return CaseInclusion(stream_id, None, "", events)
    checkpoint, note = signed
    tree = StoredTree(tables, checkpoint.size)
    out = []
    for r in rows:
        position = positions.get(r.id)
        leaf = event_leaf(r)
        covered = position is not None and position < checkpoint.size
        if not covered or position is None:
            out.append(EventInclusion(r.originator_version, position, leaf, (), False, False))
            continue
        proof = inclusion_proof(tree.perfect, position, checkpoint.size)
        ok = verify_inclusion(position, checkpoint.size, leaf, proof, checkpoint.root)
        out.append(EventInclusion(r.originator_version, position, leaf, tuple(proof), ok, True))
    return CaseInclusion(stream_id, checkpoint, note, tuple(out))
