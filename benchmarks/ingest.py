"""Benchmark: commands per second through the REST API on PostgreSQL, with latencies.

    .venv/bin/python -m benchmarks.ingest [--clients 16] [--seconds 30] [--workers 2]

Starts ``uvicorn`` (``--workers`` processes) on a fresh PostgreSQL database on this machine,
then runs ``--clients`` concurrent clients, each walking new serious-incident cases along the
seed timetable (referral, alert, recommendation, three decisions, decision, notification,
rapid review, three scoping requests and returns, meeting, three approvals, submission,
Panel response: 22 commands a case), each POST with an Idempotency-Key. Reports commands/s,
p50/p95/p99 latency and the CPU each command cost the server's processes and the load
generator, then, on the same database, the bare ``eventsourcing`` save rate (one aggregate
event per transaction, the same number of threads) and the ratio. ``--projector`` also runs
``tracker project`` and a probe (a process of its own) measuring the live lag: from a
command's answer until every read model has reached its position. The last line is the
figures and ratios as one JSON object. ``--no-group-commit`` runs the server without group
commit; ``--db`` names the database (dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from typing import Any
from uuid import uuid4

import httpx
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from application.acts import EXAMPLES
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from benchmarks.server import server_env, start_server
from tests.support.postgres import create_database, drop_database, postgres_settings

V1 = "/api/v1"
DB = "tracker_ingest"


def steps(case: str) -> list[tuple[str, dict[str, Any]]]:
    e = EXAMPLES
    c = f"{V1}/cases/{case}"
    out: list[tuple[str, dict[str, Any]]] = [
        (f"{c}/partners-alerted", e["alert_partners"]),
        (f"{c}/criteria-recommendation", e["recommend_criteria"]),
    ]
    for partner in ("local_authority", "police", "icb"):
        out.append((f"{c}/partner-decisions", {**e["record_partner_decision"], "partner": partner}))
    out += [
        (f"{c}/criteria-decision", e["decide_criteria"]),
        (f"{c}/panel-notification", e["notify_national_panel"]),
        (f"{c}/rapid-review", e["start_rapid_review"]),
    ]
    agencies = ("Metropolitan Police", "Health Visiting", "School")
    for a in agencies:
        out.append((f"{c}/scoping-requests", {**e["request_scoping"], "agency": a}))
    for a in agencies:
        completed_by = {**e["return_scoping"]["completed_by"], "agency": a}
        out.append(
            (
                f"{c}/scoping-returns",
                {**e["return_scoping"], "agency": a, "completed_by": completed_by},
            )
        )
    out.append((f"{c}/rapid-review-meeting", e["hold_meeting"]))
    for partner in ("local_authority", "police", "icb"):
        out.append((f"{c}/report-approvals", {**e["approve_report"], "partner": partner}))
    out += [
        (f"{c}/rapid-review-submission", e["submit_rapid_review"]),
        (f"{c}/panel-response", e["receive_panel_response"]),
    ]
    return out


async def client(
    url: str, key: str, until: float, latencies: list[float], errors: list[str]
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            r = await http.post(
                f"{V1}/cases/serious-incidents",
                json=EXAMPLES["refer_serious_incident"],
                headers={"Idempotency-Key": uuid4().hex},
            )
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 201:
                errors.append(r.text)
                continue
            for path, body in steps(r.json()["id"]):
                if time.perf_counter() >= until:
                    return
                t0 = time.perf_counter()
                r = await http.post(path, json=body, headers={"Idempotency-Key": uuid4().hex})
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors.append(r.text)


def probe_process(url: str, key: str, params: dict[str, str], until: float, out: Any) -> None:
    """``probe`` in a process of its own (its timing is not held up by the load
    generator's event loop, which would hold the GIL): the lags go back through ``out``."""
    lags: list[float] = []
    probe(url, key, params, until, lags)
    out.put(lags)


def probe(url: str, key: str, params: dict[str, str], until: float, lags: list[float]) -> None:
    """Every 50 ms during the load (until ``until``, wall clock): one command, then how long
    until every read model's position in rm_tracking has reached the position it returned."""
    import psycopg

    headers = {"Authorization": f"Bearer {key}"}
    with (
        httpx.Client(base_url=url, headers=headers, timeout=30) as http,
        psycopg.connect(
            host=params["host"],
            port=params["port"],
            user=params["user"],
            dbname=params["dbname"],
            autocommit=True,
        ) as db,
    ):
        deadline = time.perf_counter() + 60
        while True:  # until the projector has made its tables, then let it catch up
            try:
                db.execute("SELECT 1 FROM rm_tracking LIMIT 1")
                break
            except psycopg.errors.UndefinedTable:
                if time.perf_counter() > deadline:
                    raise
                time.sleep(0.2)
        time.sleep(2)
        while time.time() < until - 1:
            r = http.post(f"{V1}/cases/serious-incidents", json=EXAMPLES["refer_serious_incident"])
            returned = time.perf_counter()
            position = r.json()["position"]
            while time.perf_counter() - returned < 10:
                row = db.execute("SELECT MIN(position) FROM rm_tracking").fetchone()
                if row and row[0] is not None and row[0] >= position:
                    lags.append(time.perf_counter() - returned)
                    break
                time.sleep(0.002)
            time.sleep(0.05)


class Counter(Aggregate):
    @event("Incremented")
    def increment(self) -> None:
        pass


def bare_save_rate(settings: Settings, threads: int, seconds: float) -> float:
    """Saves per second of a one-event aggregate command with the bare library."""
    app: Application[Any] = Application(
        env={**settings.eventsourcing_env(), "AGGREGATE_CACHE_MAXSIZE": "0"}
    )
    done = [0] * threads
    until = time.perf_counter() + seconds

    def work(i: int) -> None:
        agg = Counter()
        app.save(agg)
        while time.perf_counter() < until:
            agg.increment()
            app.save(agg)
            done[i] += 1

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - started
    app.close()
    return sum(done) / elapsed


def cpu_seconds(root: int) -> float:
    """User and system CPU seconds of process ``root`` and its live descendants (/proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {root}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    return sum(times.get(p, 0.0) for p in tree)


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--encrypt", action="store_true")
    parser.add_argument("--db", default=DB, help=f"the database's name (default {DB})")
    parser.add_argument(
        "--group-commit",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the server's group commit (TRACKER_GROUP_COMMIT)",
    )
    parser.add_argument(
        "--projector",
        action="store_true",
        help="also run `tracker project` and measure how long a command takes to reach the "
        "read models (live lag)",
    )
    args = parser.parse_args()

    params = create_database(args.db)
    key64 = Settings(_env_file=None).encryption_key.get_secret_value()
    if args.encrypt:
        import base64

        key64 = base64.b64encode(os.urandom(32)).decode()
    settings = postgres_settings(
        params, args.db, encryption_key=key64, postgres_pool_size=args.clients
    )
    tracker = Safeguarding(settings)
    key = issue_key(tracker, principal_id="bench", role="partnership", partnerships=["LEW"])[0]
    tracker.close()

    env = server_env(
        params,
        args.db,
        args.clients,
        TRACKER_ENCRYPTION_KEY=key64,
        TRACKER_GROUP_COMMIT=str(args.group_commit).lower(),
    )
    url, server = start_server(env, args.workers)
    projector = (
        subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "project", "--quiet", "--poll", "0.05"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        if args.projector
        else None
    )
    lags: list[float] = []
    try:
        latencies: list[float] = []
        errors: list[str] = []

        async def run() -> float:
            until = time.perf_counter() + (load_ends - time.time())
            started = time.perf_counter()
            await asyncio.gather(
                *(client(url, key, until, latencies, errors) for _ in range(args.clients))
            )
            return time.perf_counter() - started

        load_ends = time.time() + args.seconds  # the load's end, and the probe's
        spawn = multiprocessing.get_context("spawn")
        answers = spawn.Queue()
        prober = (
            spawn.Process(target=probe_process, args=(url, key, params, load_ends, answers))
            if projector
            else None
        )
        if prober:
            prober.start()
        server_cpu = cpu_seconds(server.pid)
        client_cpu = time.process_time()
        elapsed = asyncio.run(run())
        server_cpu = cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        if prober:
            lags = answers.get(timeout=120)
            prober.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if projector:
            projector.terminate()
            projector.wait(timeout=30)
    rate = len(latencies) / elapsed
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"clients={args.clients} workers={args.workers} seconds={args.seconds}")
    print(f"commands {len(latencies):,} in {elapsed:.1f}s: {rate:,.0f} commands/s")
    print(f"errors {len(errors)}")
    print(
        f"CPU per command: server {server_cpu / len(latencies) * 1000:.2f} ms "
        f"({server_cpu / elapsed:.0%} of a core), load generator "
        f"{client_cpu / len(latencies) * 1000:.2f} ms ({client_cpu / elapsed:.0%} of a core)"
    )
    print(
        f"latency p50 {pct(latencies, 50):.1f} ms  p95 {pct(latencies, 95):.1f} ms  "
        f"p99 {pct(latencies, 99):.1f} ms"
    )
    if errors:
        print("first error:", errors[0][:300])
    if lags:
        print(
            f"live lag (command returned -> read models at its position), {len(lags)} probes: "
            f"p50 {pct(lags, 50):.1f} ms  p95 {pct(lags, 95):.1f} ms  p99 {pct(lags, 99):.1f} ms"
        )
    bare = bare_save_rate(settings, args.clients, min(args.seconds, 15))
    print(f"bare eventsourcing saves/s (same database, {args.clients} threads): {bare:,.0f}")
    print(f"ratio commands/s : bare saves/s = {rate / bare:.2f}")
    drop_database(args.db)
    ratios: dict[str, Any] = {
        "benchmark": "ingest",
        "clients": args.clients,
        "workers": args.workers,
        "group_commit": args.group_commit,
        "commands_per_s": round(rate, 1),
        "p99_ms": round(pct(latencies, 99), 1),
        "bare_saves_per_s": round(bare, 1),
        "ratio": round(rate / bare, 3),
        "errors": len(errors),
        "server_cpu_ms_per_command": round(server_cpu / len(latencies) * 1000, 2),
        "client_cpu_ms_per_command": round(client_cpu / len(latencies) * 1000, 2),
    }
    if lags:
        ratios["live_lag_p99_ms"] = round(pct(lags, 99), 1)
        ratios["live_lag_probes"] = len(lags)
    print(json.dumps(ratios))


if __name__ == "__main__":
    main()
