"""Migrations of the tables kept beside the events (Alembic).

The events' own tables belong to the ``eventsourcing`` library, which creates them; the read
models are rebuilt from the events whenever their shape changes. Everything else the
service keeps -- the access log, the verifiable log's leaves, nodes and checkpoints, the
outbox, webhook subscriptions, the web tracker's sessions -- is shaped by the revisions in
``versions/``, applied in order, each once, recorded in ``alembic_version`` beside them
(in the event store's PostgreSQL schema, or the SQLite file).

``upgrade`` brings a store to the newest revision: ``tracker migrate`` runs it, and so does
every process at start (``tracker serve``, ``project``, ``schedule``) and the first use of a
side table in a process that did not (tests, the generator), so a store is never used in an
older shape. Processes starting together take turns: an advisory lock on PostgreSQL, an
immediate (write-locking) transaction on SQLite; whoever comes second finds the work done.

The first revision adopts a store made by an earlier release (which created these tables
when first used, ``CREATE ... IF NOT EXISTS``): every statement in it is idempotent, and a
later revision that alters a table checks what is there.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.postgres import PostgresDatastore

# the newest revision in versions/ (tests/unit/application/test_migrations.py checks)
HEAD = "0002"
SCRIPTS = Path(__file__).parent
_LOCK = "tracker:migrations"


@dataclass(frozen=True)
class Migrated:
    """What ``upgrade`` found and left: revisions (``None``: no revision recorded yet)."""

    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def current(datastore: Any) -> str | None:
    """The revision the store is at (``None`` before the first)."""
    if isinstance(datastore, PostgresDatastore):
        name = f"{_quoted(datastore.schema)}.alembic_version"
        with datastore.transaction(commit=False) as c:
            c.execute("SELECT to_regclass(%s) AS t", (name,))
            row = c.fetchone()
            if row is None or row["t"] is None:
                return None
            c.execute(f"SELECT version_num FROM {name}")  # noqa: S608
            found = c.fetchone()
            return None if found is None else str(found["version_num"])
    with datastore.transaction(commit=False) as c:
        c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        if c.fetchone() is None:
            return None
        c.execute("SELECT version_num FROM alembic_version")
        found = c.fetchone()
        return None if found is None else str(found[0])


def upgrade(datastore: Any, revision: str = "head") -> Migrated:
    """Apply every revision the store lacks (up to ``revision``), in one transaction,
    taking turns with any other process doing the same."""
    return _move(datastore, "upgrade", revision)


def downgrade(datastore: Any, revision: str) -> Migrated:
    """Reverse the revisions after ``revision`` (for a release rolled back), in one
    transaction: all of them or, when one cannot be reversed, none."""
    return _move(datastore, "downgrade", revision)


def _move(datastore: Any, direction: str, revision: str) -> Migrated:
    from alembic import command

    with _connection(datastore) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(hashtext(%(lock)s))", {"lock": _LOCK}
            )
        before = _version(connection, _schema(datastore))
        getattr(command, direction)(_config(datastore, connection), revision)
        after = _version(connection, _schema(datastore))
    if after == HEAD:
        _ready.add(datastore)
    else:
        _ready.discard(datastore)
    return Migrated(before, after)


def revisions() -> list[str]:
    """Every revision in ``versions/``, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    scripts = ScriptDirectory.from_config(config)
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


_ready: weakref.WeakSet[Any] = weakref.WeakSet()
_ready_lock = threading.Lock()


def ensure(datastore: Any) -> None:
    """Make sure the store is at the newest revision, once per process (a single read
    when it already is)."""
    if datastore in _ready:
        return
    with _ready_lock:
        if datastore in _ready:
            return
        if current(datastore) != HEAD:
            upgrade(datastore)
        _ready.add(datastore)


# ---------------------------------------------------------------------- for the revisions


def run(postgres: Sequence[str], sqlite: Sequence[str]) -> None:
    """Execute a revision's statements for the store's dialect, one at a time;
    ``{s}`` in a PostgreSQL statement is the event store's (quoted) schema."""
    from alembic import op

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = _quoted(op.get_context().version_table_schema or "public")
        for statement in postgres:
            bind.exec_driver_sql(statement.replace("{s}", schema))
    else:
        for statement in sqlite:
            bind.exec_driver_sql(statement)


def sqlite_columns(table: str) -> set[str]:
    """The columns an SQLite table has (for a revision that adds some)."""
    from alembic import op

    rows = op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})").fetchall()
    return {str(r[1]) for r in rows}


# ---------------------------------------------------------------------- connections


def _quoted(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def _schema(datastore: Any) -> str | None:
    return str(datastore.schema) if isinstance(datastore, PostgresDatastore) else None


def _config(datastore: Any, connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    config.attributes["schema"] = _schema(datastore)
    return config


def _version(connection: Any, schema: str | None) -> str | None:
    from sqlalchemy import inspect

    if not inspect(connection).has_table("alembic_version", schema=schema):
        return None
    table = "alembic_version" if schema is None else f"{_quoted(schema)}.alembic_version"
    row = connection.exec_driver_sql(f"SELECT version_num FROM {table}").first()  # noqa: S608
    return None if row is None else str(row[0])


@contextmanager
def _connection(datastore: Any) -> Iterator[Any]:
    """A SQLAlchemy connection to the event store's database."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool, StaticPool

    if isinstance(datastore, PostgresDatastore):
        import psycopg

        kwargs = datastore.pool.kwargs  # what the library's pool connects with
        given = kwargs() if callable(kwargs) else dict(kwargs or {})
        params = {k: v for k, v in given.items() if k != "row_factory"}
        engine = create_engine(
            "postgresql+psycopg://", creator=lambda: psycopg.connect(**params), poolclass=NullPool
        )
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(
                    f"CREATE SCHEMA IF NOT EXISTS {_quoted(datastore.schema)}"
                )
                connection.commit()
                yield connection
        finally:
            engine.dispose()
        return
    # SQLite: the event store's own connection (an in-memory store has no other), taken
    # from its pool as a writer; the library opens it in autocommit mode, so the
    # transaction is begun here, IMMEDIATE: it takes the file's write lock at once, and a
    # second process migrating meanwhile waits for it (its busy timeout) instead of
    # failing to upgrade a read lock.
    with datastore.get_connection(commit=True) as borrowed:
        raw = _Borrowed(borrowed._sqlite_conn)
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        with engine.connect() as connection:
            yield connection


class _Borrowed:
    """The event store's sqlite3 connection, lent to SQLAlchemy, which may not close it."""

    def __init__(self, raw: Any) -> None:
        object.__setattr__(self, "_raw", raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._raw, name, value)

    def close(self) -> None:
        """Left open: it goes back to the event store's pool."""
