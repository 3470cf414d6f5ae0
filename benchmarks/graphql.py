"""Benchmark: GraphQL reads on PostgreSQL under concurrent clients, with latencies.

    .venv/bin/python -m benchmarks.graphql [--cases 10000] [--clients 16] [--seconds 20]
    .venv/bin/python -m benchmarks.graphql --reuse ...   # keep the generated database

Generates ``--cases`` synthetic cases into a fresh database (``tracker_graphql``), gives one
case 500 events (details corrected, as a long-running case collects), projects the read
models, starts ``uvicorn`` (``--workers`` processes), then for each query in turn runs
``--clients`` concurrent clients (one asyncio process, ``httpx``) for ``--seconds`` and
reports requests/s and p50/p95/p99 latency:

- tracker page: 100 cases of a partnership with their next deadline and overdue count;
- statistics: a partnership's year, grouped by quarter (counts, timeliness, medians);
- case history: all 500 events of one case with payloads, as a scrutineer reads them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from datetime import date
from typing import Any
from uuid import UUID

import httpx

from application.acts import CorrectDetails, ReferSeriousIncident
from application.context import CommandContext, Principal
from application.generate import generate
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from benchmarks.server import server_env, start_server
from domain.values import Role
from entrypoints import bootstrap
from tests.support.postgres import create_database, postgres_params, postgres_settings

DB = "tracker_graphql"

TRACKER_PAGE = """query($after: String) {
  cases(partnership: "LEW", first: 100, after: $after, orderBy: NEXT_DUE_ON) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { reference stage kind ageBand nextClock nextClockSubject nextDueOn
                   overdueCount } } } }"""

STATISTICS = """query($from: Date!, $to: Date!) {
  statistics(partnership: "LEW", receivedFrom: $from, receivedTo: $to, period: QUARTER) {
    period cases { value suppressed } byStage { key count { value } }
    byRecommendation { key count { value } }
    timeliness { clock onTime { value } late { value } breached { value } }
    medianWorkingDaysToDecision { value } medianWorkingDaysToSubmission { value } } }"""

HISTORY = """query($id: ID!) {
  caseHistory(caseId: $id, first: 500) { totalCount
    edges { node { version type recordedAt effectiveOn actorId role agency requestId
                   hash prevHash payload } } } }"""


def settings_for(params: dict[str, str], pool: int) -> Settings:
    return postgres_settings(params, DB, postgres_pool_size=pool)


def long_case(tracker: Safeguarding, events: int) -> UUID:
    """A LEW case grown to ``events`` events by corrections of its details."""
    staff = Principal("bench-staff", Role.PARTNERSHIP, "LEW partnership", ("LEW",))
    ctx = CommandContext(principal=staff, request_id="bench")
    import dataclasses

    from tests.support.people import referral_details, serious_harm

    today = tracker.today()
    details = dataclasses.replace(referral_details(), chronology=())
    case = tracker.execute(
        CommandContext(
            principal=Principal("bench-mash", Role.AGENCY, "Lewisham MASH", ("LEW",)),
            request_id="bench",
        ),
        ReferSeriousIncident(
            partnership="LEW",
            area="Lewisham",
            received_on=today,
            details=details,
            incident=serious_harm(today),
        ),
    )
    for n in range(events - 1):
        tracker.execute(
            ctx,
            CorrectDetails(
                case_id=case.id,
                what="child.address",
                new_value=f"{n} Imaginary Row",
                reason="moved",
            ),
        )
    return case.id


async def load(
    url: str, key: str, query: str, variables: dict[str, Any], clients: int, seconds: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    until = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {key}"}

    async def one(http: httpx.AsyncClient) -> None:
        nonlocal failures
        while time.perf_counter() < until:
            started = time.perf_counter()
            r = await http.post(
                f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            latencies.append(time.perf_counter() - started)
            if r.status_code != 200 or "errors" in r.json():
                failures += 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        await asyncio.gather(*(one(http) for _ in range(clients)))
    return latencies, failures


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--history", type=int, default=500, help="events of the long case")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    args = parser.parse_args()

    params = postgres_params() if args.reuse else create_database(DB)
    settings = settings_for(params, args.clients)
    tracker = Safeguarding(settings)
    if not args.reuse:
        started = time.perf_counter()
        made = generate(tracker, args.cases, seed=7, batch=20)
        print(f"generated {made.events:,} events in {time.perf_counter() - started:.0f}s")
        long_id = long_case(tracker, args.history)
    else:
        long_id = UUID(open(f"/tmp/{DB}.long").read().strip())  # noqa: SIM115
    with open(f"/tmp/{DB}.long", "w") as f:
        f.write(str(long_id))
    store = bootstrap.read_store(settings)
    projector = bootstrap.projector(tracker, store)
    projector.setup()
    started = time.perf_counter()
    projector.catch_up(5000)
    print(f"read models caught up in {time.perf_counter() - started:.0f}s")
    store.close()
    scrutineer = issue_key(
        tracker, principal_id="bench-scrutineer", role="scrutineer", partnerships=["LEW"]
    )[0]
    analyst = issue_key(
        tracker, principal_id="bench-analyst", role="analyst", partnerships=["LEW"]
    )[0]
    today = tracker.today()
    tracker.close()

    url, server = start_server(server_env(params, DB, args.clients), args.workers)
    year = {
        "from": date(today.year - 1, 1, 1).isoformat(),
        "to": date(today.year - 1, 12, 31).isoformat(),
    }
    runs = [
        ("tracker page (100 cases)", analyst, TRACKER_PAGE, {}, 30.0),
        ("statistics (a year by quarter)", analyst, STATISTICS, year, 100.0),
        (f"case history ({args.history} events)", scrutineer, HISTORY, {"id": str(long_id)}, 50.0),
    ]
    try:
        machine = f"{platform.machine()}, {os.cpu_count()} cores"
        print(f"machine: {machine}, Python {platform.python_version()}")
        print(f"{args.clients} clients, {args.workers} server workers, {args.seconds:.0f}s each")
        for name, key, query, variables, target in runs:
            asyncio.run(load(url, key, query, variables, 2, 2))  # warm up
            one, _ = asyncio.run(load(url, key, query, variables, 1, min(5.0, args.seconds)))
            lat, failed = asyncio.run(load(url, key, query, variables, args.clients, args.seconds))
            print(
                f"{name}: {len(lat) / args.seconds:.0f} req/s, p50 {pct(lat, 50):.0f} ms, "
                f"p95 {pct(lat, 95):.0f} ms (target < {target:.0f}), p99 {pct(lat, 99):.0f} ms, "
                f"{failed} failed; one client alone: p50 {pct(one, 50):.0f} ms, "
                f"p95 {pct(one, 95):.0f} ms"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
