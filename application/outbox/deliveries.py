"""The outbox's tables and the statements on them: the log position collected
(``outbox_tracking``), one row per delivery (``outbox_deliveries``), claiming a due row
under a lease, marking it sent, failed (with backoff) or cancelled, and reading the rows
and their backlog back. How rows are decided and sent: ``application/outbox/outbox.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from application.outbox.messages import (
    MAX_ERROR_LENGTH,
    STATUS_FILTERS,
    Channel,
    Delivery,
    Row,
    Status,
)
from application.sidetables import SideTables

if TYPE_CHECKING:
    from application.service import Safeguarding

_DELIVERY_COLUMNS = (
    "id, message_id, partnership, kind, channel, recipient, reference, stream_id, version, "
    "position, subscription_id, status, attempts, created_at, next_attempt_at, last_attempt_at, "
    "first_failed_at, sent_at, last_error, payload"
)
_INSERT_COLUMNS = (
    "message_id, source, channel, address, recipient, partnership, kind, reference, "
    "stream_id, version, position, subscription_id, payload, status, attempts, created_at, "
    "next_attempt_at, last_error"
)


class PositionMovedError(Exception):
    """Another collector advanced the position while this one read the log."""


class DeliveryTables(SideTables):
    """The outbox's two tables, reached through the event store's connections."""

    def __init__(self, app: Safeguarding, *, lease_seconds: float | None = None) -> None:
        super().__init__(app.datastore)
        self.app = app
        s = app.settings
        # long enough for one send through the slowest transport (SMTP may wait for each
        # of connect, EHLO, STARTTLS, AUTH, MAIL, RCPT and DATA), with room to record it
        self.lease = timedelta(
            seconds=lease_seconds
            if lease_seconds is not None
            else 10 * max(s.smtp_timeout_seconds, s.webhook_timeout_seconds) + 60
        )
        self.t = self.table("outbox_deliveries")
        self.tracking = self.table("outbox_tracking")

    # ------------------------------------------------------------------ collecting

    def position(self) -> int:
        """The last log position collected."""
        self.setup()
        with self.cursor(commit=False) as c:
            c.execute(
                self.sql(f"SELECT position FROM {self.tracking} WHERE name = ?"),  # noqa: S608
                ("events",),
            )
            row = c.fetchone()
        return int(self.row(row)["position"])

    def _record(self, start: int, reached: int, rows: Sequence[Row]) -> None:
        now = self.at(self.app.clock())
        with self.cursor(commit=True) as c:
            if self.postgres:
                c.execute(
                    f"SELECT position FROM {self.tracking} WHERE name = %s FOR UPDATE",  # noqa: S608
                    ("events",),
                )
            else:  # a write first: the transaction holds SQLite's write lock from here on
                c.execute(
                    f"UPDATE {self.tracking} SET position = position WHERE name = ?",  # noqa: S608
                    ("events",),
                )
                c.execute(f"SELECT position FROM {self.tracking} WHERE name = ?", ("events",))  # noqa: S608
            if int(self.row(c.fetchone())["position"]) != start:
                raise PositionMovedError
            for row in rows:
                self._insert(c, row, now)
            c.execute(
                self.sql(f"UPDATE {self.tracking} SET position = ? WHERE name = ?"),  # noqa: S608
                (reached, "events"),
            )

    def _insert(self, c: Any, row: Row, now: Any) -> bool:
        marks = ", ".join("?" * 18)
        c.execute(
            self.sql(
                f"INSERT INTO {self.t} ({_INSERT_COLUMNS}) VALUES ({marks}) "  # noqa: S608
                "ON CONFLICT DO NOTHING RETURNING id"
            ),
            (
                row.message_id,
                row.source,
                row.channel.value,
                row.address,
                row.recipient,
                row.partnership,
                row.kind.value,
                row.reference,
                row.stream_id,
                row.version,
                row.position,
                row.subscription_id,
                row.payload,
                row.status.value,
                0,
                now,
                now,
                row.last_error,
            ),
        )
        return c.fetchone() is not None

    # ------------------------------------------------------------------ sending

    def _claim(self, token: str) -> Delivery | None:
        """The oldest due row, now ``sending`` under this run's claim until the lease ends
        (committed before anything is sent). A ``sending`` row whose lease ran out (its
        sender died) is due again."""
        now = self.app.clock()
        lock = " FOR UPDATE SKIP LOCKED" if self.postgres else ""
        statement = (
            f"UPDATE {self.t} SET status = 'sending', claim = ?, claimed_until = ?, "  # noqa: S608
            "attempts = attempts + 1, last_attempt_at = ?, "
            "last_error = CASE WHEN status = 'sending' "
            "THEN 'the previous attempt did not finish (its sender stopped)' "
            "ELSE last_error END "
            f"WHERE id = (SELECT id FROM {self.t} WHERE status IN ('pending', 'sending') AND "
            "CASE status WHEN 'pending' THEN next_attempt_at <= ? ELSE claimed_until <= ? END "
            f"ORDER BY id LIMIT 1{lock}) "
            f"RETURNING {_DELIVERY_COLUMNS}"
        )
        at = self.at(now)
        with self.cursor(commit=True) as c:
            c.execute(self.sql(statement), (token, self.at(now + self.lease), at, at, at))
            row = c.fetchone()
        return None if row is None else self._delivery(row)

    def _mark(self, d: Delivery, status: Status, error: str | None = None) -> None:
        """Sent (whoever holds the claim now: the message went) or cancelled."""
        now = self.at(self.app.clock())
        sets = "status = ?, claim = NULL, claimed_until = NULL"
        values: list[Any] = [status.value]
        if status is Status.SENT:
            sets += ", sent_at = ?"
            values.append(now)
        if error is not None:
            sets += ", last_error = ?"
            values.append(error)
        with self.cursor(commit=True) as c:
            c.execute(
                self.sql(f"UPDATE {self.t} SET {sets} WHERE id = ? AND status <> 'sent'"),  # noqa: S608
                (*values, d.id),
            )

    def _failed(self, d: Delivery, token: str, error: str) -> datetime:
        """Back to ``pending``, the next attempt (returned) after the backoff; only while
        this run still holds the claim (else another sender has taken the row over)."""
        now = self.app.clock()
        s = self.app.settings
        delay = min(
            s.outbox_retry_base_seconds * 2 ** max(0, d.attempts - 1), s.outbox_retry_max_seconds
        )
        retry_at = now + timedelta(seconds=delay)
        statement = (
            f"UPDATE {self.t} SET status = 'pending', claim = NULL, claimed_until = NULL, "  # noqa: S608
            "next_attempt_at = ?, last_error = ?, first_failed_at = COALESCE(first_failed_at, ?) "
            "WHERE id = ? AND claim = ? AND status = 'sending'"
        )
        with self.cursor(commit=True) as c:
            c.execute(
                self.sql(statement),
                (self.at(retry_at), error, self.at(now), d.id, token),
            )
        return retry_at

    def _defer_same_receiver(self, d: Delivery, retry_at: datetime, error: str) -> None:
        """The receiver of ``d`` is down: the other deliveries pending for it wait until
        just after ``d``'s next attempt (their attempts unchanged, the reason shown), so a
        down receiver costs one attempt per backoff step, not one per message. (Only for
        failures to reach the receiver at all, which no one message can cause: a message
        the receiver refuses holds up no other.)"""
        now = self.app.clock()
        until = retry_at + timedelta(microseconds=1)
        # e-mail all goes through the one SMTP server; a webhook's receiver is its URL
        same = "" if d.channel == Channel.EMAIL else " AND recipient = ?"
        statement = (
            f"UPDATE {self.t} SET next_attempt_at = ?, last_error = ?, "  # noqa: S608
            "first_failed_at = COALESCE(first_failed_at, ?) "
            "WHERE status IN ('pending', 'sending') AND status = 'pending' "
            f"AND next_attempt_at < ? AND id <> ? AND channel = ?{same}"
        )
        values: list[Any] = [
            self.at(until),
            f"not tried: {error} (on delivery {d.id} to the same receiver)"[:MAX_ERROR_LENGTH],
            self.at(now),
            self.at(until),
            d.id,
            d.channel,
        ]
        if d.channel != Channel.EMAIL:
            values.append(d.recipient)
        with self.cursor(commit=True) as c:
            c.execute(self.sql(statement), values)

    # ------------------------------------------------------------------ visibility

    def deliveries(
        self,
        *,
        partnerships: Sequence[str],
        status: str | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[Delivery]:
        """Deliveries of ``partnerships`` in the order recorded, after ``after_id``;
        ``status`` one of ``STATUS_FILTERS`` ("failing": pending after a failed attempt)."""
        self.setup()
        if not partnerships:
            return []
        if status is not None and status not in STATUS_FILTERS:
            raise ValueError(f"status {status!r} is not one of: {', '.join(STATUS_FILTERS)}")
        where = [f"partnership IN ({', '.join('?' * len(partnerships))})", "id > ?"]
        params: list[Any] = [*partnerships, after_id]
        if status == "failing":
            where.append("status = 'pending' AND first_failed_at IS NOT NULL")
        elif status is not None:
            where.append("status = ?")
            params.append(status)
        statement = (
            f"SELECT {_DELIVERY_COLUMNS} FROM {self.t} "  # noqa: S608
            f"WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (*params, max(0, limit)))
            return [self._delivery(r) for r in c.fetchall()]

    def of_subscription(
        self, subscription_id: int, *, since: int = 0, limit: int = 100
    ) -> list[Delivery]:
        """A subscription's webhooks of the events after log position ``since``, in the
        order of the log (what a receiver that was down reads to catch up, without gaps:
        every event it hears of has its row, written with the outbox's position)."""
        self.setup()
        statement = (
            f"SELECT {_DELIVERY_COLUMNS} FROM {self.t} "  # noqa: S608
            "WHERE subscription_id = ? AND channel = 'webhook' AND position > ? "
            "ORDER BY position, id LIMIT ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (subscription_id, since, max(0, limit)))
            return [self._delivery(r) for r in c.fetchall()]

    def waiting(self) -> int:
        """How many deliveries are pending (read from the claimable rows' index alone)."""
        statement = (
            f"SELECT COUNT(*) AS n FROM {self.t} "  # noqa: S608
            "WHERE status IN ('pending', 'sending') AND status = 'pending'"
        )
        with self.cursor(commit=False) as c:
            c.execute(statement)
            return int(self.row(c.fetchone())["n"])

    def backlog(self, partnerships: Sequence[str] | None = None) -> dict[str, int]:
        """How many deliveries are in each status, and how many of the pending are failing
        (of ``partnerships``, or of all)."""
        self.setup()
        counts = dict.fromkeys(STATUS_FILTERS, 0)
        where, params = "", tuple(partnerships or ())
        if partnerships is not None:
            if not partnerships:
                return counts
            where = f"WHERE partnership IN ({', '.join('?' * len(partnerships))}) "
        statement = (
            "SELECT status, COUNT(*) AS n, "  # noqa: S608
            "SUM(CASE WHEN first_failed_at IS NULL THEN 0 ELSE 1 END) AS failing "
            f"FROM {self.t} {where}GROUP BY status"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), params)
            for r in c.fetchall():
                row = self.row(r)
                counts[str(row["status"])] = int(row["n"])
                if row["status"] == Status.PENDING:
                    counts["failing"] = int(row["failing"] or 0)
        return counts

    def _delivery(self, row: Any) -> Delivery:
        r = self.row(row)
        created = self.instant(r["created_at"])
        next_at = self.instant(r["next_attempt_at"])
        assert created is not None
        assert next_at is not None
        return Delivery(
            id=int(r["id"]),
            message_id=str(r["message_id"]),
            partnership=str(r["partnership"]),
            kind=str(r["kind"]),
            channel=str(r["channel"]),
            recipient=str(r["recipient"]),
            reference=str(r["reference"]),
            stream_id=str(r["stream_id"]),
            version=int(r["version"]),
            position=int(r["position"]),
            subscription_id=None if r["subscription_id"] is None else int(r["subscription_id"]),
            status=str(r["status"]),
            attempts=int(r["attempts"]),
            created_at=created,
            next_attempt_at=next_at,
            last_attempt_at=self.instant(r["last_attempt_at"]),
            first_failed_at=self.instant(r["first_failed_at"]),
            sent_at=self.instant(r["sent_at"]),
            last_error=str(r["last_error"]),
            payload=str(r["payload"]),
        )
