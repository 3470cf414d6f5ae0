"""The key that encrypts case data at rest, on every store, by default.

``TRACKER_ENCRYPTION_KEY`` when set (production requires it). Otherwise the key in
``TRACKER_ENCRYPTION_KEY_FILE`` (default ``var/encryption-key.txt``); and when that file
does not exist yet and the store holds no events (the first run), a new AES-256 key is made
there (mode 0600) and announced once on stderr, as the first-run API key is. A store that
already holds events written without a key keeps loading without one: encrypting from the
middle of a log would leave its earlier events unreadable to the cipher.
"""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from application.settings import Settings

EVENTS_TABLE = "stored_events"  # the library's table of the application's events (SQLite)
PG_EVENTS_TABLES = ("tracker_events", "stored_events")  # PostgreSQL: named for the app

_resolved: dict[tuple[str, ...], str] = {}
_lock = threading.Lock()


def encryption_key(settings: Settings) -> str:
    """The key event state is encrypted with ("" : none, for a store written without)."""
    given = settings.encryption_key.get_secret_value()
    if given:
        return given
    where = _where(settings)
    with _lock:
        found = _resolved.get(where)
        if found is None:
            found = _resolved[where] = _resolve(settings)
    return found


def _where(settings: Settings) -> tuple[str, ...]:
    s = settings
    store = (
        (str(s.sqlite_path),)
        if s.database.value == "sqlite"
        else (s.postgres_host, str(s.postgres_port), s.postgres_dbname, s.postgres_schema)
    )
    return (str(s.encryption_key_file.resolve()), *store)


def _resolve(settings: Settings) -> str:
    path = settings.encryption_key_file
    if path.exists():
        return read_key_file(path)
    if settings.env.value == "production" or not _store_is_empty(settings):
        return ""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the first run made it first
        return read_key_file(path)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    print(
        f"First run: made the key that encrypts case data at rest in {path} (shown once "
        "here, not again). Keep a copy somewhere safe, apart from the database: without "
        "it nothing stored can be read. In production set TRACKER_ENCRYPTION_KEY to it "
        "and remove the file.",
        file=sys.stderr,
        flush=True,
    )
    return key


def read_key_file(path: Path) -> str:
    key = path.read_text().strip()
    raw = base64.b64decode(key, validate=True)
    if len(raw) not in (16, 24, 32):
        raise ValueError(f"{path} does not hold a 16, 24 or 32 byte base64 key")
    return key


def _store_is_empty(settings: Settings) -> bool:
    """Whether the event store has no event yet (or does not exist)."""
    if settings.database.value == "sqlite":
        return _sqlite_is_empty(settings.sqlite_path)
    s = settings
    schema = s.postgres_schema or "public"
    with psycopg.connect(
        host=s.postgres_host,
        port=s.postgres_port,
        user=s.postgres_user,
        password=s.postgres_password.get_secret_value() or None,
        dbname=s.postgres_dbname,
        autocommit=True,
        connect_timeout=10,
    ) as pg:
        for table in PG_EVENTS_TABLES:
            exists = pg.execute("SELECT to_regclass(%s)", (f'"{schema}".{table}',)).fetchone()
            if not exists or exists[0] is None:
                continue
            query = sql.SQL("SELECT 1 FROM {} LIMIT 1").format(sql.Identifier(schema, table))
            with pg.cursor() as cursor:
                if cursor.execute(query).fetchone() is not None:
                    return False
        return True


def _sqlite_is_empty(path: Path) -> bool:
    if str(path) == ":memory:" or not path.exists():
        return True
    lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = lite.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (EVENTS_TABLE,)
        ).fetchall()
        if not tables:
            return True
        statement = f"SELECT 1 FROM {EVENTS_TABLE} LIMIT 1"  # noqa: S608 - a constant name
        return not lite.execute(statement).fetchall()
    finally:
        lite.close()
