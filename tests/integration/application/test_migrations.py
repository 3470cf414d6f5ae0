"""Migrations of the tables beside the events, on SQLite and PostgreSQL: a fresh store gets
every table; a store an earlier release made (tables created when first used, no revision
recorded) is adopted without losing a row; revisions apply once; 0002 reverses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.postgres import PostgresDatastore

from application import migrations
from application.service import Safeguarding
from application.settings import Settings

TABLES = {
    "access_log",
    "log_leaves",
    "log_nodes",
    "log_checkpoints",
    "outbox_tracking",
    "outbox_deliveries",
    "webhook_subscriptions",
    "web_sessions",
}

# What a release before migrations created when a table was first used: webhook
# subscriptions and the outbox's deliveries as commit 34cb094 made them (no filters; the
# index since replaced), and an access log without its append-only triggers.
_EARLIER_PG = (
    "CREATE TABLE {s}.webhook_subscriptions ("
    "id BIGSERIAL PRIMARY KEY, partnership TEXT NOT NULL, agency TEXT NOT NULL, "
    "url TEXT NOT NULL, secret TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
    "created_by TEXT NOT NULL, idempotency_key TEXT, fingerprint TEXT NOT NULL, "
    "revoked_at TIMESTAMPTZ, revoked_by TEXT NOT NULL DEFAULT '', "
    "UNIQUE (created_by, idempotency_key))",
    "INSERT INTO {s}.webhook_subscriptions (partnership, agency, url, secret, created_at, "
    "created_by, fingerprint) VALUES ('lewisham', '', 'https://example.org/hook', "
    "'plain:x', now(), 'staff-1', 'f')",
    "CREATE TABLE {s}.access_log ("
    "id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL, principal_id TEXT NOT NULL, "
    "role TEXT NOT NULL, partnership TEXT NOT NULL, case_id TEXT NOT NULL, "
    "reference TEXT NOT NULL, fields TEXT NOT NULL, request_id TEXT NOT NULL, "
    "operation TEXT NOT NULL)",
    "INSERT INTO {s}.access_log (at, principal_id, role, partnership, case_id, reference, "
    "fields, request_id, operation) VALUES (now(), 'p', 'partnership', 'lewisham', 'c', "
    "'LSCP-1', 'summary', 'r', 'case')",
    "CREATE TABLE {s}.outbox_deliveries ("
    "id BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, "
    "channel TEXT NOT NULL, address TEXT NOT NULL, recipient TEXT NOT NULL, "
    "partnership TEXT NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL, "
    "stream_id TEXT NOT NULL, version INTEGER NOT NULL, position BIGINT NOT NULL, "
    "subscription_id BIGINT, payload TEXT NOT NULL, status TEXT NOT NULL, "
    "attempts INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
    "next_attempt_at TIMESTAMPTZ NOT NULL, claim TEXT, claimed_until TIMESTAMPTZ, "
    "last_attempt_at TIMESTAMPTZ, first_failed_at TIMESTAMPTZ, sent_at TIMESTAMPTZ, "
    "last_error TEXT NOT NULL, UNIQUE (source, channel, address))",
    "CREATE INDEX outbox_deliveries_due ON {s}.outbox_deliveries (status, next_attempt_at, id)",
)
_EARLIER_SQLITE = (
    "CREATE TABLE webhook_subscriptions ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, partnership TEXT NOT NULL, agency TEXT NOT NULL, "
    "url TEXT NOT NULL, secret TEXT NOT NULL, created_at TEXT NOT NULL, "
    "created_by TEXT NOT NULL, idempotency_key TEXT, fingerprint TEXT NOT NULL, "
    "revoked_at TEXT, revoked_by TEXT NOT NULL DEFAULT '', "
    "UNIQUE (created_by, idempotency_key))",
    "INSERT INTO webhook_subscriptions (partnership, agency, url, secret, created_at, "
    "created_by, fingerprint) VALUES ('lewisham', '', 'https://example.org/hook', "
    "'plain:x', '2026-11-01T09:00:00.000000+00:00', 'staff-1', 'f')",
    "CREATE TABLE access_log ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, principal_id TEXT NOT NULL, "
    "role TEXT NOT NULL, partnership TEXT NOT NULL, case_id TEXT NOT NULL, "
    "reference TEXT NOT NULL, fields TEXT NOT NULL, request_id TEXT NOT NULL, "
    "operation TEXT NOT NULL)",
    "INSERT INTO access_log (at, principal_id, role, partnership, case_id, reference, "
    "fields, request_id, operation) VALUES ('2026-11-01T09:00:00.000000+00:00', 'p', "
    "'partnership', 'lewisham', 'c', 'LSCP-1', 'summary', 'r', 'case')",
    "CREATE TABLE outbox_deliveries ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL UNIQUE, "
    "source TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL, "
    "recipient TEXT NOT NULL, partnership TEXT NOT NULL, kind TEXT NOT NULL, "
    "reference TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT NULL, "
    "position INTEGER NOT NULL, subscription_id INTEGER, payload TEXT NOT NULL, "
    "status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at TEXT NOT NULL, "
    "next_attempt_at TEXT NOT NULL, claim TEXT, claimed_until TEXT, last_attempt_at TEXT, "
    "first_failed_at TEXT, sent_at TEXT, last_error TEXT NOT NULL, "
    "UNIQUE (source, channel, address))",
    "CREATE INDEX outbox_deliveries_due ON outbox_deliveries (status, next_attempt_at, id)",
)


def tables(tracker: Safeguarding) -> set[str]:
    ds = tracker.datastore
    with ds.transaction(commit=False) as c:
        if isinstance(ds, PostgresDatastore):
            c.execute(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = %s",
                (ds.schema,),
            )
            return {r["name"] for r in c.fetchall()}
        c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r[0] for r in c.fetchall()}


def columns(tracker: Safeguarding, table: str) -> list[str]:
    ds = tracker.datastore
    with ds.transaction(commit=False) as c:
        if isinstance(ds, PostgresDatastore):
            c.execute(
                "SELECT column_name AS name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                (ds.schema, table),
            )
            return [r["name"] for r in c.fetchall()]
        c.execute(f"PRAGMA table_info({table})")
        return [r[1] for r in c.fetchall()]


def indexes(tracker: Safeguarding, table: str) -> set[str]:
    ds = tracker.datastore
    with ds.transaction(commit=False) as c:
        if isinstance(ds, PostgresDatastore):
            c.execute(
                "SELECT indexname AS name FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
                (ds.schema, table),
            )
            return {r["name"] for r in c.fetchall()}
        c.execute(f"PRAGMA index_list({table})")
        return {r[1] for r in c.fetchall()}


def execute(tracker: Safeguarding, postgres: tuple[str, ...], sqlite: tuple[str, ...]) -> None:
    ds = tracker.datastore
    pg = isinstance(ds, PostgresDatastore)
    schema = '"' + ds.schema + '"' if pg else ""
    with ds.transaction(commit=True) as c:
        for statement in postgres if pg else sqlite:
            c.execute(statement.replace("{s}", schema))


def rows(tracker: Safeguarding, statement: str) -> list[tuple[Any, ...]]:
    ds = tracker.datastore
    pg = isinstance(ds, PostgresDatastore)
    with ds.transaction(commit=False) as c:
        c.execute(statement.replace("{s}", '"' + ds.schema + '".' if pg else ""))
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in c.fetchall()]


@pytest.fixture
def tracker(make_settings: Callable[..., Settings]) -> Any:
    made = Safeguarding(make_settings())
    yield made
    made.close()


def test_a_fresh_store_gets_every_table_at_the_newest_revision(tracker: Safeguarding) -> None:
    assert migrations.current(tracker.datastore) is None
    assert not TABLES & tables(tracker)

    done = migrations.upgrade(tracker.datastore)

    assert (done.before, done.after) == (None, migrations.HEAD)
    assert TABLES | {"alembic_version"} <= tables(tracker)
    assert migrations.current(tracker.datastore) == migrations.HEAD
    assert columns(tracker, "webhook_subscriptions")[-2:] == ["event_types", "from_position"]
    again = migrations.upgrade(tracker.datastore)  # each revision applies once
    assert not again.changed
    assert rows(tracker, "SELECT version_num FROM {s}alembic_version") == [(migrations.HEAD,)]


def test_a_store_made_before_migrations_is_adopted_with_its_rows(
    tracker: Safeguarding,
) -> None:
    execute(tracker, _EARLIER_PG, _EARLIER_SQLITE)

    done = migrations.upgrade(tracker.datastore)

    assert (done.before, done.after) == (None, migrations.HEAD)
    assert tables(tracker) >= TABLES
    # the earlier subscription keeps hearing of every event type from the start of the log
    assert rows(
        tracker,
        "SELECT url, event_types, from_position FROM {s}webhook_subscriptions",
    ) == [("https://example.org/hook", "", 0)]
    assert rows(tracker, "SELECT reference, fields FROM {s}access_log") == [("LSCP-1", "summary")]
    assert "outbox_deliveries_due" not in indexes(tracker, "outbox_deliveries")
    assert "outbox_deliveries_claimable" in indexes(tracker, "outbox_deliveries")
    # the access log made by the earlier release is append-only now too
    with pytest.raises(Exception, match="append-only"):
        execute(
            tracker,
            ("UPDATE {s}.access_log SET reference = 'changed'",),
            ("UPDATE access_log SET reference = 'changed'",),
        )
    assert rows(tracker, "SELECT reference FROM {s}access_log") == [("LSCP-1",)]


def test_the_second_revision_reverses_and_applies_again(tracker: Safeguarding) -> None:
    migrations.upgrade(tracker.datastore)
    execute(
        tracker,
        (
            "INSERT INTO {s}.webhook_subscriptions (partnership, agency, url, secret, "
            "created_at, created_by, fingerprint, event_types, from_position) VALUES "
            "('lewisham', '', 'https://example.org/a', 'plain:x', now(), 's', 'f', "
            "'case.breached', 7)",
        ),
        (
            "INSERT INTO webhook_subscriptions (partnership, agency, url, secret, created_at, "
            "created_by, fingerprint, event_types, from_position) VALUES ('lewisham', '', "
            "'https://example.org/a', 'plain:x', '2026-11-01T09:00:00+00:00', 's', 'f', "
            "'case.breached', 7)",
        ),
    )

    down = migrations.downgrade(tracker.datastore, "0001")
    assert (down.before, down.after) == ("0002", "0001")
    assert "event_types" not in columns(tracker, "webhook_subscriptions")

    up = migrations.upgrade(tracker.datastore)
    assert (up.before, up.after) == ("0001", "0002")
    # the row survives; its filters come back as the defaults (all types, from the start)
    assert rows(
        tracker, "SELECT url, event_types, from_position FROM {s}webhook_subscriptions"
    ) == [("https://example.org/a", "", 0)]


def test_the_first_revision_does_not_reverse(tracker: Safeguarding) -> None:
    migrations.upgrade(tracker.datastore)
    with pytest.raises(NotImplementedError, match="append-only"):
        migrations.downgrade(tracker.datastore, "base")
    assert migrations.current(tracker.datastore) == migrations.HEAD  # nothing undone
    assert tables(tracker) >= TABLES


def test_first_use_of_a_side_table_migrates_the_store(tracker: Safeguarding) -> None:
    from application.access import AccessLog

    AccessLog(tracker.datastore).setup()
    assert migrations.current(tracker.datastore) == migrations.HEAD
    assert tables(tracker) >= TABLES
