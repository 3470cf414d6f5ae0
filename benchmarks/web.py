"""Benchmark: the web tracker's pages against the GraphQL queries they make, on the same
data, in the same run.

    .venv/bin/python -m benchmarks.web [--cases 10000] [--requests 300] [--reuse]

Generates ``--cases`` synthetic cases into a fresh PostgreSQL database (``tracker_web``),
projects the read models, starts ``uvicorn`` (one worker) and signs in as partnership staff.
Then, one request at a time over loopback (so each latency is the server's time plus a
loopback round trip), ``--requests`` of each:

- the tracker page (``GET /``: 25 cases, next due first) and the GraphQL query it runs
  (``POST /graphql`` with the same document and the same key);
- a case page (``GET /cases/{id}``: details, clocks and their SVG timeline, history,
  integrity) and its GraphQL query.

Reports the median and p95 of each and the page / GraphQL ratio: what the session lookup,
the in-process GraphQL call and the templates cost on top of GraphQL over HTTP.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Any

import httpx

from application.generate import generate
from application.keys import issue_key
from application.service import Safeguarding
from benchmarks.server import server_env, start_server
from entrypoints import bootstrap
from tests.support.postgres import create_database, postgres_params, postgres_settings
from web.pages import case as case_page
from web.pages import tracker as tracker_page

DB = "tracker_web"


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def once(send: Any) -> float:
    """One call of ``send``, which must answer 200 (and no GraphQL errors), in ms."""
    started = time.perf_counter()
    answer = send()
    took = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, answer.text[:300]
    assert b'"errors"' not in answer.content[:20], answer.text[:300]
    return took


def timed(page: Any, query: Any, n: int) -> tuple[list[float], list[float]]:
    """``n`` calls of each, alternating (so a busier moment of the machine falls on both)."""
    for _ in range(5):  # warm up
        once(page), once(query)
    pages, queries = [], []
    for _ in range(n):
        pages.append(once(page))
        queries.append(once(query))
    return pages, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    args = parser.parse_args()

    params = postgres_params() if args.reuse else create_database(DB)
    settings = postgres_settings(params, DB)
    tracker = Safeguarding(settings)
    if not args.reuse:
        started = time.perf_counter()
        made = generate(tracker, args.cases, seed=16, batch=20)
        print(
            f"generated {made.cases:,} cases, {made.events:,} events in "
            f"{time.perf_counter() - started:.0f}s"
        )
    store = bootstrap.read_store(settings)
    projector = bootstrap.projector(tracker, store)
    projector.setup()
    started = time.perf_counter()
    projector.catch_up(5000)
    print(f"read models caught up in {time.perf_counter() - started:.0f}s")
    store.close()
    key = issue_key(tracker, principal_id="bench-staff", role="partnership", partnerships=["LEW"])[
        0
    ]
    tracker.close()

    env = server_env(
        params, DB, 4, TRACKER_PROJECTOR_IN_PROCESS="false", TRACKER_SCHEDULER_IN_API="false"
    )
    url, server = start_server(env, 1)
    try:
        graph = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})
        browser = httpx.Client(base_url=url)
        browser.get("/sign-in")
        signed = browser.post(
            "/sign-in",
            content=f"key={key}&csrf={browser.cookies['srt_sign_in']}&next=/",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert signed.status_code == 303, signed.text
        found = graph.post(
            "/graphql",
            json={
                "query": 'query { cases(first: 1, filter: {stage: ["panel_responded"]}) '
                "{ totalCount edges { node { id reference version } } } }"
            },
        ).json()["data"]["cases"]
        case = found["edges"][0]["node"]
        tracker_vars = {"filter": {}, "first": tracker_page.PAGE, "after": None}
        case_query = (
            f"query WebCase($id: ID!) {{ case(id: $id) {{ {case_page.TRACKED} "
            f"{case_page.DETAILS} }} {case_page.AUDIT} }}"
        )
        runs = [
            (
                f"tracker page ({tracker_page.PAGE} cases, next due first)",
                lambda: browser.get("/"),
                lambda: graph.post(
                    "/graphql", json={"query": tracker_page.CASES, "variables": tracker_vars}
                ),
            ),
            (
                f"case page ({case['reference']}, {case['version']} events)",
                lambda: browser.get(f"/cases/{case['id']}"),
                lambda: graph.post(
                    "/graphql", json={"query": case_query, "variables": {"id": case["id"]}}
                ),
            ),
        ]
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; {args.requests} requests each, one at a time, "
            "page and query alternating"
        )
        for name, page, query in runs:
            pages, queries = timed(page, query, args.requests)
            pm, gm = statistics.median(pages), statistics.median(queries)
            p95, g95 = pct(pages, 95), pct(queries, 95)
            print(
                f"{name}: page median {pm:.1f} ms, p95 {p95:.1f} ms; GraphQL median "
                f"{gm:.1f} ms, p95 {g95:.1f} ms; page/GraphQL {pm / gm:.2f} (median), "
                f"{p95 / g95:.2f} (p95)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
