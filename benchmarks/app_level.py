"""Benchmark: commands per second through the application layer alone (no HTTP).

    .venv/bin/python -m benchmarks.app_level [THREADS]     (default 1)

The same command stream as benchmarks/ingest.py, calling the Tracker's use cases directly
on a fresh PostgreSQL database: separates the application's cost from the web layer's.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from functools import cache
from typing import Any

from api.examples import EXAMPLES
from api.routes.commands import CASE_ACTS
from api.schemas import command_kwargs, command_model
from application.context import CommandContext, Principal
from application.service import Safeguarding
from benchmarks.ingest import steps
from domain.values import Role
from tests.support.postgres import create_database, drop_database, postgres_settings

ROUTE = {a.path: a.use_case for a in CASE_ACTS}
model = cache(command_model)


def kwargs(use_case: str, body: dict[str, Any]) -> dict[str, Any]:
    return command_kwargs(model(use_case).model_validate(body))


def main() -> None:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    params = create_database("tracker_app_level")
    settings = postgres_settings(params, "tracker_app_level", postgres_pool_size=max(threads, 2))
    tracker = Safeguarding(settings)
    principal = Principal("bench", Role.PARTNERSHIP, "bench", ("LEW",))
    done = [0] * threads
    until = time.perf_counter() + 12

    def ctx() -> CommandContext:
        return CommandContext(principal, idempotency_key=uuid.uuid4().hex)

    def work(i: int) -> None:
        while time.perf_counter() < until:
            referral = kwargs("refer_serious_incident", EXAMPLES["refer_serious_incident"])
            case_id = tracker.refer_serious_incident(ctx(), **referral).id
            done[i] += 1
            for path, body in steps(str(case_id)):
                if time.perf_counter() >= until:
                    return
                use_case = ROUTE[path.rsplit("/", 1)[1]]
                getattr(tracker, use_case)(ctx(), case_id, **kwargs(use_case, body))
                done[i] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    rate = sum(done) / (time.perf_counter() - started)
    print(f"threads={threads} application-level commands/s {rate:.0f}")
    tracker.close()
    drop_database("tracker_app_level")


if __name__ == "__main__":
    main()
