"""The read-model database: the same SQLite file or PostgreSQL schema as the event store.

A thin DB-API layer so each read model writes plain SQL once for both engines: statements
use ``?`` placeholders (rewritten to ``%s`` for psycopg) and portable types.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Protocol

import psycopg
from psycopg import sql

from application.settings import Database, Settings


def iso(d: date | None) -> str | None:
    """A date as read-model columns store it (ISO text: sortable, portable)."""
    return d.isoformat() if d else None


def from_iso(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


class Cursor(Protocol):
    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


def insert_rows(c: Any, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
    """Append rows fast: COPY on PostgreSQL, one prepared INSERT on SQLite."""
    if not rows:
        return
    if isinstance(c, _PgCursor):
        with c.raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        return
    marks = ", ".join("?" * len(rows[0]))
    c.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def delete_where_in(c: Any, table: str, column: str, values: Sequence[Any]) -> None:
    """Delete the rows whose ``column`` is one of ``values``, in one statement on PostgreSQL."""
    if not values:
        return
    if isinstance(c, _PgCursor):
        c.raw.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", (list(values),))  # noqa: S608
        return
    c.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(v,) for v in values])  # noqa: S608


def add_counts(c: Any, table: str, keys: str, value: str, delta: Counter[tuple[Any, ...]]) -> None:
    """Add ``delta`` (key columns' values -> how many more) to the counts kept in
    ``table``: a row per key counted, made on first use."""
    changed = [(*k, n) for k, n in sorted(delta.items()) if n]
    if not changed:
        return
    marks = ", ".join("?" * len(changed[0]))
    c.executemany(
        f"INSERT INTO {table} ({keys}, {value}) VALUES ({marks}) "  # noqa: S608 - our table
        f"ON CONFLICT ({keys}) DO UPDATE SET {value} = {table}.{value} + excluded.{value}",
        changed,
    )
    fallen = [k for k, n in sorted(delta.items()) if n < 0]
    if fallen:  # a count that falls to 0 goes, as if never counted (a rebuild has none)
        match = " AND ".join(f"{k} = ?" for k in keys.split(", "))
        c.executemany(f"DELETE FROM {table} WHERE {match} AND {value} = 0", fallen)  # noqa: S608


def rows_where_in(
    c: Any, table: str, columns: str, column: str, values: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows whose ``column`` is one of ``values`` (500 at a time)."""
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(values), 500):
        chunk = list(values[start : start + 500])
        c.execute(
            f"SELECT {columns} FROM {table} "  # noqa: S608 - our table
            f"WHERE {column} IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        found += [tuple(r) for r in c.fetchall()]
    return found


def is_empty(c: Any, table: str) -> bool:
    c.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - our table
    return c.fetchone() is None


class _PgCursor:
    """psycopg with ``?`` placeholders, so statements are written once."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._c = cursor
        self.raw = cursor

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self._c.execute(statement.replace("?", "%s"), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self._c.executemany(statement.replace("?", "%s"), rows)

    def fetchall(self) -> list[Any]:
        return self._c.fetchall()

    def fetchone(self) -> Any:
        return self._c.fetchone()


def pg_connect(settings: Settings, application_name: str = "tracker") -> psycopg.Connection[Any]:
    """A connection of its own (autocommit) to the configured database and schema."""
    s = settings
    conn = psycopg.connect(
        host=s.postgres_host,
        port=s.postgres_port,
        user=s.postgres_user,
        password=s.postgres_password.get_secret_value() or None,
        dbname=s.postgres_dbname,
        autocommit=True,
        connect_timeout=10,
        application_name=application_name,
    )
    if s.postgres_schema:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(s.postgres_schema)))
    return conn


class ReadStore:
    """Connections to the read-model database, one transaction at a time per store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.is_postgres = settings.database is Database.POSTGRES
        self._sqlite: sqlite3.Connection | None = None
        self._pg: psycopg.Connection[Any] | None = None
        self._lock_conn: psycopg.Connection[Any] | None = None
        self._listen_conn: psycopg.Connection[Any] | None = None

    def _pg_connection(self) -> psycopg.Connection[Any]:
        return pg_connect(self.settings)  # transactions are explicit: see transaction()

    def _connect(self) -> None:
        if self.is_postgres:
            self._pg = self._pg_connection()
        else:
            path = str(self.settings.sqlite_path)
            # one transaction at a time, but maybe from another thread than the one that
            # opened it (a scheduler job thread; closing at shutdown)
            self._sqlite = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self._sqlite.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One atomic unit: every write in it, or none."""
        if self._sqlite is None and self._pg is None:
            self._connect()
        if self._pg is not None:
            with self._pg.transaction(), self._pg.cursor() as pg_cursor:
                yield _PgCursor(pg_cursor)
            return
        assert self._sqlite is not None
        cursor = self._sqlite.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")

    def serialise(self, cursor: Cursor, name: str) -> None:
        """Take turns with other processes for the rest of this transaction (PostgreSQL: a
        transaction advisory lock; an SQLite transaction here already holds the file's write
        lock): two processes creating the same tables at once would otherwise both try to
        make each table's row type, and one would fail."""
        if self.is_postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"tracker:{name}",))

    # --- leadership and wake-ups (dedicated connections, held for the process's life) ----

    def try_lead(self, name: str) -> bool:
        """Become the one writer of ``name``: a PostgreSQL session advisory lock, released
        when this process's connection closes (or the process dies). SQLite is embedded:
        one process, always the leader."""
        if not self.is_postgres:
            return True
        if self._lock_conn is None:
            self._lock_conn = self._pg_connection()
        row = self._lock_conn.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s))", (f"tracker:{name}",)
        ).fetchone()
        return bool(row and row[0])

    def wait_for_events(self, channel: str, timeout: float) -> None:
        """Sleep until the event store notifies ``channel`` (PostgreSQL) or ``timeout``."""
        if not self.is_postgres:
            time.sleep(timeout)
            return
        if self._listen_conn is None:
            self._listen_conn = self._pg_connection()
            self._listen_conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        for _ in self._listen_conn.notifies(timeout=timeout, stop_after=1):
            pass

    def close(self) -> None:
        for conn in (self._lock_conn, self._listen_conn):
            if conn is not None:
                conn.close()
        self._lock_conn = self._listen_conn = None
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
