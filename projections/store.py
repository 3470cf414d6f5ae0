"""The read-model database: the same SQLite file or PostgreSQL schema as the event store.

A thin DB-API layer so each read model writes plain SQL once for both engines: statements
use ``?`` placeholders (rewritten to ``%s`` for psycopg) and portable types.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from psycopg import sql

from application.settings import Database, Settings


class Cursor(Protocol):
    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


class _PgCursor:
    """psycopg with ``?`` placeholders, so statements are written once."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._c = cursor

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self._c.execute(statement.replace("?", "%s"), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self._c.executemany(statement.replace("?", "%s"), rows)

    def fetchall(self) -> list[Any]:
        return self._c.fetchall()

    def fetchone(self) -> Any:
        return self._c.fetchone()


class ReadStore:
    """Connections to the read-model database, one transaction at a time per store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.is_postgres = settings.database is Database.POSTGRES
        self._sqlite: sqlite3.Connection | None = None
        self._pg: psycopg.Connection[Any] | None = None

    def _connect(self) -> None:
        s = self.settings
        if self.is_postgres:
            self._pg = psycopg.connect(
                host=s.postgres_host,
                port=s.postgres_port,
                user=s.postgres_user,
                password=s.postgres_password.get_secret_value() or None,
                dbname=s.postgres_dbname,
                autocommit=True,  # transactions are explicit: see transaction()
            )
            if s.postgres_schema:
                self._pg.execute(
                    sql.SQL("SET search_path TO {}").format(sql.Identifier(s.postgres_schema))
                )
        else:
            self._sqlite = sqlite3.connect(str(s.sqlite_path), timeout=30, isolation_level=None)
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

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
