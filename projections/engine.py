"""The projection engine: read models built from the notification log, exactly once.

Each read model has a row in ``rm_tracking`` (its name, version and the log position it has
reached). The engine reads the log in batches and, for each model, writes the batch's view
changes *and* the new position in one transaction: a crash at any point leaves the model at
the end of its last committed batch, and the next run resumes there, so no event is lost or
counted twice.

A rebuild replays the log from zero into fresh tables (``rm_next_*``) while readers go on
reading the old ones, then swaps them in within one transaction: readers never see a
half-built model. A model whose version differs from the one recorded rebuilds itself so
when the projector starts. How the fresh tables are filled (every stream folded once,
split across worker processes on PostgreSQL) is ``projections.rebuild``; how stored events
become domain events, ``projections.decoding``. Nothing of a rebuild is visible, or kept
after a crash, until the swap records the position it reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from application.service import Safeguarding
from projections import quarantine
from projections.decoding import CHAINED_TOPICS, Applied, Decoder, Row
from projections.rebuild import NEXT, plan_workers, replay, replay_in_parallel
from projections.store import Cursor, ReadStore

log = logging.getLogger("tracker.projector")

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tracking ("
    "name TEXT PRIMARY KEY, version INTEGER NOT NULL, position BIGINT NOT NULL)"
)


def _track(c: Cursor, model: ReadModel, position: int) -> None:
    """Record that ``model`` (at its version) has reached ``position``."""
    c.execute("DELETE FROM rm_tracking WHERE name = ?", (model.name,))
    c.execute(
        "INSERT INTO rm_tracking (name, version, position) VALUES (?, ?, ?)",
        (model.name, model.version, position),
    )


def _move(c: Cursor, model: ReadModel, position: int) -> None:
    c.execute("UPDATE rm_tracking SET position = ? WHERE name = ?", (position, model.name))


def _forget(model: ReadModel) -> None:
    forget = getattr(model, "forget", None)
    if forget is not None:
        forget()  # its in-memory states may be ahead of a rolled-back batch


def _set_aside(c: Cursor, model: ReadModel, bad: Sequence[tuple[Row, Exception]]) -> None:
    """Quarantine, for ``model``, the stored events that could not be decoded."""
    for (position, stream, version, topic, _), error in bad:
        log.error(
            "read model %s set aside the undecodable event at position %d (%s)",
            model.name,
            position,
            type(error).__name__,
        )
        quarantine.record(c, model.name, position, stream, version, topic, error)


class ReadModel(Protocol):
    name: str  # its row in rm_tracking
    base: str  # the model, whatever its tables' prefix
    version: int
    tables: tuple[str, ...]

    def create(self, c: Cursor) -> None: ...
    def index(self, c: Cursor) -> None: ...
    def drop(self, c: Cursor) -> None: ...
    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None: ...


ModelFactory = Callable[[str], Sequence[ReadModel]]  # prefix -> every model


class Projector:
    def __init__(
        self,
        app: Safeguarding,
        store: ReadStore,
        models: Sequence[ReadModel],
        factory: ModelFactory | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.models = list(models)
        self.factory = factory  # makes the fresh models a rebuild replays into
        self.decoder = Decoder(app)
        self._tracking_made = False  # rm_tracking exists (it is never dropped)
        self._built = False  # every model seen at position 0 or more (see ``wait``)

    def setup(self, progress: Callable[[int], object] | None = None) -> None:
        """Create what is missing; rebuild any model whose version changed."""
        stale = []
        with self.store.transaction() as c:
            self.store.serialise(c, "read-models")
            c.execute(TRACKING_DDL)
            c.execute(quarantine.DDL)
            for model in self.models:
                c.execute("SELECT version FROM rm_tracking WHERE name = ?", (model.name,))
                row = c.fetchone()
                if row is not None and int(row[0]) != model.version:
                    stale.append(model)
                    continue
                model.create(c)
                model.index(c)
                if row is None:
                    _track(c, model, 0)
        if stale:
            self.rebuild(*(m.base for m in stale), progress=progress)

    def rebuild(
        self,
        *bases: str,
        batch_size: int = 10_000,
        progress: Callable[[int], object] | None = None,
        workers: int | None = None,
    ) -> None:
        """Replay the log into fresh tables for ``bases`` (one pass for all of them), then
        swap them in within one transaction.

        On PostgreSQL the streams are split between ``workers`` processes (default: one per
        core, up to 4, for logs of 50,000 events or more), each replaying its own streams
        into the same fresh tables. A crash anywhere leaves only the fresh tables, which the
        next rebuild drops: the live models are replaced at the swap or not at all."""
        if self.factory is None:
            raise RuntimeError("this projector was made without a model factory")
        made = {m.base: m for m in self.factory(NEXT)}
        fresh = [made[b] for b in bases]
        live = [next(m for m in self.models if m.base == b) for b in bases]
        end = self.app.recorder.max_notification_id() or 0
        with self.store.transaction() as c:
            self.store.serialise(c, "read-models")
            c.execute(TRACKING_DDL)
            c.execute(quarantine.DDL)
            for f in fresh:
                f.drop(c)  # what a killed rebuild left, if anything
                f.create(c)  # no indexes while loading; they are built at the swap
                _track(c, f, 0)
                quarantine.clear(c, f.name)
        worker = plan_workers(self.app, self.store, self.factory, bases, end, batch_size, workers)
        if worker is None:
            replay(self.app, self.store, fresh, end, batch_size, progress)
        else:
            replay_in_parallel(self.app, self.store, worker, fresh, progress)
        with self.store.transaction() as c:
            for f, old in zip(fresh, live, strict=True):
                old.drop(c)
                for new_table, table in zip(f.tables, old.tables, strict=True):
                    c.execute(f"ALTER TABLE {new_table} RENAME TO {table}")
                old.index(c)
                if self.store.is_postgres:  # the planner's statistics of the new tables
                    for table in old.tables:
                        c.execute(f"ANALYZE {table}")
                c.execute("DELETE FROM rm_tracking WHERE name = ?", (f.name,))
                _track(c, old, end)
                quarantine.rename(c, f.name, old.name)
        for old in live:
            forget = getattr(old, "forget", None)
            if forget is not None:
                forget()  # its in-memory states describe the tables just replaced

    def positions(self) -> dict[str, int]:
        """Each model's position in the log (-1: never built here)."""
        with self.store.transaction() as c:
            if not self._tracking_made:
                c.execute(TRACKING_DDL)  # a reader may come before any projector
            c.execute("SELECT name, position FROM rm_tracking")
            found = {str(name): int(pos) for name, pos in c.fetchall()}
        self._tracking_made = True
        return {m.name: found.get(m.name, -1) for m in self.models}

    def run_once(self, batch_size: int = 1000) -> int:
        """Project the next batch of the log into every model behind; returns events read.

        An event a model cannot take (it does not decode, or its rows cannot be written)
        is quarantined for that model (``projections.quarantine``) and the model moves on."""
        positions = self.positions()
        start = max(0, min(positions.values(), default=0))
        notifications = self.app.recorder.select_notifications(start=start + 1, limit=batch_size)
        if not notifications:
            return 0
        decoded, failed = self.decoder.decode_tolerant(
            [
                (n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in notifications
                if n.topic.startswith(CHAINED_TOPICS)
            ]
        )
        last = notifications[-1].id
        behind = [m for m in self.models if positions[m.name] < last]
        work = [
            (
                model,
                [a for a in decoded if a.position > positions[model.name]],
                [(row, e) for row, e in failed if row[0] > positions[model.name]],
            )
            for model in behind
        ]
        try:
            # every model's rows and position in one transaction: one commit per batch
            with self.store.transaction() as c:
                self._derived(c)
                for model, mine, bad in work:
                    model.apply(c, mine)
                    _set_aside(c, model, bad)
                names = [model.name for model, _, _ in work]
                if names:
                    c.execute(
                        "UPDATE rm_tracking SET position = ? "  # noqa: S608 - placeholders only
                        f"WHERE name IN ({', '.join('?' * len(names))})",
                        (last, *names),
                    )
        except Exception:
            for model, _, _ in work:
                _forget(model)
            for model, mine, bad in work:  # again a model at a time: one failing holds none back
                try:
                    with self.store.transaction() as c:
                        self._derived(c)
                        model.apply(c, mine)
                        _set_aside(c, model, bad)
                        _move(c, model, last)
                except Exception:
                    _forget(model)
                    self._one_at_a_time(model, mine, bad, last)
                except BaseException:
                    _forget(model)
                    raise
        except BaseException:
            for model, _, _ in work:
                _forget(model)  # in-memory state may be ahead of the rolled-back batch
            raise
        return len(notifications)

    def _derived(self, c: Cursor) -> None:
        """A projection's commit need not wait for its WAL record to reach the disk: its
        rows and its position commit together or not at all, so a crash can lose only the
        last batches' commits, which the projector then reads again from the log (derived
        data, exactly once still)."""
        if self.store.is_postgres:
            c.execute("SET LOCAL synchronous_commit TO off")

    def _one_at_a_time(
        self,
        model: ReadModel,
        batch: Sequence[Applied],
        bad: Sequence[tuple[Row, Exception]],
        last: int,
    ) -> None:
        """A batch that failed, again an event at a time: each event the model cannot
        write is quarantined, with the position, in one transaction."""
        pending = sorted(bad, key=lambda b: b[0][0])
        for a in batch:
            before = [b for b in pending if b[0][0] < a.position]
            pending = pending[len(before) :]
            try:
                with self.store.transaction() as c:
                    _set_aside(c, model, before)
                    model.apply(c, [a])
                    _move(c, model, a.position)
            except Exception as e:
                _forget(model)
                event = a.event
                log.error(
                    "read model %s set aside the event at position %d (%s)",
                    model.name,
                    a.position,
                    type(e).__name__,
                )
                with self.store.transaction() as c:
                    _set_aside(c, model, before)
                    quarantine.record(
                        c,
                        model.name,
                        a.position,
                        event.originator_id,
                        event.originator_version,
                        f"{type(event).__module__}:{type(event).__qualname__}",
                        e,
                    )
                    _move(c, model, a.position)
        with self.store.transaction() as c:
            _set_aside(c, model, pending)
            _move(c, model, last)

    def catch_up(
        self, batch_size: int = 1000, progress: Callable[[int], object] | None = None
    ) -> int:
        """Run batches until the models have reached the end of the log."""
        total = 0
        while True:
            n = self.run_once(batch_size)
            if not n:
                return total
            total += n
            if progress:
                progress(n)

    def follow(
        self,
        stop: Callable[[], bool],
        *,
        batch_size: int = 1000,
        poll: float = 0.5,
        progress: Callable[[int], object] | None = None,
    ) -> None:
        """Keep the models caught up until ``stop()``: woken by the event store's NOTIFY on
        PostgreSQL, polling every ``poll`` seconds on SQLite (and as a fallback)."""
        channel = getattr(self.app.recorder, "channel_name", "")
        while not stop():
            if self.catch_up(batch_size, progress) == 0:
                self.store.wait_for_events(channel, poll)

    def quarantined(self, after: int = 0) -> list[quarantine.Quarantined]:
        """The events this projector's models set aside (past position ``after``)."""
        with self.store.transaction() as c:
            return quarantine.listed(c, after, tuple(m.name for m in self.models))

    def quarantine_counts(self) -> dict[str, int]:
        """How many events each of this projector's models set aside."""
        with self.store.transaction() as c:
            found = quarantine.counts(c)
        return {m.name: found.get(m.name, 0) for m in self.models}

    def lag(self) -> dict[str, int]:
        """How many log positions each model is behind the log's end."""
        end = self.app.recorder.max_notification_id() or 0
        return {name: end - max(pos, 0) for name, pos in self.positions().items()}

    def wait(self, position: int, timeout: float) -> bool:
        """Block until every model has reached ``position`` (read-your-writes).

        Once every model has been built (position 0 or more), a read that waits for no
        position (0) asks nothing more: a model, once built, stays built."""
        if position <= 0 and self._built:
            return True
        deadline = time.monotonic() + timeout
        while True:
            if min(self.positions().values(), default=0) >= position:
                self._built = True
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
