"""Tables kept beside the events (the access log, the outbox, webhook subscriptions): in the
same SQLite file or PostgreSQL schema, written through the event store's own connections,
so they share its transactions' durability and need no second database setting."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.postgres import PostgresDatastore


class SideTables:
    """Tables kept beside the events, reached through the event store's datastore: one
    SQL dialect (``?`` marks, turned into ``%s`` on PostgreSQL), schema-qualified names on
    PostgreSQL, instants as ISO-8601 UTC text on SQLite (so they sort as text)."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.postgres = isinstance(datastore, PostgresDatastore)
        self.schema = '"' + datastore.schema.replace('"', '""') + '"' if self.postgres else ""

    def table(self, name: str) -> str:
        return f"{self.schema}.{name}" if self.postgres else name

    @contextmanager
    def cursor(self, *, commit: bool) -> Iterator[Any]:
        with self.datastore.transaction(commit=commit) as c:
            yield c

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    def create(self, lock: str, postgres: Sequence[str], sqlite: Sequence[str]) -> None:
        """Run DDL once; on PostgreSQL under an advisory lock (a concurrent first use may
        race on CREATE), one statement at a time."""
        with self.cursor(commit=True) as c:
            if self.postgres:
                c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"tracker:{lock}",))
                for statement in postgres:
                    c.execute(statement.format(s=self.schema))
            else:
                for statement in sqlite:
                    c.execute(statement)

    def add_columns(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        """Add ``(name, declaration)`` columns a table made by an earlier release lacks
        (each declaration with a default, so its rows keep reading as before)."""
        with self.cursor(commit=True) as c:
            if self.postgres:
                c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"tracker:{table}",))
                for name, declaration in columns:
                    c.execute(
                        f"ALTER TABLE {self.table(table)} "
                        f"ADD COLUMN IF NOT EXISTS {name} {declaration}"
                    )
                return
            c.execute(f"PRAGMA table_info({table})")
            have = {self.row(r)["name"] for r in c.fetchall()}
            for name, declaration in columns:
                if name not in have:
                    c.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    def at(self, value: datetime | None) -> Any:
        """An instant as the database takes it."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants are timezone-aware")
        utc = value.astimezone(UTC)
        return utc if self.postgres else utc.isoformat(timespec="microseconds")

    @staticmethod
    def instant(value: Any) -> datetime | None:
        """An instant as the database gave it."""
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return datetime.fromisoformat(str(value)).astimezone(UTC)

    @staticmethod
    def row(r: Any) -> dict[str, Any]:
        return dict(r) if not isinstance(r, dict) else r
