"""One active scheduler: leadership that ends when its holder dies.

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection held for
  the leader's life. The server releases it the moment that connection closes -- the
  process exited, crashed or lost the network -- and a standby's next try takes over.
- SQLite (embedded): an exclusive ``flock`` on a file beside the database. The kernel
  releases it when the holding process dies.

A leader checks that it still leads before each job (``still_leads``); jobs are idempotent
anyway (the aggregates refuse a second notice; the outbox a second delivery).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Any, Protocol

import psycopg

from application.settings import Database, Settings
from projections.store import pg_connect


class Leadership(Protocol):
    def try_acquire(self) -> bool: ...
    def still_leads(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLockLeadership:
    """Leader while this connection holds the advisory lock of ``name`` in this schema."""

    def __init__(self, settings: Settings, name: str = "scheduler") -> None:
        self.settings = settings
        schema = settings.postgres_schema or "public"
        self.key = f"tracker:{name}:{settings.postgres_dbname}:{schema}"
        self._conn: psycopg.Connection[Any] | None = None
        self._held = False

    def try_acquire(self) -> bool:
        if self._held and self.still_leads():
            return True
        self.release()
        try:
            self._conn = pg_connect(self.settings, "tracker-scheduler-leader")
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(hashtext(%s))", (self.key,)
            ).fetchone()
        except psycopg.Error:
            self.release()
            return False
        self._held = bool(row and row[0])
        if not self._held:
            self.release()
        return self._held

    def still_leads(self) -> bool:
        """True while the lock's connection is alive (and so the lock held)."""
        if not self._held or self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            self._held = False
            return False
        return True

    def release(self) -> None:
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()  # closing the session releases its advisory locks
            self._conn = None


class FileLockLeadership:
    """Leader while this process holds an exclusive lock on ``<database>.<name>.lock``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = self.path.open("a+b")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        f.truncate(0)
        f.write(f"{os.getpid()}\n".encode())
        f.flush()
        self._file = f
        return True

    def still_leads(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def leadership_for(settings: Settings, name: str = "scheduler") -> Leadership:
    if settings.database is Database.POSTGRES:
        return AdvisoryLockLeadership(settings, name)
    return FileLockLeadership(Path(f"{settings.sqlite_path}.{name}.lock"))
