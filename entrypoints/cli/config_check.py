"""``tracker config check``: load the settings and the partnerships file, try the
database, and name every problem at once (secrets hidden)."""

from __future__ import annotations

import argparse
import base64
import binascii
import os
import sqlite3
from enum import Enum
from pathlib import Path
from typing import Any, Self

from pydantic import SecretStr, ValidationError, model_validator

from application import migrations
from application.config import ConfigurationError, load_partnerships
from application.notifications import RECIPIENT_ROLES
from application.settings import Database, Environment, Settings
from documents.pdf import FONT_FILES


class _UncheckedSettings(Settings):
    """The settings as read, without the production refusal, so that ``config check`` can
    name every problem at once instead of the first."""

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        return self


def _settings_problems(s: Settings) -> list[str]:
    """What :meth:`Settings._refuse_unsafe_production` refuses: every item, not the first."""
    problems = []
    key = s.encryption_key.get_secret_value()
    if key:
        try:
            if len(base64.b64decode(key, validate=True)) not in (16, 24, 32):
                problems.append("TRACKER_ENCRYPTION_KEY must decode to 16, 24 or 32 bytes")
        except (binascii.Error, ValueError):
            problems.append(
                "TRACKER_ENCRYPTION_KEY is not valid base64 (make one with `tracker keygen`)"
            )
    if s.env is Environment.PRODUCTION:
        if not key:
            problems.append(
                "production requires TRACKER_ENCRYPTION_KEY (make one with `tracker keygen`)"
            )
        if s.database is not Database.POSTGRES:
            problems.append("production runs on PostgreSQL (TRACKER_DATABASE=postgres)")
        if not s.postgres_password.get_secret_value():
            problems.append("production requires TRACKER_POSTGRES_PASSWORD")
    return problems


def _validation_messages(error: ValidationError) -> list[str]:
    messages = []
    for e in error.errors():
        message = str(e["msg"]).removeprefix("Value error, ")
        if e["loc"]:
            field = "TRACKER_" + "_".join(str(part) for part in e["loc"]).upper()
            given = e.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
            secret = field in {f"TRACKER_{n.upper()}" for n in _secret_fields()}
            message = f"{field}: {message}{'' if secret else shown}"
        messages.append(message)
    return messages


def _secret_fields() -> set[str]:
    return {n for n, f in Settings.model_fields.items() if f.annotation is SecretStr}


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        return "(set, hidden)" if value.get_secret_value() else "(not set)"
    if value is None:
        return "(auto)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _migration_note(revision: str | None) -> str | None:
    """A note when the store's side tables lack a revision (a service applies it at start)."""
    if revision == migrations.HEAD:
        return None
    return (
        f"the tables beside the events are at revision {revision or 'none'}, the newest is "
        f"{migrations.HEAD}: `tracker migrate` (or any service, at start) applies the rest"
    )


def _check_database(s: Settings) -> tuple[bool, str, str | None]:
    """Connect to the configured store (read only: nothing is created); with the
    migrations' revision found there."""
    if s.database is Database.SQLITE:
        path = s.sqlite_path
        if path.exists():
            try:
                lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
                try:
                    tables = lite.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                    versioned = lite.execute(
                        "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
                    ).fetchone()
                    row = (
                        lite.execute("SELECT version_num FROM alembic_version").fetchone()
                        if versioned
                        else None
                    )
                finally:
                    lite.close()
            except sqlite3.Error as e:
                return False, f"SQLite file {path} cannot be read: {e}", None
            revision = None if row is None else str(row[0])
            return True, f"SQLite file {path} opened ({tables} tables and indexes)", revision
        folder = path.absolute().parent
        while not folder.exists():
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            return False, f"SQLite file {path} does not exist and {folder} is not writable", None
        return True, f"SQLite file {path} does not exist yet (it is created on first use)", None
    import psycopg
    from psycopg import sql

    where = f"{s.postgres_user}@{s.postgres_host}:{s.postgres_port}/{s.postgres_dbname}"
    try:
        with psycopg.connect(
            host=s.postgres_host,
            port=s.postgres_port,
            user=s.postgres_user,
            password=s.postgres_password.get_secret_value() or None,
            dbname=s.postgres_dbname,
            connect_timeout=5,
            application_name="tracker config check",
        ) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            schema = s.postgres_schema or "public"
            found = conn.execute(
                "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
            ).fetchone()
            table = sql.Identifier(schema, "alembic_version")
            versioned = conn.execute("SELECT to_regclass(%s)", (table.as_string(conn),)).fetchone()
            row = (
                conn.execute(sql.SQL("SELECT version_num FROM {}").format(table)).fetchone()
                if versioned and versioned[0]
                else None
            )
    except psycopg.Error as e:
        reason = " ".join(line.strip() for line in str(e).splitlines()) or type(e).__name__
        return False, f"cannot connect to PostgreSQL {where}: {reason}", None
    if not found:
        message = f"PostgreSQL {where} has no schema {schema!r} (CREATE SCHEMA it first)"
        return False, message, None
    server = version[0] if version else "?"
    revision = None if row is None else str(row[0])
    return True, f"connected to PostgreSQL {server} at {where}, schema {schema}", revision


