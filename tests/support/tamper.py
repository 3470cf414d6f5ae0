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
