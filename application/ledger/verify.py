"""Verify the stored log against signed checkpoints, from the stored rows alone.

Every leaf is recomputed from the row it names (the event's stored bytes and place, the
access-log row's columns), the tree is rebuilt from those leaves, and for each checkpoint a
consistency proof (RFC 9162 §2.1.4) from its signed root to the recomputed tree is made and
checked. A checkpoint that fails means something recorded before it was altered, removed or
reordered. Nothing here reads a read model, so a rebuild cannot hide a removal; the leaf
table is read only to know which row each position was made from (that mapping is part of
each leaf's data, so a changed mapping fails too) and to say where the damage starts.

Where: each leaf whose row is gone or no longer hashes to what was appended is a finding
at its position. When the leaf table's own first N hashes still make the checkpoint's root,
they are authenticated by it and the first finding is exactly the first affected position.
When the leaf table was rewritten as well, the affected position lies after the largest
checkpoint that still holds and before the smallest that fails: the more checkpoints a
scrutineer keeps, the narrower that range (every stored checkpoint whose signature verifies
is used too: it cannot be forged without the key).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.ledger.checkpoints import Checkpoints
from application.ledger.leaves import ACCESS, EVENT, Leaf, LogTables, event_leaf
from application.ledger.notes import Checkpoint, NoteError, Verifier, read_checkpoint
from domain.merkle import MemoryTree, consistency_proof, leaf_hash, verify_consistency

if TYPE_CHECKING:
    from application.service import Safeguarding

_GONE = leaf_hash(b"tracker: the row of this leaf is gone")
MAX_FINDINGS = 50


@dataclass(frozen=True)
class Finding:
    position: int | None  # the leaf's position; None for a row the log never took in
    problem: str
    kind: str = "altered"  # altered, gone, unlogged (a row in no leaf), gap (in the leaf table)


@dataclass(frozen=True)
class CheckpointResult:
    checkpoint: Checkpoint
    ok: bool
    given: bool  # given by the verifier (not only found in the store)
    problem: str = ""
    first_affected: int | None = None
    affected_from: int | None = None  # when not exact: the range it lies in
    affected_to: int | None = None
    proof_hashes: int = 0


@dataclass
class LogVerdict:
    ok: bool = True
    leaves: int = 0  # recomputed from the stored rows
    root: bytes = b""
    checkpoints: list[CheckpointResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pending_events: int = 0  # stored after the last leaf: no checkpoint covers them yet
    pending_access: int = 0

    @property
    def first_affected(self) -> int | None:
        """The first position a failing checkpoint shows affected (exact or the range's start)."""
        found = [
            c.first_affected if c.first_affected is not None else c.affected_from
            for c in self.checkpoints
            if not c.ok
        ]
        known = [f for f in found if f is not None]
        return min(known) if known else None


class _Rebuilt:
    """The tree recomputed from the rows, beside the leaf table's own hashes."""

    def __init__(self) -> None:
        self.recomputed = MemoryTree()
        self.stored = MemoryTree()
        self.first_difference: int | None = None
        self.findings: list[Finding] = []

    def add(self, leaf: Leaf, recomputed: bytes | None, what: str) -> None:
        position = len(self.recomputed)
        self.recomputed.append(recomputed if recomputed is not None else _GONE)
        self.stored.append(leaf.hash)
        if recomputed == leaf.hash:
            return
        if self.first_difference is None:
            self.first_difference = position
        problem = (
            f"{what} is gone from the store"
            if recomputed is None
            else f"{what} no longer hashes to the leaf appended for it: altered, replaced "
            "or reordered"
        )
        self.note(Finding(position, problem, "gone" if recomputed is None else "altered"))

    def note(self, finding: Finding) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)


def verify_log(
    app: Safeguarding,
    given: Sequence[Checkpoint],
    verifiers: list[Verifier],
    *,
    progress: Callable[[int], object] | None = None,
    batch: int = 5000,
) -> LogVerdict:
    """The verdict on the stored log against ``given`` checkpoints (already signature-
    checked) and every stored checkpoint whose signature verifies with ``verifiers``."""
    tables = LogTables(app)
    tables.setup()
    rebuilt = _Rebuilt()
    last_event = 0
    position = 0
    leaves: list[Leaf] = []
    for leaf in tables.scan(batch=batch):
        leaves.append(leaf)
        if len(leaves) == batch:
            last_event, position = _check(tables, leaves, rebuilt, last_event, position)
            if progress:
                progress(len(leaves))
            leaves = []
    last_event, position = _check(tables, leaves, rebuilt, last_event, position)
    if progress and leaves:
        progress(len(leaves))
    verdict = LogVerdict(leaves=len(rebuilt.recomputed), root=rebuilt.recomputed.root())
    verdict.pending_events = _count_after(app, last_event)
    verdict.pending_access = len(tables.new_access_rows(1_000_000))
    for missing in tables.unlogged_access_rows(tables.last_source(ACCESS)):
        rebuilt.note(
            Finding(None, f"access-log row {missing} is stored but in no leaf", "unlogged")
        )
    verdict.findings = rebuilt.findings
    anchors = [(c, True) for c in given] + [
        (c, False) for c in _stored(app, verifiers) if c not in given
    ]
    anchors.sort(key=lambda a: (a[0].size, not a[1]))
    results = [_against(c, is_given, rebuilt) for c, is_given in anchors]
    _bound(results)
    verdict.checkpoints = results
    verdict.ok = all(r.ok for r in results) and not any(
        f.position is None for f in verdict.findings
    )
    return verdict


