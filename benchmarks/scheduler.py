"""Benchmark: the scheduler's jobs over a generated partnership network on PostgreSQL.

    .venv/bin/python -m benchmarks.scheduler --cases 10000
    .venv/bin/python -m benchmarks.scheduler --reuse          # the events of the last run

Generates the cases into a fresh database (``tracker_scheduler``) and builds the read
models, then times, as the scheduler runs them:

1. the first clock watch (every open clock of three years of cases is looked at: the
   breaches of stalled cases are recorded, as when a scheduler starts on imported data);
2. a second watch after the projector caught up (the steady state: what a 5-minute run
   costs when nothing new is due);
3. collecting the recorded notices into the outbox, and sending them to an SMTP server
   on loopback (aiosmtpd), in deliveries per second.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import time

from application.generate import generate
from entrypoints import bootstrap
from tests.support.postgres import create_database, postgres_params, postgres_settings
from tests.support.receivers import SmtpReceiver

DB = "tracker_scheduler"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep the existing events")
    args = parser.parse_args()
    logging.getLogger("tracker.outbox").setLevel(logging.ERROR)  # no line per unheard notice
    params = postgres_params() if args.reuse else create_database(DB)
    smtp = SmtpReceiver().start()
    settings = postgres_settings(params, DB, smtp_host="127.0.0.1", smtp_port=smtp.port)
    tracker = bootstrap.safeguarding(settings)
    if not args.reuse:
        started = time.perf_counter()
        stats = generate(tracker, args.cases, seed=1, batch=20)
        print(f"generated {stats.events:,} events in {time.perf_counter() - started:.0f}s")
    projector = bootstrap.projector(tracker)
    projector.setup()
    projector.catch_up()
    jobs = bootstrap.scheduler_jobs(tracker)

    for label in ("first watch", "steady watch"):
        started = time.perf_counter()
        candidates = len(jobs.candidates())
        report = jobs.watch_clocks()
        took = time.perf_counter() - started
        print(
            f"{label}: {candidates:,} streams looked at, {len(report.recorded):,} notices "
            f"recorded in {took:.2f}s ({report.streams_checked / took:,.0f} streams/s)"
        )
        projector.catch_up()

    started = time.perf_counter()
    jobs.outbox.setup()
    while jobs.outbox.collect():
        pass
    took = time.perf_counter() - started
    backlog = jobs.outbox.backlog()
    waiting = backlog.get("pending", 0)
    print(f"outbox collect: {waiting:,} deliveries in {took:.2f}s")
    started = time.perf_counter()
    sent = 0
    while True:
        delivery = jobs.deliver()
        sent += delivery.sent
        if delivery.sent == 0:
            break
    took = time.perf_counter() - started
    received = len(smtp.received())
    print(f"delivery: {sent:,} e-mails in {took:.2f}s ({sent / took:,.0f}/s), {received:,} in")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    jobs.close()
    projector.store.close()
    tracker.close()
    smtp.stop()


if __name__ == "__main__":
    main()
