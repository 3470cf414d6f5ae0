"""Benchmark: the verifiable log at a million leaves -- checkpointing, verifying, proof sizes.

    .venv/bin/python -m benchmarks.checkpoint                      # 1,000,000 events, SQLite
    .venv/bin/python -m benchmarks.checkpoint --postgres           # the same on PostgreSQL
    .venv/bin/python -m benchmarks.checkpoint --events 100000      # a quicker run

Fills a fresh store with ``--events`` stored events (``--state-bytes`` of random state each,
about what a compressed, encrypted event holds; 40 events a stream) written straight
through the event store's recorder, then times, in the same run:

- the bare baselines: reading every row (``select_notifications``) and SHA-256 over every
  leaf's bytes (``hashlib`` alone); and RFC 9162 node hashing of the whole tree in memory;
- the first checkpoint (append every leaf to ``log_leaves``, extend the frontier, sign);
- a checkpoint after ``--more`` new events (it reads only the new leaves);
- ``verify_log`` against the first checkpoint (every leaf recomputed from its row, the tree
  rebuilt, a consistency proof made and checked);
- a case's inclusion proofs as ``caseInclusion`` makes them (kept subtrees, 40 paths);

and prints each as seconds and as a ratio to the bare read plus hashing, the proof sizes
(consistency and inclusion, in hashes, against log2 n) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import tempfile
import time
import uuid
from pathlib import Path

from eventsourcing.persistence import StoredEvent

from application.ledger.checkpoints import Checkpoints
from application.ledger.inclusion import StoredTree
from application.ledger.leaves import event_leaf_data
from application.ledger.notes import Signer, read_checkpoint
from application.ledger.verify import verify_log
from application.settings import Settings
from domain.merkle import MemoryTree, consistency_proof, inclusion_proof, leaf_hash
from entrypoints import bootstrap
from tests.support.postgres import create_database, drop_database, postgres_settings

DB = "tracker_checkpoint"
TOPIC = "domain.case:Case.PartnersAlerted"


def fill(app: object, events: int, state_bytes: int, start_stream: int = 0) -> None:
    recorder = app.recorder  # type: ignore[attr-defined]
    batch: list[StoredEvent] = []
    stream = uuid.UUID(int=start_stream + 1)
    for i in range(events):
        if i % 40 == 0:
            stream = uuid.uuid4()
        batch.append(StoredEvent(stream, i % 40 + 1, TOPIC, os.urandom(state_bytes)))
        if len(batch) == 10_000:
            recorder.insert_events(batch)
            batch = []
    if batch:
        recorder.insert_events(batch)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--more", type=int, default=1_000)
    parser.add_argument("--state-bytes", type=int, default=600)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="checkpoint-bench-"))
    if args.postgres:
        settings = postgres_settings(create_database(DB), DB)
    else:
        settings = Settings(_env_file=None, env="test", sqlite_path=folder / "bench.sqlite")
    app = bootstrap.safeguarding(settings)
    started = time.perf_counter()
    fill(app, args.events, args.state_bytes)
    print(f"filled {args.events:,} events in {time.perf_counter() - started:.0f}s")

    # --- the bare baselines, in this run
    bare_read = bare_hash = 0.0
    leaves, position = MemoryTree(), 0
    while True:
        started = time.perf_counter()
        batch = app.recorder.select_notifications(start=position + 1, limit=10_000)
        bare_read += time.perf_counter() - started
        if not batch:
            break
        position = batch[-1].id
        data = [event_leaf_data(n) for n in batch]
        started = time.perf_counter()
        for d in data:
            hashlib.sha256(d).digest()
        bare_hash += time.perf_counter() - started
        for d in data:
            leaves.append(leaf_hash(d))
    baseline = bare_read + bare_hash
    started = time.perf_counter()
    root = leaves.root()
    tree_only = time.perf_counter() - started

    # --- the first checkpoint: every leaf appended, the frontier built, signed
    signer = Signer.generate(settings.log_origin)
    checkpoints = Checkpoints(app)
    started = time.perf_counter()
    first = checkpoints.make(signer)
    first_seconds = time.perf_counter() - started
    assert first.root == root
    assert first.size == args.events

    # --- a checkpoint after --more events: only the new leaves are read
    fill(app, args.more, args.state_bytes, start_stream=10**9)
    started = time.perf_counter()
    second = checkpoints.make(signer)
    second_seconds = time.perf_counter() - started

    # --- verification against the first checkpoint, from the stored rows
    checkpoint = read_checkpoint(first.note, [signer.verifier]).checkpoint
    started = time.perf_counter()
    verdict = verify_log(app, [checkpoint], [signer.verifier])
    verify_seconds = time.perf_counter() - started
    assert verdict.ok, verdict.checkpoints

    # what caseInclusion does: kept subtrees (log_nodes) and blocks of leaves, 40 paths
    started = time.perf_counter()
    kept = StoredTree(checkpoints.tables, second.size)
    for i in range(40):  # a case of 40 events, spread over the log
        inclusion_proof(kept.perfect, (i * 24_989) % second.size, second.size)
    case_proofs = time.perf_counter() - started
    grown = MemoryTree()
    for leaf in checkpoints.tables.scan():
        grown.append(leaf.hash)
    consistency = consistency_proof(grown.perfect, first.size, second.size)
    inclusion = inclusion_proof(grown.perfect, first.size // 3, second.size)
    log2 = second.size.bit_length()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"{args.state_bytes} bytes of state an event"
    )
    print(
        f"bare: read every row {bare_read:.1f}s, SHA-256 of every leaf {bare_hash:.1f}s "
        f"(baseline {baseline:.1f}s); RFC 9162 tree of {args.events:,} leaves in memory "
        f"{tree_only:.1f}s ({tree_only / bare_hash:.2f}x the leaf hashing)"
    )
    print(
        f"first checkpoint ({first.size:,} leaves): {first_seconds:.1f}s "
        f"({first_seconds / baseline:.2f}x the baseline)"
    )
    print(
        f"next checkpoint (+{args.more:,} events): {second_seconds:.2f}s "
        f"({second_seconds / first_seconds:.4f} of the first)"
    )
    print(
        f"verify against the first checkpoint: {verify_seconds:.1f}s "
        f"({verify_seconds / baseline:.2f}x the baseline)"
    )
    print(
        f"proofs at {second.size:,} leaves (log2 n = {log2}): consistency "
        f"{first.size:,} -> {second.size:,} {len(consistency)} hashes, inclusion "
        f"{len(inclusion)} hashes ({32 * len(inclusion)} bytes)"
    )
    print(
        f"a case's inclusion proofs (40 events over the log, from log_nodes and blocks of "
        f"leaves): {case_proofs:.2f}s"
    )
    print(f"peak memory: {peak_mib():.0f} MiB")
    app.close()
    if args.postgres:
        drop_database(DB)


if __name__ == "__main__":
    main()
