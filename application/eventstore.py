"""The few questions the library's recorders do not answer, asked of their own tables."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql


def position_of(recorder: ApplicationRecorder, originator_id: UUID, version: int) -> int | None:
    """The notification id (log position) of one stored event, or None when absent."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid FROM {recorder.events_table_name} "  # noqa: S608 - library's name
                "WHERE originator_id=? AND originator_version=?",
                (originator_id.hex, version),
            )
            row = c.fetchone()
            return int(row[0]) if row else None
    if isinstance(recorder, PostgresApplicationRecorder):
        query = sql.SQL(
            "SELECT notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s AND originator_version = %s"
        ).format(
            schema=sql.Identifier(recorder.datastore.schema),
            table=sql.Identifier(recorder.events_table_name),
        )
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(query, (originator_id, version))
            pg_row = curs.fetchone()
            return int(pg_row["notification_id"]) if pg_row else None
    raise TypeError(f"unsupported recorder {type(recorder).__name__}")
