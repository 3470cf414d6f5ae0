"""The leaves of the verifiable log: every stored event (in notification order) and every
access-log row, each a leaf of one append-only Merkle tree, in the order they were appended.

A leaf's data is made from the stored row alone -- an event's notification id, stream id,
version, topic and stored bytes (encrypted and compressed as stored); an access-log row's
id and every column -- so that any change to a row, once appended, changes its leaf, and
verification can recompute every leaf from the rows without trusting anything else.

``log_leaves`` keeps each leaf's hash by position (with the row it was made from: kind
``e``/``a`` and the row's id), appended in batches, so a checkpoint reads only the leaves
added since the one before. It is a cache for making checkpoints and proofs, never trusted
by verification: its triggers refuse UPDATE and DELETE, but whoever disables them gains
nothing, because every leaf is recomputed from the rows and the root checked against a
signed checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from application.sidetables import SideTables
from domain.merkle import leaf_hash

if TYPE_CHECKING:
    from application.service import Safeguarding

EVENT, ACCESS = "e", "a"
# perfect subtrees of 2**NODE_LEVEL leaves and more are kept (``log_nodes``, about one row
# per 512 leaves), so that an inclusion proof reads a few blocks of leaves, not all of them
NODE_LEVEL = 10
# an access-log row committed this many ids behind the newest already appended is still
# looked for (PostgreSQL hands out ids before commit, so they may commit out of order)
ACCESS_LATE_WINDOW = 10_000
_ACCESS_COLUMNS = (
    "id, at, principal_id, role, partnership, case_id, reference, fields, request_id, operation"
)


def _u64(n: int) -> bytes:
    return int(n).to_bytes(8, "big", signed=True)


def _field(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


class EventRow(Protocol):
    """A stored event with its notification id (a ``Notification``, or a ``StoredRow``)."""

    @property
    def id(self) -> int: ...
    @property
    def originator_id(self) -> Any: ...
    @property
    def originator_version(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def state(self) -> bytes: ...


def _stream_bytes(originator_id: Any) -> bytes:
    """The stream id in one form whichever store gave it (a UUID, or SQLite's hex text):
    its 16 bytes, or the text of an id that is no UUID."""
    if isinstance(originator_id, UUID):
        return originator_id.bytes
    text = str(originator_id)
    hexed = text.replace("-", "")
    if len(hexed) == 32:
        try:
            return bytes.fromhex(hexed)
        except ValueError:
            pass
    return text.encode()


def event_leaf_data(n: EventRow) -> bytes:
    """What an event's leaf commits to: its place in the log and its stored bytes."""
    return b"".join(
        (
            b"tracker-event\x00",
            _u64(n.id),
            _field(_stream_bytes(n.originator_id)),
            _u64(n.originator_version),
            _field(n.topic.encode()),
            _field(bytes(n.state)),
        )
    )


def event_leaf(n: EventRow) -> bytes:
    return leaf_hash(event_leaf_data(n))


@dataclass(frozen=True)
class AccessRow:
    """An access-log row exactly as stored (``at`` as UTC ISO-8601 text)."""

    id: int
    values: tuple[str, ...]  # at, principal_id, role, ... operation

    @property
    def case_id(self) -> str:
        return self.values[4]

    def leaf(self) -> bytes:
        data = b"tracker-access\x00" + _u64(self.id)
        data += b"".join(_field(v.encode()) for v in self.values)
        return leaf_hash(data)


@dataclass(frozen=True)
class Leaf:
    position: int
    kind: str
    source: int
    hash: bytes


class LogTables(SideTables):
    """``log_leaves`` and ``log_checkpoints``, beside the events (the event store's own
    connections), and the rows they are made from."""

    def __init__(self, app: Safeguarding) -> None:
        super().__init__(app.datastore)
        self.app = app
        self.leaves = self.table("log_leaves")
        self.checkpoints = self.table("log_checkpoints")
        self.nodes = self.table("log_nodes")
        self.access = self.table("access_log")

    # ------------------------------------------------------------------ the rows

    def access_rows(self, ids: Sequence[int]) -> dict[int, AccessRow]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        statement = f"SELECT {_ACCESS_COLUMNS} FROM {self.access} WHERE id IN ({marks})"  # noqa: S608
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), tuple(ids))
            return {r.id: r for r in map(self._access_row, c.fetchall())}

    def _access_row(self, r: Any) -> AccessRow:
        values = list(r.values()) if isinstance(r, dict) else list(r)
        at = self.instant(values[1])
        assert at is not None
        text = at.astimezone(UTC).isoformat(timespec="microseconds")
        return AccessRow(int(values[0]), (text, *(str(v) for v in values[2:])))

    def new_access_rows(self, limit: int) -> list[AccessRow]:
        """Access-log rows not yet leaves, in id order (late commits included)."""
        statement = (
            f"SELECT {', '.join('a.' + c.strip() for c in _ACCESS_COLUMNS.split(','))} "  # noqa: S608
            f"FROM {self.access} a WHERE a.id > ? AND NOT EXISTS (SELECT 1 FROM {self.leaves} l "
            f"WHERE l.kind = '{ACCESS}' AND l.source = a.id) ORDER BY a.id LIMIT ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (self.last_source(ACCESS) - ACCESS_LATE_WINDOW, limit))
            return [self._access_row(r) for r in c.fetchall()]

    def unlogged_access_rows(self, up_to: int) -> list[int]:
        """Access-log rows up to ``up_to`` that are no leaf (inserted behind the log)."""
        statement = (
            f"SELECT a.id FROM {self.access} a WHERE a.id <= ? AND a.id < ? AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {self.leaves} l WHERE l.kind = '{ACCESS}' AND l.source = a.id) "
            "ORDER BY a.id LIMIT 100"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (up_to, up_to - ACCESS_LATE_WINDOW))
            return [int(self.row(r)["id"]) for r in c.fetchall()]

    # ------------------------------------------------------------------ the leaves

    def size(self) -> int:
        with self.cursor(commit=False) as c:
            c.execute(f"SELECT COALESCE(MAX(position) + 1, 0) AS n FROM {self.leaves}")  # noqa: S608
            return int(self.row(c.fetchone())["n"])

    def last_source(self, kind: str) -> int:
        with self.cursor(commit=False) as c:
            c.execute(
                self.sql(f"SELECT COALESCE(MAX(source), 0) AS n FROM {self.leaves} WHERE kind = ?"),  # noqa: S608
                (kind,),
            )
            return int(self.row(c.fetchone())["n"])

    def read(self, start: int, limit: int) -> list[Leaf]:
        statement = (
            f"SELECT position, kind, source, hash FROM {self.leaves} "  # noqa: S608
            "WHERE position >= ? ORDER BY position LIMIT ?"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (start, limit))
            rows = c.fetchall()
        if rows and isinstance(rows[0], dict):  # PostgreSQL's rows are dicts
            return [Leaf(r["position"], r["kind"], r["source"], bytes(r["hash"])) for r in rows]
        return [Leaf(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def scan(self, start: int = 0, stop: int | None = None, batch: int = 5000) -> Iterator[Leaf]:
        while True:
            leaves = self.read(start, batch)
            for leaf in leaves:
                if stop is not None and leaf.position >= stop:
                    return
                yield leaf
            if len(leaves) < batch:
                return
            start = leaves[-1].position + 1

    def stored_nodes(self, size: int) -> dict[tuple[int, int], bytes]:
        """The kept subtree hashes within the first ``size`` leaves (cache, not trusted)."""
        statement = f"SELECT level, idx, hash FROM {self.nodes}"  # noqa: S608
        with self.cursor(commit=False) as c:
            c.execute(statement)
            rows = [self.row(r) for r in c.fetchall()]
        return {
            (int(r["level"]), int(r["idx"])): bytes(r["hash"])
            for r in rows
            if (int(r["idx"]) + 1) << int(r["level"]) <= size
        }

    def positions_of(self, kind: str, sources: Sequence[int]) -> dict[int, int]:
        if not sources:
            return {}
        marks = ", ".join("?" * len(sources))
        statement = (
            f"SELECT source, position FROM {self.leaves} "  # noqa: S608
            f"WHERE kind = ? AND source IN ({marks})"
        )
        with self.cursor(commit=False) as c:
            c.execute(self.sql(statement), (kind, *sources))
            return {int(r["source"]): int(r["position"]) for r in map(self.row, c.fetchall())}

    def append_pending(self, *, batch: int = 5000) -> int:
        """Make leaves of every event and access-log row not yet in the log (events first,
        then access rows, a batch per transaction); returns how many were added."""
        self.setup()
        added = 0
        while True:
            start = self.last_source(EVENT) + 1
            rows: list[tuple[str, int, bytes]] = [
                (EVENT, n.id, event_leaf(n))
                for n in self.app.recorder.select_notifications(start=start, limit=batch)
            ]
            if not rows:
                rows = [(ACCESS, r.id, r.leaf()) for r in self.new_access_rows(batch)]
            if not rows:
                return added
            added += self._insert(rows)

    def _insert(self, rows: Sequence[tuple[str, int, bytes]]) -> int:
        """Append ``rows`` after the last leaf; 0 when another appender got there first."""
        with self.cursor(commit=True) as c:
            if self.postgres:
                c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("tracker:log-append",))
            else:  # a write first, so this transaction holds SQLite's write lock
                c.execute(f"DELETE FROM {self.leaves} WHERE position < 0")  # noqa: S608
            c.execute(f"SELECT COALESCE(MAX(position) + 1, 0) AS n FROM {self.leaves}")  # noqa: S608
            size = int(self.row(c.fetchone())["n"])
            kinds = {k for k, _, _ in rows}
            for kind in kinds:
                sources = [s for k, s, _ in rows if k == kind]
                marks = ", ".join("?" * len(sources))
                c.execute(
                    self.sql(
                        f"SELECT COUNT(*) AS n FROM {self.leaves} "  # noqa: S608
                        f"WHERE kind = ? AND source IN ({marks})"
                    ),
                    (kind, *sources),
                )
                if int(self.row(c.fetchone())["n"]):
                    return 0  # appended meanwhile: read again
            values = [(size + i, k, s, h) for i, (k, s, h) in enumerate(rows)]
            c.executemany(
                self.sql(
                    f"INSERT INTO {self.leaves} (position, kind, source, hash) VALUES (?, ?, ?, ?)"  # noqa: S608
                ),
                values,
            )
        return len(rows)


@dataclass(frozen=True)
class StoredRow:
    """An event row with its notification id (what ``event_leaf`` needs)."""

    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


def events_of_stream(tables: LogTables, stream_id: Any) -> list[StoredRow]:
    """One stream's stored rows with their notification ids, by version."""
    recorder: Any = tables.app.recorder
    name = recorder.events_table_name
    if tables.postgres:
        statement = (
            f"SELECT notification_id AS id, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {tables.table(name)} WHERE originator_id = %s ORDER BY originator_version"
        )
        key: Any = stream_id
    else:
        statement = (
            f"SELECT rowid AS id, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {name} WHERE originator_id = ? ORDER BY originator_version"
        )
        key = stream_id.hex if hasattr(stream_id, "hex") else str(stream_id)
    with tables.cursor(commit=False) as c:
        c.execute(statement, (key,))
        rows = [tables.row(r) for r in c.fetchall()]
    return [
        StoredRow(
            int(r["id"]),
            stream_id,
            int(r["originator_version"]),
            str(r["topic"]),
            bytes(r["state"]),
        )
        for r in rows
    ]
