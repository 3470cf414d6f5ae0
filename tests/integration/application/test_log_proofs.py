"""Inclusion proofs served from what the log keeps (``log_nodes`` and blocks of leaves)
are the proofs of the whole tree, at sizes past the kept subtrees' 1,024 leaves."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

from eventsourcing.persistence import StoredEvent

from application.ledger.checkpoints import Checkpoints
from application.ledger.inclusion import StoredTree
from application.ledger.notes import Signer
from application.service import Safeguarding
from domain.merkle import MemoryTree, consistency_proof, inclusion_proof, verify_inclusion


def test_proofs_from_the_kept_nodes_are_those_of_the_whole_tree(
    make_tracker: Callable[..., Safeguarding],
) -> None:
    app = make_tracker()
    stream = uuid.uuid4()
    rows = [StoredEvent(stream, v, "tests:Raw", os.urandom(40)) for v in range(1, 3001)]
    app.recorder.insert_events(rows[:2500])
    signer = Signer.generate(app.settings.log_origin)
    checkpoints = Checkpoints(app)
    checkpoints.make(signer)
    app.recorder.insert_events(rows[2500:])
    made = checkpoints.make(signer)  # extends the first one's frontier
    assert made.size == 3000

    whole = MemoryTree()
    for leaf in checkpoints.tables.scan():
        whole.append(leaf.hash)
    kept = StoredTree(checkpoints.tables, made.size)
    assert len(kept.nodes) >= 3  # two subtrees of 1,024 leaves and one of 2,048
    for index in (0, 1023, 1024, 2047, 2048, 2500, 2999):
        proof = inclusion_proof(kept.perfect, index, made.size)
        assert proof == inclusion_proof(whole.perfect, index, made.size)
        assert verify_inclusion(index, made.size, whole.leaf(index), proof, made.root)
    assert consistency_proof(kept.perfect, 2500, 3000) == consistency_proof(
        whole.perfect, 2500, 3000
    )
