"""The one reader of the environment: every setting of the service, documented.

Variables are prefixed ``TRACKER_`` (e.g. ``TRACKER_DATABASE=postgres``). Development (the
default) runs on an embedded SQLite file with nothing to install; production refuses to
start without an encryption key for event state and a database password.
"""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from application import atrest


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Database(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


class Settings(BaseSettings):
    """Configuration of the tracker, from ``TRACKER_*`` environment variables (or ``.env``)."""

    model_config = SettingsConfigDict(
        env_prefix="TRACKER_", env_file=".env", extra="ignore", frozen=True
    )

    env: Environment = Field(Environment.DEVELOPMENT, description="development, test, production")
    database: Database = Field(Database.SQLITE, description="sqlite (embedded) or postgres")
    sqlite_path: Path = Field(
        Path("var/tracker.sqlite"), description="the SQLite file (created when absent)"
    )
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_user: str = "postgres"
    postgres_password: SecretStr = SecretStr("")
    postgres_dbname: str = "tracker"
    postgres_schema: str = Field("", description="schema for the tables (default: public)")
    postgres_pool_size: int = 5
    postgres_max_overflow: int = 10
    encryption_key: SecretStr = Field(
        SecretStr(""),
        description="base64 AES key (16, 24 or 32 bytes) that encrypts event state at rest; "
        "required in production (create one with `tracker keygen`)",
    )
    encryption_key_file: Path = Field(
        Path("var/encryption-key.txt"),
        description="where the key is kept when TRACKER_ENCRYPTION_KEY is not set: made on "
        "the first run (a store with no events yet), read afterwards",
    )
    encrypt_at_rest: bool = Field(
        True,
        description="encrypt event state (false: stored as given, development and tests "
        "only; production encrypts always)",
    )
    compress: bool = Field(True, description="zlib-compress event state before encrypting")
    partnerships_file: Path = Field(
        Path(__file__).resolve().parent.parent / "config" / "partnerships.toml",
        description="TOML file of partnerships, their local authorities and timescales",
    )
    document_fonts: Path = Field(
        Path("/usr/share/fonts/truetype/dejavu"),
        description="folder holding DejaVuSans*.ttf, the font the PDF documents embed "
        "(Debian's fonts-dejavu-core and -extra; scripts/ensure-venv installs them)",
    )
    command_retries: int = Field(
        20, ge=1, le=100, description="attempts for a command that meets a concurrent write"
    )
    api_host: str = Field("127.0.0.1", description="address `tracker serve` listens on")
    api_port: int = Field(8000, description="port `tracker serve` listens on")
    api_workers: int = Field(
        1, ge=1, le=64, description="server processes (production: 2 per core)"
    )
    api_max_body_bytes: int = Field(
        256 * 1024, ge=1024, description="larger request bodies are refused with 413"
    )
    api_key_cache_seconds: float = Field(
        0.0,
        ge=0,
        le=1,
        description="how long a verified key is trusted before it is looked up again "
        "(a revoked key stops working within this time; at most 1 second, default 0: "
        "every request reads the key, one indexed read)",
    )
    projector_in_process: bool | None = Field(
        None,
        description="run the read-model projector inside the API process (default: yes on "
        "the embedded SQLite store, no on PostgreSQL, where `tracker project` runs it)",
    )
    graphql_introspection_public: bool = Field(
        False,
        description="let GraphQL introspection (__schema, __type) answer callers without a key",
    )
    tracing: bool = Field(
        False,
        description="export OpenTelemetry spans over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT "
        "etc.), only the attributes on entrypoints/tracing.py's allow-list",
    )
    metrics_host: str = Field(
        "0.0.0.0",  # noqa: S104 -- a container's metrics port is reached from outside it
        description="address the metrics ports of `tracker project` and `tracker schedule` "
        "listen on (serve them only to the monitoring network)",
    )
    projector_metrics_port: int = Field(
        0, ge=0, le=65535, description="`tracker project` serves /metrics here (0: none)"
    )
    scheduler_metrics_port: int = Field(
        0, ge=0, le=65535, description="`tracker schedule` serves /metrics here (0: none)"
    )
    log_level: str = Field(
        "INFO",
        pattern=r"^(DEBUG|INFO|WARNING|ERROR)$",
        description="JSON log lines at this level and above (production: INFO; libraries at "
        "DEBUG are not held to the no-personal-data rule)",
    )
    # --- the scheduler (scheduler/): clock watch, deliveries, daily digest -----------
    scheduler_in_api: bool | None = Field(
        None,
        description="run the scheduler inside the API process (default: yes on the embedded "
        "SQLite store, no on PostgreSQL, where `tracker schedule` runs it)",
    )
    remind_working_days_before: int = Field(
        1, ge=0, le=20, description="a clock's reminder goes out this many working days before due"
    )
    watch_interval_seconds: float = Field(
        300, gt=0, description="how often the scheduler looks for clocks due soon or breached"
    )
    delivery_interval_seconds: float = Field(
        15, gt=0, description="how often the scheduler sends what is waiting in the outbox"
    )
    digest_time: str = Field(
        "07:00",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="when (HH:MM, Europe/London, working days) the daily digest goes out",
    )
    leader_retry_seconds: float = Field(
        5, gt=0, description="how often a standby scheduler tries to become the leader"
    )
    smtp_host: str = Field("", description="SMTP server for e-mail (empty: e-mail waits)")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = Field(False, description="upgrade the SMTP connection with STARTTLS")
    smtp_from: str = Field("tracker@localhost", description="the From address of every e-mail")
    smtp_timeout_seconds: float = Field(10, gt=0)
    webhook_timeout_seconds: float = Field(10, gt=0)
    outbox_retry_base_seconds: float = Field(
        30, gt=0, description="first wait before a failed delivery is tried again (doubling)"
    )
    outbox_retry_max_seconds: float = Field(
        900, gt=0, description="longest wait between two attempts of one delivery"
    )
    public_url: str = Field(
        "http://127.0.0.1:8000", description="the API's address, for links in e-mails"
    )
    web_session_idle_minutes: float = Field(
        30, gt=0, description="a web tracker session ends after this long without a request"
    )
    web_session_hours: float = Field(
        8, gt=0, description="a web tracker session ends this long after sign-in, whatever"
    )
    group_commit: bool = Field(
        True,
        description="let concurrent commands of one process share an append transaction, "
        "each still accepted or refused on its own (false: one transaction per command)",
    )
    aggregate_cache_size: int = Field(
        2000, ge=0, description="aggregates kept in memory between commands (0 disables the cache)"
    )
    # --- the verifiable log (application/ledger/): signed checkpoints ---------------
    log_origin: str = Field(
        "safeguarding-review-tracker.localhost/log",
        pattern=r"^[^\s+]+$",
        description="the origin (and key name) of every checkpoint: a name for this "
        "deployment, e.g. the partnerships' federation (no spaces or '+')",
    )
    checkpoint_signing_key: SecretStr = Field(
        SecretStr(""),
        description="the Ed25519 note signer key checkpoints are signed with (an environment "
        "secret, never stored in the database); else TRACKER_CHECKPOINT_KEY_FILE",
    )
    checkpoint_key_file: Path = Field(
        Path("var/checkpoint-signing.key"),
        description="file holding the signing key (created 0600 on first use outside production)",
    )
    checkpoint_public_keys_file: Path = Field(
        Path("var/checkpoint-public-keys.txt"),
        description="every public key checkpoints were signed with, one a line (keep old "
        "ones after a rotation)",
    )
    checkpoint_time: str = Field(
        "06:45",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="when (HH:MM, Europe/London, every day) the scheduler signs a checkpoint",
    )
    ready_max_lag: int = Field(
        1000,
        ge=0,
        description="/readyz answers 503 while any read model is more than this many log "
        "positions behind the end of the log",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        key = self.encryption_key.get_secret_value()
        if key:
            try:
                raw = base64.b64decode(key, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError("TRACKER_ENCRYPTION_KEY is not valid base64") from None
            if len(raw) not in (16, 24, 32):
                raise ValueError("TRACKER_ENCRYPTION_KEY must decode to 16, 24 or 32 bytes")
        if self.env is Environment.PRODUCTION:
            if not key:
                raise ValueError("production requires TRACKER_ENCRYPTION_KEY")
            if not self.encrypt_at_rest:
                raise ValueError("production encrypts at rest (TRACKER_ENCRYPT_AT_REST=true)")
            if self.database is not Database.POSTGRES:
                raise ValueError("production runs on PostgreSQL (TRACKER_DATABASE=postgres)")
            if not self.postgres_password.get_secret_value():
                raise ValueError("production requires TRACKER_POSTGRES_PASSWORD")
        return self

    @property
    def runs_scheduler_in_api(self) -> bool:
        if self.scheduler_in_api is None:
            return self.database is Database.SQLITE
        return self.scheduler_in_api

    @property
    def runs_projector_in_process(self) -> bool:
        if self.projector_in_process is None:
            return self.database is Database.SQLITE
        return self.projector_in_process

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment the ``eventsourcing`` library reads to build its persistence."""
        env: dict[str, str] = {}
        if self.database is Database.SQLITE:
            path = self.sqlite_path
            if str(path) != ":memory:" and not str(path).startswith("file:"):
                path.parent.mkdir(parents=True, exist_ok=True)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=str(path),
                SQLITE_LOCK_TIMEOUT="10",
                # the library's recorder, with group commit when enabled
                APPLICATION_RECORDER_TOPIC="application.sqliterecorder:GroupedSQLiteRecorder",
            )
        else:
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=self.postgres_dbname,
                POSTGRES_HOST=self.postgres_host,
                POSTGRES_PORT=str(self.postgres_port),
                POSTGRES_USER=self.postgres_user,
                POSTGRES_PASSWORD=self.postgres_password.get_secret_value(),
                POSTGRES_POOL_SIZE=str(self.postgres_pool_size),
                POSTGRES_MAX_OVERFLOW=str(self.postgres_max_overflow),
                POSTGRES_LOCK_TIMEOUT="5",
                POSTGRES_CONNECT_TIMEOUT="10",
                # one round trip per save, notification ids still committed in order
                POSTGRES_ENABLE_DB_FUNCTIONS="y",
                APPLICATION_RECORDER_TOPIC="application.pgrecorder:OrderedInsertRecorder",
            )
            if self.postgres_schema:
                env["POSTGRES_SCHEMA"] = self.postgres_schema
        # the given key, the key file's, or a new one
        key = atrest.encryption_key(self) if self.encrypt_at_rest else ""
        if key:
            env.update(CIPHER_TOPIC="eventsourcing.cryptography:AESCipher", CIPHER_KEY=key)
        if self.compress:
            env["COMPRESSOR_TOPIC"] = "eventsourcing.compressor:ZlibCompressor"
        if self.aggregate_cache_size:
            # Trusted without reading ahead: the Tracker refreshes a copy another process
            # has made stale when the store's version check (or the domain) says so.
            env.update(
                AGGREGATE_CACHE_MAXSIZE=str(self.aggregate_cache_size),
                AGGREGATE_CACHE_FASTFORWARD="n",
            )
        return env
