"""Benchmark: events appended per second by ``tracker generate``, SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.generate [--cases 5000] [--batch 10] [--encrypt]

Writes into a fresh SQLite file and a fresh PostgreSQL database (``tracker_bench``, on the
TEST_POSTGRES_* / 127.0.0.1:5432 server) and prints one line per store. Results and the
machine they ran on are recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import tempfile
import time
from pathlib import Path

from application.generate import generate
from application.service import Safeguarding
from application.settings import Settings
from tests.support.postgres import create_database, drop_database, postgres_settings


def run(settings: Settings, cases: int, batch: int) -> tuple[int, float]:
    app = Safeguarding(settings)
    started = time.perf_counter()
    stats = generate(app, cases, seed=1, batch=batch)
    seconds = time.perf_counter() - started
    app.close()
    return stats.events, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--encrypt", action="store_true", help="AES-encrypt event state")
    args = parser.parse_args()
    key = base64.b64encode(os.urandom(32)).decode() if args.encrypt else ""
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"cases={args.cases} batch={args.batch} encrypted={args.encrypt} compressed=True")

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Settings(
            _env_file=None, sqlite_path=Path(tmp) / "bench.sqlite", encryption_key=key
        )
        events, seconds = run(sqlite, args.cases, args.batch)
        print(f"sqlite    {events:>9,} events {seconds:7.1f}s {events / seconds:>9,.0f} events/s")

    params = create_database("tracker_bench")
    try:
        pg = postgres_settings(params, params["dbname"], encryption_key=key)
        events, seconds = run(pg, args.cases, args.batch)
        print(f"postgres  {events:>9,} events {seconds:7.1f}s {events / seconds:>9,.0f} events/s")
    finally:
        drop_database("tracker_bench")


if __name__ == "__main__":
    main()
