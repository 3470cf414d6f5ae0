"""Fixtures shared by every test: a real store (SQLite file or PostgreSQL schema), a
clock the test moves, and the write side on top of them, built by the composition root
(``entrypoints/bootstrap.py``) as every process builds its own.

Tests that touch storage take the ``backend`` fixture and so run twice: once on SQLite and
once on PostgreSQL (started by ``scripts/test`` when none is running).
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from tests.support.clock import FakeClock
from tests.support.postgres import conninfo, create_database, drop_database, postgres_params
from tests.support.receivers import SmtpReceiver

TEST_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[dict[str, str]]:
    """One database for the session; each test gets its own schema in it."""
    name = f"tracker_test_{os.getpid()}"
    params = create_database(name)
    yield params
    drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Settings values pointing at a fresh, empty store for this test."""
    key_file = tmp_path / "encryption-key.txt"  # made by the first run, as var/'s would be
    if backend == "sqlite":
        yield {
            "database": "sqlite",
            "sqlite_path": tmp_path / "tracker.sqlite",
            "encryption_key_file": key_file,
        }
        return
    params: dict[str, str] = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(conninfo(params), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    yield {
        "database": "postgres",
        "postgres_host": params["host"],
        "postgres_port": int(params["port"]),
        "postgres_user": params["user"],
        "postgres_password": params.get("password", ""),
        "postgres_dbname": params["dbname"],
        "postgres_schema": schema,
        "encryption_key_file": key_file,
    }
    with psycopg.connect(conninfo(params), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def make_settings(store: dict[str, Any]) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        # The scheduler is tested on its own (tests/integration/scheduler/ and
        # tests/e2e/entrypoints/test_scheduler_processes.py): elsewhere no scheduler thread
        # appends reminders behind a test's back.
        values = {"env": "test", "compress": True, "scheduler_in_api": False, **store, **overrides}
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """A real SMTP server on loopback that keeps every message it accepts."""
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
def make_tracker(
    make_settings: Callable[..., Settings], clock: FakeClock
) -> Iterator[Callable[..., Safeguarding]]:
    """Build Trackers on this test's store (several may share it, like processes do)."""
    made: list[Safeguarding] = []

    def make(**overrides: Any) -> Safeguarding:
        app = bootstrap.safeguarding(make_settings(**overrides), clock=clock)
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


@pytest.fixture
def tracker(make_tracker: Callable[..., Safeguarding]) -> Safeguarding:
    return make_tracker()


def pytest_report_header() -> str:
    p = postgres_params()
    return f"postgres: {p['user']}@{p['host']}:{p['port']}"
