"""Signed checkpoints of the verifiable log (``log_checkpoints``).

``make`` appends the leaves not yet in the log, then extends the previous checkpoint's
frontier (its compact range, kept with it) by the new leaves only and signs the new tree
head. Before it signs, it checks that the stored frontier really is the one the previous
signed checkpoint commits to (its root, under a known key): a log never signs a tree
inconsistent with one it signed before. With no checkpoint yet, the first covers every
event and access-log row stored so far. A checkpoint is made even when nothing was added
(a new time, the same tree), so that one goes out every day.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from application.ledger.leaves import NODE_LEVEL, LogTables
from application.ledger.notes import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    read_checkpoint,
)
from domain.merkle import Frontier, ProofError

if TYPE_CHECKING:
    from application.service import Safeguarding


class LogInconsistentError(RuntimeError):
    """The stored log does not extend the last signed checkpoint: nothing is signed."""


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    size: int
    root: bytes
    at: datetime
    key_id: str
    frontier: bytes
    note: str

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode()


class Checkpoints:
    """Make, keep and read the log's signed checkpoints."""

    def __init__(self, app: Safeguarding, tables: LogTables | None = None) -> None:
        self.app = app
        self.tables = tables or LogTables(app)

    def make(self, signer: Signer, known: list[Verifier] | None = None) -> StoredCheckpoint:
        """Append what is new, sign the tree head, keep it; LogInconsistentError when the
        stored log no longer extends the last signed checkpoint."""
        self.tables.setup()
        self.tables.append_pending()
        verifiers = list({str(v): v for v in [signer.verifier, *(known or [])]}.values())
        frontier = self._frontier_after(self.latest(), verifiers)
        nodes: list[tuple[int, int, bytes]] = []
        for leaf in self.tables.scan(start=frontier.size):
            if leaf.position != frontier.size:
                raise LogInconsistentError(
                    f"the log has no leaf at position {frontier.size} (found {leaf.position})"
                )
            nodes += [n for n in frontier.append(leaf.hash) if n[0] >= NODE_LEVEL]
        checkpoint = Checkpoint(signer.name, frontier.size, frontier.root(), self.app.clock())
        note = signer.sign(checkpoint.text())
        t = self.tables
        with t.cursor(commit=True) as c:
            if nodes:
                c.executemany(
                    t.sql(
                        f"INSERT INTO {t.nodes} (level, idx, hash) VALUES (?, ?, ?) "  # noqa: S608
                        "ON CONFLICT DO NOTHING"
                    ),
                    nodes,
                )
            c.execute(
                t.sql(
                    f"INSERT INTO {t.checkpoints} (size, root, at, key_id, frontier, note) "  # noqa: S608
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
                ),
                (
                    checkpoint.size,
                    checkpoint.root,
                    t.at(checkpoint.at),
                    signer.verifier.id.hex(),
                    frontier.to_bytes(),
                    note,
                ),
            )
            new_id = int(t.row(c.fetchone())["id"])
        return StoredCheckpoint(
            new_id,
            checkpoint.size,
            checkpoint.root,
            checkpoint.at,
            signer.verifier.id.hex(),
            frontier.to_bytes(),
            note,
        )

    def _frontier_after(self, last: StoredCheckpoint | None, verifiers: list[Verifier]) -> Frontier:
        if last is None:
            return Frontier()
        try:
            signed = read_checkpoint(last.note, verifiers).checkpoint
            frontier = Frontier.from_bytes(last.size, last.frontier)
        except (NoteError, ProofError) as e:
            raise LogInconsistentError(
                f"the last checkpoint (#{last.id}) cannot be checked: {e}; nothing signed"
            ) from None
        if signed.size != last.size or frontier.root() != signed.root:
            raise LogInconsistentError(
                f"the stored state of the last checkpoint (#{last.id}, {signed.size} leaves) "
                "is not what it signed: the log's tables were altered; nothing signed"
            )
        return frontier

    # ------------------------------------------------------------------ reading

    def latest(self) -> StoredCheckpoint | None:
        found = self._select("ORDER BY id DESC LIMIT 1")
        return found[0] if found else None

    def all(self) -> list[StoredCheckpoint]:
        return self._select("ORDER BY id")

    def _select(self, tail: str) -> list[StoredCheckpoint]:
        self.tables.setup()
        t = self.tables
        statement = f"SELECT id, size, root, at, key_id, frontier, note FROM {t.checkpoints} {tail}"  # noqa: S608
        with t.cursor(commit=False) as c:
            c.execute(statement)
            rows = [t.row(r) for r in c.fetchall()]
        out = []
        for r in rows:
            at = t.instant(r["at"])
            assert at is not None
            out.append(
                StoredCheckpoint(
                    int(r["id"]),
                    int(r["size"]),
                    bytes(r["root"]),
                    at,
                    str(r["key_id"]),
                    bytes(r["frontier"]),
                    str(r["note"]),
                )
            )
        return out