def _check(
    tables: LogTables,
    leaves: list[Leaf],
    rebuilt: _Rebuilt,
    last_event: int,
    position: int,
) -> tuple[int, int]:
    """Recompute one batch of leaves from their rows (events read in log order, so an
    event stored between two leaves' events is seen too)."""
    if not leaves:
        return last_event, position
    event_ids = [leaf.source for leaf in leaves if leaf.kind == EVENT]
    events: dict[int, Any] = {}
    if event_ids:
        start, stop = last_event + 1, max(event_ids)
        while start <= stop:
            page = tables.app.recorder.select_notifications(start=start, limit=5000, stop=stop)
            if not page:
                break
            events.update((n.id, n) for n in page)
            start = page[-1].id + 1
        wanted = set(event_ids)
        for extra in sorted(set(events) - wanted):
            n = events[extra]
            rebuilt.note(
                Finding(
                    None,
                    f"event {extra} (stream {n.originator_id} version {n.originator_version}) "
                    "is stored but in no leaf: inserted behind the log",
                    "unlogged",
                )
            )
        last_event = max(last_event, stop)
    access = tables.access_rows([leaf.source for leaf in leaves if leaf.kind == ACCESS])
    for leaf in leaves:
        if leaf.position != position:
            rebuilt.note(
                Finding(position, f"the leaf table skips from {position} to {leaf.position}", "gap")
            )
            position = leaf.position
        if leaf.kind == EVENT:
            n = events.get(leaf.source)
            what = (
                f"event {leaf.source} (stream {n.originator_id} version {n.originator_version})"
                if n is not None
                else f"event {leaf.source}"
            )
            rebuilt.add(leaf, event_leaf(n) if n is not None else None, what)
        else:
            row = access.get(leaf.source)
            what = f"access-log row {leaf.source}" + (f" (case {row.case_id})" if row else "")
            rebuilt.add(leaf, row.leaf() if row is not None else None, what)
        position += 1
    return last_event, position


def _count_after(app: Safeguarding, last_event: int) -> int:
    end = app.recorder.max_notification_id() or 0
    count, start = 0, last_event + 1
    while start <= end:
        page = app.recorder.select_notifications(start=start, limit=5000)
        if not page:
            break
        count += len(page)
        start = page[-1].id + 1
    return count


def _stored(app: Safeguarding, verifiers: list[Verifier]) -> list[Checkpoint]:
    """The store's own checkpoints that a known key signed (forged ones are ignored)."""
    found = []
    for stored in Checkpoints(app).all():
        try:
            found.append(read_checkpoint(stored.note, verifiers).checkpoint)
        except NoteError:
            continue
    return found


def _against(c: Checkpoint, given: bool, rebuilt: _Rebuilt) -> CheckpointResult:
    tree, size = rebuilt.recomputed, len(rebuilt.recomputed)
    if c.size > size:
        first = rebuilt.first_difference
        return CheckpointResult(
            c,
            False,
            given,
            f"the log holds {size} leaves but this checkpoint covers {c.size}: "
            f"leaves from position {size} on were removed",
            first_affected=min(size, first) if first is not None else size,
        )
    proof = consistency_proof(tree.perfect, c.size, size)
    if verify_consistency(c.size, size, c.root, tree.root(size), proof):
        return CheckpointResult(c, True, given, proof_hashes=len(proof))
    first = rebuilt.first_difference
    if rebuilt.stored.root(c.size) == c.root and first is not None and first < c.size:
        return CheckpointResult(
            c,
            False,
            given,
            f"the stored rows no longer make this checkpoint's tree: position {first} "
            "is the first that changed",
            first_affected=first,
            proof_hashes=len(proof),
        )
    return CheckpointResult(
        c,
        False,
        given,
        "the stored rows no longer make this checkpoint's tree, and the log's own leaf "
        "table was rewritten to match them",
        affected_to=c.size - 1,
        proof_hashes=len(proof),
    )


def _bound(results: list[CheckpointResult]) -> None:
    """Narrow each inexact failure to after the largest checkpoint that holds."""
    for i, r in enumerate(results):
        if r.ok or r.first_affected is not None:
            continue
        holding = [
            x.checkpoint.size for x in results if x.ok and x.checkpoint.size <= r.checkpoint.size
        ]
        results[i] = CheckpointResult(
            r.checkpoint,
            False,
            r.given,
            r.problem,
            affected_from=max(holding, default=0),
            affected_to=r.affected_to,
            proof_hashes=r.proof_hashes,
        )
