"""Benchmark: commands per second through the application layer alone (no HTTP).

    .venv/bin/python -m benchmarks.app_level [THREADS] [--sqlite] [--no-group-commit]

The same command stream as benchmarks/ingest.py, performing the acts through the
application directly on a fresh PostgreSQL database (or SQLite file): separates the
application's cost from the web layer's, and shows what group commit gives on each store
(THREADS commands at once in one process).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from api.schemas import command_kwargs, command_model
from application.acts import CASE_ACTS, Act, ReferSeriousIncident
from application.context import CommandContext, Principal
from application.service import Safeguarding
from application.settings import Settings
from benchmarks.ingest import steps
from domain.values import Role
from tests.support.postgres import create_database, drop_database, postgres_settings

DB = "writes_app_level"
ROUTE = {a.path: a for a in CASE_ACTS}
MODELS = {a: command_model(a) for a in (*CASE_ACTS, ReferSeriousIncident)}


def kwargs(act: type[Act], body: dict[str, Any]) -> dict[str, Any]:
    return command_kwargs(MODELS[act].model_validate(body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("threads", type=int, nargs="?", default=1)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--group-commit", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    threads = args.threads
    folder = tempfile.mkdtemp()
    if args.sqlite:
        settings = Settings(
            _env_file=None,
            database="sqlite",
            sqlite_path=Path(folder) / "tracker.sqlite",
            encryption_key_file=Path(folder) / "key.txt",
            group_commit=args.group_commit,
        )
    else:
        params = create_database(DB)
        settings = postgres_settings(
            params, DB, postgres_pool_size=max(threads, 2), group_commit=args.group_commit
        )
    tracker = Safeguarding(settings)
    principal = Principal("bench", Role.PARTNERSHIP, "bench", ("LEW",))
    done = [0] * threads
    until = time.perf_counter() + 12

    def ctx() -> CommandContext:
        return CommandContext(principal, idempotency_key=uuid.uuid4().hex)

    def work(i: int) -> None:
        while time.perf_counter() < until:
            referral = kwargs(ReferSeriousIncident, ReferSeriousIncident.example)
            case_id = tracker.execute(ctx(), ReferSeriousIncident(**referral)).id
            done[i] += 1
            for path, body in steps(str(case_id)):
                if time.perf_counter() >= until:
                    return
                act = ROUTE[path.rsplit("/", 1)[1]]
                tracker.execute(ctx(), act(case_id=case_id, **kwargs(act, body)))
                done[i] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    rate = sum(done) / (time.perf_counter() - started)
    store = "sqlite" if args.sqlite else "postgres"
    print(f"threads={threads} application-level commands/s {rate:.0f}")
    tracker.close()
    if not args.sqlite:
        drop_database(DB)
    shutil.rmtree(folder)
    print(
        json.dumps(
            {
                "benchmark": "app_level",
                "store": store,
                "threads": threads,
                "group_commit": args.group_commit,
                "commands_per_s": round(rate, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