def cmd_config_check(args: argparse.Namespace) -> int:
    """Load the settings and the partnerships, try the database; name every problem."""
    problems: list[str] = []
    notes: list[str] = []
    overrides: dict[str, Any] = {}
    if args.sqlite:
        overrides = {"database": Database.SQLITE, "sqlite_path": Path(args.sqlite)}
    env_file = Path(".env")
    if env_file.is_file():
        notes.append(f"read {env_file.absolute()} (the environment overrides it)")
    settings: Settings | None = None
    try:
        settings = Settings(**overrides)
    except ValidationError as e:
        try:  # read as given, to name every problem (and print what was read)
            settings = _UncheckedSettings(**overrides)
        except ValidationError:
            problems.extend(_validation_messages(e))
            settings = None
        else:  # only the production refusal failed: name each of its problems
            problems.extend(_settings_problems(settings) or _validation_messages(e))

    if settings is not None:
        print("effective configuration (secrets hidden):")
        for name in Settings.model_fields:
            value = getattr(settings, name)
            print(f"  TRACKER_{name.upper()}={_shown(value)}")
        print(
            f"  (the API runs the projector: {_shown(settings.runs_projector_in_process)}; "
            f"the scheduler: {_shown(settings.runs_scheduler_in_api)})"
        )
        print()
        try:
            partnerships = load_partnerships(settings.partnerships_file)
        except ConfigurationError as e:
            path, message = str(settings.partnerships_file), str(e)
            if not message.startswith("partnerships file"):
                message = f"partnerships file {path}: {message.removeprefix(path + ': ')}"
            problems.append(message)
        except OSError as e:
            problems.append(
                f"partnerships file {settings.partnerships_file} cannot be read: {e.strerror or e}"
            )
        else:
            codes = [p.code for p in partnerships]
            print(
                f"ok     partnerships: {len(codes)} ({', '.join(codes)}) "
                f"from {settings.partnerships_file}"
            )
            for p in partnerships:
                if not p.contacts:
                    notes.append(
                        f"partnership {p.code} has no contacts: its reminders, breaches and "
                        "digest are recorded but e-mailed to nobody"
                    )
                unnamed = [r for r in RECIPIENT_ROLES if not p.recipients.get(r)]
                if unnamed:
                    notes.append(
                        f"partnership {p.code} names no recipients for {', '.join(unnamed)}: "
                        "the messages its rules send them are recorded as unaddressed"
                    )
                invented = [a for a in p.contacts if a.endswith(".example.org")]
                if invented and settings.env is Environment.PRODUCTION:
                    notes.append(
                        f"partnership {p.code} contacts are invented example.org addresses: "
                        f"{', '.join(invented)}"
                    )
        missing = [f for f in FONT_FILES if not (settings.document_fonts / f).is_file()]
        if missing:
            problems.append(
                f"document fonts: {', '.join(missing)} not in {settings.document_fonts} "
                "(install fonts-dejavu-core and fonts-dejavu-extra, or set TRACKER_DOCUMENT_FONTS)"
            )
        if not settings.smtp_host:
            notes.append("TRACKER_SMTP_HOST is not set: e-mail waits in the outbox")
        signing_key = settings.checkpoint_signing_key.get_secret_value()
        if not signing_key and not settings.checkpoint_key_file.exists():
            notes.append(
                "no checkpoint signing key (TRACKER_CHECKPOINT_SIGNING_KEY, or the file "
                f"{settings.checkpoint_key_file}): "
                + (
                    "the daily checkpoint fails until one is set (`tracker checkpoint --keygen`)"
                    if settings.env is Environment.PRODUCTION
                    else "the first checkpoint makes the file"
                )
            )
        if not settings.encryption_key.get_secret_value():
            notes.append(
                "case data is encrypted with the key in "
                f"{settings.encryption_key_file} (made on the first run): keep a copy apart "
                "from the database"
                if settings.encrypt_at_rest
                else "TRACKER_ENCRYPT_AT_REST=false: case data is stored unencrypted"
            )
        ok, message, revision = _check_database(settings)
        if ok:
            print(f"ok     database: {message}")
            if (behind := _migration_note(revision)) is not None:
                notes.append(behind)
        else:
            problems.append(f"database: {message}")
    for note in notes:
        print(f"note   {note}")
    for problem in problems:
        print(f"FAIL   {problem}")
    if problems:
        print(f"config check: {len(problems)} problem{'s' * (len(problems) > 1)}")
        return 1
    print("config check: fine")
    return 0
