"""Benchmark: rebuilding every read model from the log on PostgreSQL, in events per second.

    .venv/bin/python -m benchmarks.rebuild --cases 48000      # about 1,000,000 events
    .venv/bin/python -m benchmarks.rebuild --cases 2500       # about 53,000 events

Generates the cases into a fresh database (``tracker_rebuild``), then times reading the log
raw (no decoding) and ``rebuild --all`` (decode, fold, write all read models, swap), and
prints both rates and their ratio. The raw read is timed three times: through the event
store's ``select_notifications`` (as before), by position ranges in binary (the earlier
rebuild's reader) and stream by stream (what the rebuild reads now: primary key order).
Prints the peak memory (max RSS) of this process and of the largest worker, and ends with
one JSON line of the figures and ratios. Keep the database with ``--keep`` to rerun only
the rebuild with ``--reuse``; ``--db`` names it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from uuid import UUID

from application.generate import generate
from entrypoints import bootstrap
from projections.rebuild import read_log, read_streams
from tests.support.postgres import (
    create_database,
    drop_database,
    postgres_params,
    postgres_settings,
)

DB = "tracker_rebuild"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2500)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument(
        "--workers", type=int, default=None, help="rebuild processes (default: one per core)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the existing events")
    parser.add_argument("--keep", action="store_true", help="leave the database afterwards")
    parser.add_argument("--db", default=DB, help=f"the database's name (default {DB})")
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the log and stop (with --keep)"
    )
    args = parser.parse_args()
    params = postgres_params() if args.reuse else create_database(args.db)
    settings = postgres_settings(params, args.db)
    tracker = bootstrap.safeguarding(settings)
    if not args.reuse:
        started = time.perf_counter()
        stats = generate(tracker, args.cases, seed=1, batch=20)
        print(f"generated {stats.events:,} events in {time.perf_counter() - started:.0f}s")
    if args.generate_only:
        tracker.close()
        return
    end = tracker.recorder.max_notification_id() or 0

    started = time.perf_counter()
    position, rows = 0, 0
    while True:
        batch = tracker.recorder.select_notifications(start=position + 1, limit=args.batch)
        if not batch:
            break
        rows += len(batch)
        position = batch[-1].id
    raw = rows / (time.perf_counter() - started)

    store = bootstrap.read_store(settings)
    started = time.perf_counter()
    position, rows = 0, 0
    while position < end:
        batch_rows, position = read_log(tracker, store, position, end, args.batch)
        rows += len(batch_rows)
    reader = rows / (time.perf_counter() - started)

    started = time.perf_counter()
    after, rows = (UUID(int=0), 0), 0
    while True:
        found = read_streams(tracker, store, after, end, args.batch)
        rows += len(found)
        if len(found) < args.batch:
            break
        after = (found[-1][1], found[-1][2])
    streams = rows / (time.perf_counter() - started)

    projector = bootstrap.projector(tracker, store)
    projector.setup()
    started = time.perf_counter()
    projector.rebuild(
        *(m.base for m in projector.models), batch_size=args.batch, workers=args.workers
    )
    seconds = time.perf_counter() - started
    rate = end / seconds
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"log: {end:,} notifications; raw read {raw:,.0f} rows/s (select_notifications)")
    print(f"raw read by position ranges: {reader:,.0f} rows/s (chained events only)")
    print(f"raw read stream by stream (the rebuild's reader): {streams:,.0f} rows/s")
    print(
        f"rebuild --all: {seconds:.1f}s, {rate:,.0f} events/s ({rate / raw:.1%} of the raw read, "
        f"{rate / streams:.1%} of the rebuild's reader)"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak memory (max RSS): this process {own:,.0f} MiB (the raw reads, the rebuild's own "
        f"partition and the swap), largest worker process {workers:,.0f} MiB"
    )
    store.close()
    tracker.close()
    if not args.keep:
        drop_database(args.db)
    print(
        json.dumps(
            {
                "benchmark": "rebuild",
                "events": end,
                "seconds": round(seconds, 1),
                "events_per_s": round(rate),
                "raw_rows_per_s": round(raw),
                "ranges_rows_per_s": round(reader),
                "streams_rows_per_s": round(streams),
                "ratio": round(rate / raw, 3),
                "ratio_to_reader": round(rate / streams, 3),
                "peak_rss_mib": round(own),
                "peak_worker_rss_mib": round(workers),
            }
        )
    )


if __name__ == "__main__":
    main()
