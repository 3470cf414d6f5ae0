"""Benchmark: the GraphQL reads against a bare baseline measured in the same run.

    .venv/bin/python -m benchmarks.reads --db reads_bench --cases 10000   # generate, then run
    .venv/bin/python -m benchmarks.reads --db reads_bench --reuse         # the same data again

Generates ``--cases`` synthetic cases into the PostgreSQL database ``--db`` (kept: drop it
when done) with one case grown to 500 events, brings the read models up to date (a model
whose version changed is rebuilt), then starts two servers side by side, each ``uvicorn``
with ``--workers`` processes: the API, and ``benchmarks.bare_reads``, a bare Starlette app
that runs the same SQL on the same tables and returns the same JSON with the standard
library. For each read, in ``--rounds`` rounds that alternate which server goes first,
it measures one client alone (p50) and ``--clients`` concurrent clients (p95) against
each server in turn, so both see the same machine at the same time. The reads:

- tracker page: a partnership's 100 cases with the soonest next deadline, and the total;
- a case with its deadlines (a case of the partnership with several clocks);
- the deadlines due this week (Monday to Sunday of today), 100 a page, with the total;
- statistics for a year (last calendar year, by quarter: counts, timeliness, medians);
- the history of the 500-event case with payloads, as a scrutineer reads it.

Prints a line per read and, last, one JSON line with each ratio (API / bare).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import httpx
import psycopg

from application import atrest
from application.generate import generate
from application.keys import issue_key
from application.service import Safeguarding
from benchmarks.graphql import long_case
from benchmarks.server import server_env, start_server, start_uvicorn
from entrypoints import bootstrap
from tests.support.postgres import conninfo, create_database, postgres_params, postgres_settings

TRACKER_PAGE = """{ cases(partnership: "LEW", first: 100, orderBy: NEXT_DUE_ON) {
  totalCount pageInfo { hasNextPage }
  edges { node { reference stage kind ageBand nextClock nextClockSubject nextDueOn
                 overdueCount } } } }"""

DEADLINE_FIELDS = "reference clock subject startedOn dueOn stoppedOn status"

CASE = f"""query($id: ID!) {{ case(id: $id) {{
  reference stage kind ageBand nextClock nextClockSubject nextDueOn overdueCount
  deadlines {{ {DEADLINE_FIELDS} }} }} }}"""

DEADLINES = f"""query($from: Date!, $to: Date!) {{
  deadlines(partnership: "LEW", filter: {{dueFrom: $from, dueTo: $to}}, first: 100) {{
    totalCount edges {{ node {{ {DEADLINE_FIELDS} }} }} }} }}"""

STATISTICS = """query($from: Date!, $to: Date!) {
  statistics(partnership: "LEW", receivedFrom: $from, receivedTo: $to, period: QUARTER) {
    period cases { value suppressed } byStage { key count { value } }
    byRecommendation { key count { value } }
    timeliness { clock onTime { value } late { value } breached { value } }
    medianWorkingDaysToDecision { value } medianWorkingDaysToSubmission { value } } }"""

HISTORY = """query($id: ID!) { caseHistory(caseId: $id, first: 500) { totalCount
  edges { node { version type recordedAt effectiveOn actorId role agency requestId
                 hash prevHash payload } } } }"""


@dataclass(frozen=True)
class Read:
    name: str
    key: str  # the API key the GraphQL request sends
    query: str
    variables: dict[str, Any]
    bare: str  # the bare endpoint's path and query string


async def _load(
    send: Any, clients: int, seconds: float, http: httpx.AsyncClient
) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    until = time.perf_counter() + seconds

    async def one() -> None:
        nonlocal failures
        while time.perf_counter() < until:
            started = time.perf_counter()
            r = await send(http)
            took = time.perf_counter() - started
            if r.status_code != 200 or b'"errors":' in r.content:
                failures += 1  # counted, and left out of the latencies (they end early)
            else:
                latencies.append(took)

    await asyncio.gather(*(one() for _ in range(clients)))
    return latencies, failures


def _senders(api: str, bare: str, read: Read) -> dict[str, Any]:
    body = json.dumps({"query": read.query, "variables": read.variables})
    headers = {"Authorization": f"Bearer {read.key}", "Content-Type": "application/json"}

    async def to_api(http: httpx.AsyncClient) -> httpx.Response:
        return await http.post(f"{api}/graphql", content=body, headers=headers)

    async def to_bare(http: httpx.AsyncClient) -> httpx.Response:
        return await http.get(f"{bare}{read.bare}")

    return {"api": to_api, "bare": to_bare}


def room(most: int = 45, wait: float = 60) -> None:
    """Wait (up to ``wait`` seconds) until the database server, shared with other work,
    has at most ``most`` connections: the servers measured need about 40 of its 100."""
    until = time.monotonic() + wait
    with psycopg.connect(conninfo({**postgres_params(), "dbname": "postgres"})) as conn:
        while time.monotonic() < until:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity").fetchone()
            if row is None or int(row[0]) <= most:
                return
            time.sleep(1)


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


async def measure(
    api: str, bare: str, read: Read, clients: int, seconds: float, rounds: int
) -> dict[str, Any]:
    senders = _senders(api, bare, read)
    one: dict[str, list[float]] = {"api": [], "bare": []}
    many: dict[str, list[float]] = {"api": [], "bare": []}
    failed = {"api": 0, "bare": 0}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        for who in ("api", "bare"):  # warm up: caches, prepared statements, connections
            await _load(senders[who], 2, 1.5, http)
        for r in range(rounds):
            order = ("api", "bare") if r % 2 == 0 else ("bare", "api")
            for who in order:
                lat, f = await _load(senders[who], 1, seconds, http)
                one[who] += lat
                failed[who] += f
            for who in order:
                room()
                lat, f = await _load(senders[who], clients, seconds, http)
                many[who] += lat
                failed[who] += f
    total = seconds * rounds
    return {
        "p50_1": {w: pct(one[w], 50) for w in one},
        "p95_n": {w: pct(many[w], 95) for w in many},
        "rps_n": {w: len(many[w]) / total for w in many},
        "failed": failed,
    }


def start_bare(
    dsn: str, key: str, today: date, workers: int
) -> tuple[str, subprocess.Popen[bytes]]:
    env = {**os.environ, "BARE_DSN": dsn, "BARE_KEY": key, "BARE_TODAY": today.isoformat()}
    return start_uvicorn(["benchmarks.bare_reads:app"], env, workers, "/nothing", "the bare")


def compare(api: str, bare: str, read: Read) -> str:
    """Whether the two servers answer the same (the bare one's shape is the query's)."""
    a = httpx.post(
        f"{api}/graphql",
        json={"query": read.query, "variables": read.variables},
        headers={"Authorization": f"Bearer {read.key}"},
        timeout=60,
    ).json()
    b = httpx.get(f"{bare}{read.bare}", timeout=60).json()
    if "errors" in a:
        return f"API error: {a['errors']}"
    if a["data"] == b["data"]:
        return "same answer"
    root = next(iter(a["data"]))
    x, y = a["data"][root], b["data"][root]
    if isinstance(x, dict) and isinstance(y, dict) and "edges" in x:
        same_n = len(x["edges"]) == len(y["edges"]) and x["totalCount"] == y["totalCount"]
        return f"{'same rows and total' if same_n else 'DIFFERENT rows'}, fields differ in detail"
    return "answers differ in detail"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="reads_bench")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="the database --db as it is")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3, help="per server, mode and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="run only the reads whose name has this text")
    args = parser.parse_args()

    params = {**postgres_params(), "dbname": args.db} if args.reuse else create_database(args.db)
    settings = postgres_settings(params, args.db, postgres_pool_size=args.clients)
    tracker = Safeguarding(settings)
    long_file = f"/tmp/{args.db}.long"
    if not args.reuse:
        started = time.perf_counter()
        made = generate(tracker, args.cases, seed=7, batch=20)
        print(f"generated {made.events:,} events in {time.perf_counter() - started:.0f}s")
        with open(long_file, "w") as f:
            f.write(str(long_case(tracker, 500)))
    long_id = UUID(open(long_file).read().strip())  # noqa: SIM115
    store = bootstrap.read_store(settings)
    projector = bootstrap.projector(tracker, store)
    started = time.perf_counter()
    projector.setup()  # a model whose version changed is rebuilt here
    projector.catch_up(5000)
    print(f"read models up to date in {time.perf_counter() - started:.0f}s")
    with store.transaction() as c:
        c.execute("SELECT partnership, COUNT(*) FROM rm_tracker GROUP BY 1 ORDER BY 1")
        sizes = dict(c.fetchall())
        c.execute(
            "SELECT stream_id FROM rm_deadlines WHERE partnership = 'LEW' GROUP BY stream_id "
            "HAVING COUNT(*) >= 8 ORDER BY stream_id LIMIT 1"
        )
        a_case = str(c.fetchone()[0])
    store.close()
    staff = issue_key(
        tracker, principal_id="bench-staff", role="partnership", partnerships=["LEW"]
    )[0]
    scrutineer = issue_key(
        tracker, principal_id="bench-scrutineer", role="scrutineer", partnerships=["LEW"]
    )[0]
    today = tracker.today()
    key = atrest.encryption_key(settings) if settings.encrypt_at_rest else ""
    tracker.close()

    monday = today - timedelta(days=today.weekday())
    week = {"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()}
    year = {
        "from": date(today.year - 1, 1, 1).isoformat(),
        "to": date(today.year - 1, 12, 31).isoformat(),
    }
    reads = [
        Read("tracker page (100 cases)", staff, TRACKER_PAGE, {}, "/tracker?partnership=LEW"),
        Read(
            "a case with its deadlines",
            staff,
            CASE,
            {"id": a_case},
            f"/case/{a_case}?partnership=LEW",
        ),
        Read(
            "deadlines due this week",
            staff,
            DEADLINES,
            week,
            f"/deadlines?partnership=LEW&from={week['from']}&to={week['to']}",
        ),
        Read(
            "statistics for a year",
            staff,
            STATISTICS,
            year,
            f"/statistics?partnership=LEW&from={year['from']}&to={year['to']}",
        ),
        Read(
            "history of a 500-event case",
            scrutineer,
            HISTORY,
            {"id": str(long_id)},
            f"/history/{long_id}?first=500",
        ),
    ]
    if args.only:
        reads = [r for r in reads if args.only in r.name]

    # the event store's pool small (the key and the history are its only reads) and no
    # overflow: the database server is shared (100 connections), and each server thread
    # also holds a read-model connection
    env = server_env(params, args.db, 4, TRACKER_POSTGRES_MAX_OVERFLOW="0")
    api, api_server = start_server(env, args.workers)
    bare, bare_server = start_bare(conninfo(params), key, today, args.workers)
    ratios: dict[str, dict[str, float]] = {}
    try:
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load average "
            f"{open('/proc/loadavg').read().split()[0]}"  # noqa: SIM115
        )
        print(
            f"{sum(sizes.values()):,} cases ({', '.join(f'{p} {n:,}' for p, n in sizes.items())}); "
            f"{args.workers} server workers each; {args.rounds} rounds of "
            f"{args.seconds:g}s per server: 1 client, then {args.clients} clients"
        )
        for read in reads:
            print(f"{read.name}: {compare(api, bare, read)}")
            m = asyncio.run(measure(api, bare, read, args.clients, args.seconds, args.rounds))
            r1 = m["p50_1"]["api"] / m["p50_1"]["bare"]
            rn = m["p95_n"]["api"] / m["p95_n"]["bare"]
            ratios[read.name] = {"p50_1": round(r1, 2), f"p95_{args.clients}": round(rn, 2)}
            print(
                f"  1 client p50: API {m['p50_1']['api']:.1f} ms, bare {m['p50_1']['bare']:.1f} ms"
                f" ({r1:.2f}x); {args.clients} clients p95: API {m['p95_n']['api']:.0f} ms, "
                f"bare {m['p95_n']['bare']:.0f} ms ({rn:.2f}x); "
                f"req/s API {m['rps_n']['api']:.0f}, bare {m['rps_n']['bare']:.0f}; "
                f"failed {m['failed']}"
            )
    finally:
        for server in (api_server, bare_server):
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps({"cases": sum(sizes.values()), "ratios": ratios}))


if __name__ == "__main__":
    main()
