"""Tables kept beside the events (the access log, the outbox, webhook subscriptions): in the
same SQLite file or PostgreSQL schema, written through the event store's own connections,
so they share its transactions' durability and need no second database setting. Their
shape is made by the migrations (``application/migrations``), never here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from application import migrations


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

    def setup(self) -> None:
        """Bring the store's tables to the newest migration (once per process; a single
        read when they already are: ``application.migrations``)."""
        migrations.ensure(self.datastore)

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
