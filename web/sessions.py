"""Signed-in sessions of the web tracker, kept on the server (DESIGN §8).

Signing in with an API key makes a session: a random token (the cookie, HttpOnly,
SameSite=Strict, Secure behind HTTPS) of which only the SHA-256 is stored, with the id of
the key it was opened with (never the key's secret), a CSRF token for the forms, and its
times. Each request finds the key again by its id, so a revoked key ends its sessions at
once. A session ends when signed out, after ``idle`` without a request, or ``lifetime``
after sign-in, whichever comes first. The rows live beside the events (``SideTables``),
so every replica of the API sees the same sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from application.sidetables import SideTables

# a session's last-seen time is written again at most this often (not on every page)
_TOUCH = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    token: str
    key_id: str
    csrf: str
    created_at: datetime
    seen_at: datetime


class Sessions(SideTables):
    """Open, find and end sessions; ``clock`` is the tracker's (injectable) clock."""

    def __init__(
        self,
        datastore: Any,
        clock: Callable[[], datetime],
        *,
        idle: timedelta,
        lifetime: timedelta,
    ) -> None:
        super().__init__(datastore)
        self.clock = clock
        self.idle = idle
        self.lifetime = lifetime
        self.sessions_table = self.table("web_sessions")

    def open(self, key_id: str) -> Session:
        """A new session for the key ``key_id`` (also clearing sessions long expired)."""
        self.setup()
        now = self.clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.cursor(commit=True) as c:
            c.execute(
                self.sql(f"DELETE FROM {self.sessions_table} WHERE seen_at < ?"),  # noqa: S608
                (self.at(now - max(self.idle, self.lifetime)),),
            )
            c.execute(
                self.sql(
                    f"INSERT INTO {self.sessions_table} "  # noqa: S608 - our table, bound values
                    "(token_sha256, key_id, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)"
                ),
                (_digest(token), key_id, csrf, self.at(now), self.at(now)),
            )
        return Session(token, key_id, csrf, now, now)

    def find(self, token: str) -> Session | None:
        """The live session of ``token``; None when unknown, signed out or expired (an
        expired one is removed)."""
        if not token or len(token) > 100:
            return None
        self.setup()
        now = self.clock()
        digest = _digest(token)
        with self.cursor(commit=False) as c:
            c.execute(
                self.sql(
                    f"SELECT key_id, csrf, created_at, seen_at FROM {self.sessions_table} "  # noqa: S608
                    "WHERE token_sha256 = ?"
                ),
                (digest,),
            )
            row = c.fetchone()
        if row is None:
            return None
        values = list(row.values()) if isinstance(row, dict) else list(row)
        key_id, csrf = str(values[0]), str(values[1])
        created, seen = self.instant(values[2]), self.instant(values[3])
        assert created is not None
        assert seen is not None
        if now - seen > self.idle or now - created > self.lifetime:
            self.end(token)
            return None
        if now - seen > _TOUCH:
            with self.cursor(commit=True) as c:
                c.execute(
                    self.sql(
                        f"UPDATE {self.sessions_table} SET seen_at = ? WHERE token_sha256 = ?"  # noqa: S608
                    ),
                    (self.at(now), digest),
                )
            seen = now
        return Session(token, key_id, csrf, created, seen)

    def end(self, token: str) -> None:
        self.setup()
        with self.cursor(commit=True) as c:
            c.execute(
                self.sql(f"DELETE FROM {self.sessions_table} WHERE token_sha256 = ?"),  # noqa: S608
                (_digest(token),),
            )
