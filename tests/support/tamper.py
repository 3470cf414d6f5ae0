"""Direct database access, as an insider with a SQL prompt would have: for tamper tests."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

from application.service import Safeguarding


def _execute(app: Safeguarding, statement: str, params: tuple[Any, ...]) -> list[Any]:
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = statement.replace("%s", "?").replace("{table}", recorder.events_table_name)
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(statement, tuple(p.hex if isinstance(p, UUID) else p for p in params))
            return list(c.fetchall())
    assert isinstance(recorder, PostgresApplicationRecorder)
    query = sql.SQL(statement.replace("{table}", "{schema}.{table}")).format(
        schema=sql.Identifier(recorder.datastore.schema),
        table=sql.Identifier(recorder.events_table_name),
    )
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute(query, params)
        return list(curs.fetchall()) if curs.description else []


def stored_state(app: Safeguarding, stream: UUID, version: int) -> bytes:
    [row] = _execute(
        app,
        "SELECT state FROM {table} WHERE originator_id = %s AND originator_version = %s",
        (stream, version),
    )
    value = row["state"] if isinstance(row, dict) else row[0]
    return bytes(value)


def overwrite_state(app: Safeguarding, stream: UUID, version: int, state: bytes) -> None:
    _execute(
        app,
        "UPDATE {table} SET state = %s WHERE originator_id = %s AND originator_version = %s",
        (state, stream, version),
    )


def flip_byte(app: Safeguarding, stream: UUID, version: int, index: int = -20) -> None:
    state = bytearray(stored_state(app, stream, version))
    state[index] ^= 0x01
    overwrite_state(app, stream, version, bytes(state))


def delete_event(app: Safeguarding, stream: UUID, version: int) -> None:
    _execute(
        app,
        "DELETE FROM {table} WHERE originator_id = %s AND originator_version = %s",
        (stream, version),
    )


def swap_versions(app: Safeguarding, stream: UUID, a: int, b: int) -> None:
    """Give event ``a`` version ``b`` and vice versa (notification ids stay put)."""
    for old, new in ((a, -1), (b, a), (-1, b)):
        _execute(
            app,
            "UPDATE {table} SET originator_version = %s "
            "WHERE originator_id = %s AND originator_version = %s",
            (new, stream, old),
        )


def all_table_bytes(app: Safeguarding) -> bytes:
    """Every column of every stored event row, as bytes."""
    rows = _execute(app, "SELECT originator_id, originator_version, topic, state FROM {table}", ())
    out = bytearray()
    for row in rows:
        values = row.values() if isinstance(row, dict) else row
        for v in values:
            out += bytes(v) if isinstance(v, bytes | bytearray | memoryview) else str(v).encode()
    return bytes(out)


# --- an attacker who knows the hash chain, the read models and the access log --------


def run_sql(app: Safeguarding, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Any statement on the store's own tables; ``{s}`` names the schema on PostgreSQL."""
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(statement.replace("{s}.", "").replace("%s", "?"), params)
            return list(c.fetchall())
    assert isinstance(recorder, PostgresApplicationRecorder)
    schema = '"' + recorder.datastore.schema + '"'
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute(statement.replace("{s}", schema), params)
        return list(curs.fetchall()) if curs.description else []


def rewrite_with_chain(app: Safeguarding, stream: UUID, version: int, **changes: Any) -> None:
    """Change what event ``version`` says and recompute its hash and every later event's
    ``prev_hash`` and ``hash``, re-encoded as the application stores them: the hash chain
    verifies afterwards."""
    from domain.chain import GENESIS, hash_of

    events: list[Any] = [app.mapper.to_domain_event(r) for r in app.recorder.select_events(stream)]
    prev = events[version - 2].hash if version > 1 else GENESIS
    for event in events[version - 1 :]:
        if event.originator_version == version:
            for name, value in changes.items():
                object.__setattr__(event, name, value)
        object.__setattr__(event, "prev_hash", prev)
        object.__setattr__(event, "hash", "")
        object.__setattr__(event, "hash", hash_of(event))
        prev = event.hash
        overwrite_state(
            app, stream, event.originator_version, app.mapper.to_stored_event(event).state
        )


def delete_stream(app: Safeguarding, stream: UUID) -> None:
    _execute(app, "DELETE FROM {table} WHERE originator_id = %s", (stream,))
    run_sql(app, "DELETE FROM {s}.rm_timeline WHERE stream_id = %s", (str(stream),))
    run_sql(app, "DELETE FROM {s}.rm_tracker WHERE case_id = %s", (str(stream),))


def delete_newest(app: Safeguarding, stream: UUID, count: int) -> int:
    """Delete the stream's ``count`` newest events and their timeline rows; returns the
    first version deleted."""
    last = len(app.recorder.select_events(stream))
    for version in range(last - count + 1, last + 1):
        delete_event(app, stream, version)
    first = last - count + 1
    run_sql(
        app,
        "DELETE FROM {s}.rm_timeline WHERE stream_id = %s AND version >= %s",
        (str(stream), first),
    )
    return first


def without_append_only_triggers(
    app: Safeguarding, table: str, statement: str, params: tuple[Any, ...] = ()
) -> None:
    """Run ``statement`` on an append-only table with its triggers out of the way: disabled
    on PostgreSQL (as the table's owner may), dropped on SQLite (which cannot disable)."""
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        for row in run_sql(
            app, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
        ):
            run_sql(app, f"DROP TRIGGER {row[0]}")
        run_sql(app, statement, params)
        return
    assert isinstance(recorder, PostgresApplicationRecorder)
    schema = '"' + recorder.datastore.schema + '"'
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute(f"ALTER TABLE {schema}.{table} DISABLE TRIGGER USER")
        curs.execute(statement.replace("{s}", schema), params)
        curs.execute(f"ALTER TABLE {schema}.{table} ENABLE TRIGGER USER")


def rewrite_text(app: Safeguarding, stream: UUID, version: int, old: str, new: str) -> None:
    """Store event ``version`` of ``stream`` again with ``old`` replaced by ``new`` in its
    content, encoded as the application stores events (as an old release that let the
    text through would have stored it)."""
    state = stored_state(app, stream, version)
    mapper = app.mapper
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    spelled_old, spelled_new = json.dumps(old)[1:-1], json.dumps(new)[1:-1]
    content = state.decode()
    assert spelled_old in content
    state = content.replace(spelled_old, spelled_new).encode()
    if mapper.compressor:
        state = mapper.compressor.compress(state)
    if mapper.cipher:
        state = mapper.cipher.encrypt(state)
    overwrite_state(app, stream, version, state)
