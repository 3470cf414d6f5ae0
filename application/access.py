"""The access log: who read whose personal data, when, through which request (DESIGN §6).

Every read that returns personal data (names, dates of birth, addresses, NHS numbers, free
text) by any role appends one row per case read: the principal, the case, the fields
returned, the instant and the request id. The table is append-only: database triggers
refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), so a row, once written, stays.

The rows live beside the events, in the same SQLite file or PostgreSQL schema, and are
written through the event store's own connections. A read that cannot be logged is not
answered: the caller writes the log entries before handing out the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.context import Principal
from application.sidetables import SideTables

_COLUMNS = "at, principal_id, role, partnership, case_id, reference, fields, request_id, operation"


@dataclass(frozen=True)
class AccessEntry:
    """One read of one case's personal data."""

    at: datetime
    principal_id: str
    role: str
    partnership: str
    case_id: str
    reference: str
    fields: tuple[str, ...]
    request_id: str
    operation: str
    id: int = 0  # given by the database


def entry(
    principal: Principal,
    *,
    at: datetime,
    partnership: str,
    case_id: str,
    reference: str,
    fields: Sequence[str],
    request_id: str,
    operation: str,
) -> AccessEntry:
    return AccessEntry(
        at=at,
        principal_id=principal.id,
        role=principal.role.value,
        partnership=partnership,
        case_id=case_id,
        reference=reference,
        fields=tuple(sorted(set(fields))),
        request_id=request_id,
        operation=operation,
    )


class AccessLog(SideTables):
    """Append and read the access log through the event store's datastore."""

    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore)
        self.access_table = self.table("access_log")

    def append(self, entries: Sequence[AccessEntry]) -> None:
        """Write ``entries`` in one transaction (all of them, or none and an error)."""
        if not entries:
            return
        self.setup()
        rows = [
            (
                self.at(e.at),
                e.principal_id,
                e.role,
                e.partnership,
                e.case_id,
                e.reference,
                ",".join(e.fields),
                e.request_id,
                e.operation,
            )
            for e in entries
        ]
        marks = ", ".join("?" * 9)
        with self.cursor(commit=True) as c:
            c.executemany(
                self.sql(f"INSERT INTO {self.access_table} ({_COLUMNS}) VALUES ({marks})"),  # noqa: S608
                rows,
            )

    def read(
        self,
        *,
        partnerships: Sequence[str],
        case_id: str | None = None,
        principal_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[AccessEntry]:
        """Entries of ``partnerships`` in the order written, after ``after_id``."""
        self.setup()
        if not partnerships:
            return []
        where, params = self._filters(partnerships, case_id, principal_id, since, until)
        statement = (
            f"SELECT id, {_COLUMNS} FROM {self.access_table} "  # noqa: S608 - our table, bound values
            f"WHERE {' AND '.join([*where, 'id > ?'])} ORDER BY id LIMIT ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (*params, after_id, limit))
            rows = c.fetchall()
        return [self._entry(r) for r in rows]

    def count(
        self,
        *,
        partnerships: Sequence[str],
        case_id: str | None = None,
        principal_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many entries ``read`` would give with these filters, over all pages."""
        self.setup()
        if not partnerships:
            return 0
        where, params = self._filters(partnerships, case_id, principal_id, since, until)
        statement = (
            f"SELECT COUNT(*) FROM {self.access_table} "  # noqa: S608 - our table, bound values
            f"WHERE {' AND '.join(where)}"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), params)
            row = c.fetchone()
        return int(next(iter(row.values())) if isinstance(row, dict) else row[0])

    def _filters(
        self,
        partnerships: Sequence[str],
        case_id: str | None,
        principal_id: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[list[str], list[Any]]:
        where = [f"partnership IN ({', '.join('?' * len(partnerships))})"]
        params: list[Any] = [*partnerships]
        for clause, value in (
            ("case_id = ?", case_id),
            ("principal_id = ?", principal_id),
            ("at >= ?", since),
            ("at < ?", until),
        ):
            if value is not None:
                where.append(clause)
                params.append(self.at(value) if isinstance(value, datetime) else value)
        return where, params

    def _entry(self, r: Any) -> AccessEntry:
        values = list(r.values()) if isinstance(r, dict) else list(r)
        id_, at, principal_id, role, partnership, case_id, reference, fields, rid, op = values
        when = self.instant(at)
        assert when is not None
        return AccessEntry(
            at=when,
            principal_id=principal_id,
            role=role,
            partnership=partnership,
            case_id=case_id,
            reference=reference,
            fields=tuple(f for f in str(fields).split(",") if f),
            request_id=rid,
            operation=op,
            id=int(id_),
        )
