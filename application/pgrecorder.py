"""A PostgreSQL recorder that appends events in one round trip, in commit order.

The library's default recorder pipelines SET LOCAL / LOCK TABLE / NOTIFY / INSERT / COMMIT
(about 4 ms a save here); its optional database function does it in one call (about
1.5 ms) but without the table lock, so notification ids could commit out of order and a
projection tailing the log could pass over an event committed late. This recorder installs
the same function *with* the lock: one round trip, ids still committed in order.

With group commit (``enable_group_commit``: ``application.groupcommit``) concurrent appends
go together through a second function, one round trip and one transaction for the group:
the lock taken once, each append inserted in its own exception block, so an append that
meets a unique violation (an event already stored at its version) is refused alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier, Literal

from application.groupcommit import GroupCommitting, Outcome


class OrderedInsertRecorder(GroupCommitting, PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.sql_create_pg_function_insert_events = SQL(
            "CREATE OR REPLACE FUNCTION "
            "{schema}.{insert_events}(events {schema}.{event}[]) "
            "RETURNS SETOF bigint "
            "LANGUAGE plpgsql "
            "AS "
            "$BODY$"
            "BEGIN"
            "    SET LOCAL lock_timeout = '{lock_timeout}s';"
            "    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
            "    NOTIFY {channel};"
            "    RETURN QUERY"
            "    INSERT INTO {schema}.{table} AS t ("
            "    originator_id, originator_version, topic, state)"
            "    SELECT originator_id, originator_version, topic, state"
            "    FROM unnest(events)"
            "    RETURNING notification_id;"
            "END;"
            "$BODY$"
        ).format(
            insert_events=Identifier(self.pg_function_name_insert_events),
            lock_timeout=self.datastore.lock_timeout,
            channel=Identifier(self.channel_name),
            event=Identifier(self.stored_event_type_name),
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
        )
        index = self.create_insert_function_statement_index
        self.sql_create_statements[index] = self.sql_create_pg_function_insert_events
        self.pg_function_name_insert_groups = f"{self.events_table_name}_insert_groups"
        names = {
            "insert_groups": Identifier(self.pg_function_name_insert_groups),
            "lock_timeout": self.datastore.lock_timeout,
            "channel": Identifier(self.channel_name),
            "schema": Identifier(self.datastore.schema),
            "table": Identifier(self.events_table_name),
            "id_type": Identifier(self.datastore.originator_id_type),
        }
        # Each append's events are a slice of four parallel arrays (binary parameters, no
        # composite type to escape into text); ``ends[i]``: the 1-based index of append i's
        # last event. Each append's ids come back in the order given (ids are issued in
        # insertion order under the lock), or NULL when it met a unique violation (then
        # nothing of it is kept).
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{insert_groups}("
                "ids {id_type}[], versions bigint[], topics text[], states bytea[], "
                "ends integer[]) "
                "RETURNS TABLE (append_no integer, notification_ids bigint[]) "
                "LANGUAGE plpgsql "
                "AS "
                "$BODY$"
                "DECLARE"
                "    i integer;"
                "    lo integer := 1;"
                "BEGIN"
                "    SET LOCAL lock_timeout = '{lock_timeout}s';"
                "    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
                "    NOTIFY {channel};"
                "    FOR i IN 1 .. coalesce(array_length(ends, 1), 0) LOOP"
                "        append_no := i;"
                "        BEGIN"
                "            WITH inserted AS ("
                "                INSERT INTO {schema}.{table} AS t ("
                "                originator_id, originator_version, topic, state)"
                "                SELECT * FROM unnest("
                "                    ids[lo:ends[i]], versions[lo:ends[i]],"
                "                    topics[lo:ends[i]], states[lo:ends[i]])"
                "                RETURNING t.notification_id)"
                "            SELECT array_agg(inserted.notification_id"
                "                             ORDER BY inserted.notification_id)"
                "            INTO notification_ids FROM inserted;"
                "        EXCEPTION WHEN unique_violation THEN"
                "            notification_ids := NULL;"
                "        END;"
                "        RETURN NEXT;"
                "        lo := ends[i] + 1;"
                "    END LOOP;"
                "END;"
                "$BODY$"
            ).format(**names)
        )
        self.sql_invoke_insert_groups = SQL(
            "SELECT append_no, notification_ids FROM {schema}.{insert_groups}("
            "%s::{id_type}[], %s::bigint[], %s::text[], %s::bytea[], %s::integer[])"
        ).format(**names)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_groups(self, appends: Sequence[Sequence[StoredEvent]]) -> list[Outcome]:
        """Write ``appends`` in one transaction: each one's notification ids, or the
        IntegrityError that refused it alone."""
        ids: list[Any] = []
        versions: list[int] = []
        topics: list[str] = []
        states: list[bytes] = []
        ends: list[int] = []
        for stored_events in appends:
            for e in stored_events:
                ids.append(e.originator_id)
                versions.append(e.originator_version)
                topics.append(e.topic)
                states.append(e.state)
            ends.append(len(ids))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                self.sql_invoke_insert_groups,
                (ids, versions, topics, states, ends),
                prepare=True,
                binary=True,
            )
            rows = curs.fetchall()
        outcomes: list[Outcome] = [IntegrityError("no answer for this append")] * len(appends)
        for row in rows:
            got = row["notification_ids"]
            at = int(row["append_no"]) - 1
            if got is None:
                outcomes[at] = IntegrityError(
                    "duplicate key value violates unique constraint: an event is already "
                    "stored at this version"
                )
            else:
                outcomes[at] = [int(i) for i in got]
        return outcomes

    def _create_table(self, curs: Any) -> None:
        """Create the tables and functions one process at a time: two processes starting at
        once (API replicas, a projector, a scheduler) would otherwise collide in
        ``CREATE OR REPLACE FUNCTION`` ("tuple concurrently updated")."""
        key = f"tracker:create:{self.datastore.schema}.{self.events_table_name}"
        curs.execute(
            SQL("SELECT pg_advisory_xact_lock(hashtext({}))").format(Literal(key)), prepare=False
        )
        super()._create_table(curs)
