"""Rebuilding read models: the log replayed from zero into fresh tables, by one process or
several.

A rebuild is not a long run of live batches: it reads the log up to the position where it
began *stream by stream* (``read_streams``: every stream's events in version order, the
streams in id order, through the events table's primary key), so a stream's last state is
known as soon as the next stream begins. The models that follow each stream's state
(``FoldingModel``) fold it and write its rows then, and the state is dropped: memory holds
a batch of events and the states still being folded, whatever the log's length (the
notification-order read this replaced had to hold every stream's state until the end of
the log). On PostgreSQL the streams can be split between worker processes (``Partition``:
a range of stream ids each), each replaying its share into the same fresh tables. The
engine (``projections.engine``) makes the fresh tables, runs this, and swaps them in.
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from uuid import UUID

from psycopg import sql

from application.service import Safeguarding
from domain.calendar import WorkingDayCalendar
from projections import quarantine
from projections.decoding import CHAINED_TOPICS, Applied, Decoder, Row
from projections.lifeline import PARENT_VARIABLE, die_with_parent
from projections.store import Cursor, ReadStore

if TYPE_CHECKING:  # the engine runs rebuilds: it imports this module
    from projections.engine import ModelFactory, ReadModel

NEXT = "rm_next_"  # the prefix of a rebuild's fresh tables


@runtime_checkable
class FoldingModel(Protocol):
    """A model that follows each stream's state (``projections.fold``): a rebuild folds the
    whole log first, then has it write each state's rows once."""

    fold: Any

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None: ...


@dataclass(frozen=True)
class Partition:
    """The streams one rebuild worker replays: the ``index``-th of ``count`` equal ranges
    of stream ids (ids are random: each range holds about as many streams)."""

    index: int
    count: int

    def bounds(self) -> tuple[UUID, UUID | None]:
        """The first stream id of the range, and the first one past it (None: the end)."""
        size = (1 << 128) // self.count
        lo = UUID(int=self.index * size)
        hi = None if self.index == self.count - 1 else UUID(int=(self.index + 1) * size)
        return lo, hi


StreamKey = tuple[UUID, int]  # a stream id and a version: where a stream-order read is


def read_streams(
    app: Safeguarding,
    store: ReadStore,
    after: StreamKey,
    end: int,
    limit: int,
    upto: UUID | None = None,
) -> list[Row]:
    """At most ``limit`` chained events at log positions up to ``end``, in stream order (by
    stream id, then version) from just after ``after``, of the streams before ``upto``
    (None: all the rest). Fewer than ``limit``: there are no more.

    Both stores walk the events table's primary key (originator id, version); the rows a
    position past ``end`` or another topic leaves out are skipped by the database."""
    stream, version = after
    if store.is_postgres:
        chained = sql.SQL(" OR ").join(
            sql.SQL("starts_with(topic, {})").format(sql.Literal(t)) for t in CHAINED_TOPICS
        )
        table = getattr(app.recorder, "events_table_name", "")
        bound = sql.SQL(" AND originator_id < %s") if upto is not None else sql.SQL("")
        statement = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {} WHERE (originator_id, originator_version) > (%s, %s){} "
            "AND notification_id <= %s AND ({}) "
            "ORDER BY originator_id, originator_version LIMIT %s"
        ).format(sql.Identifier(table), bound, chained)
        params: tuple[Any, ...] = (stream, version)
        params += ((upto,) if upto is not None else ()) + (end, limit)
        with store.transaction() as c:
            raw = getattr(c, "raw")  # noqa: B009 - the psycopg cursor under ours
            # Walk the primary key in order and stop at the limit. The planner, which cannot
            # tell how many rows the topic filter keeps, would otherwise take a bitmap scan
            # of the whole rest of the range and sort it (seconds a batch at a million
            # events, against milliseconds this way).
            for setting in ("enable_bitmapscan", "enable_seqscan", "enable_sort", "jit"):
                raw.execute(sql.SQL("SET LOCAL {} = off").format(sql.Identifier(setting)))
            raw.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            raw.execute(statement, params, binary=True)
            rows: list[Row] = raw.fetchall()
        return rows
    if upto is not None:
        raise ValueError("partitions are read on PostgreSQL only")
    recorder = app.recorder
    table = getattr(recorder, "events_table_name", "stored_events")
    # a topic starts with "domain.case:" when it lies between that and "domain.case;"
    chained_sqlite = " OR ".join("(topic >= ? AND topic < ?)" for _ in CHAINED_TOPICS)
    prefixes: list[str] = []
    for t in CHAINED_TOPICS:
        prefixes += [t, t[:-1] + chr(ord(t[-1]) + 1)]
    with recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        c.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "  # noqa: S608
            f"WHERE (originator_id, originator_version) > (?, ?) AND rowid <= ? "
            f"AND ({chained_sqlite}) ORDER BY originator_id, originator_version LIMIT ?",
            (stream.hex, version, end, *prefixes, limit),
        )
        found = c.fetchall()
    return [(int(r[0]), UUID(r[1]), int(r[2]), str(r[3]), bytes(r[4])) for r in found]


def read_log(
    app: Safeguarding,
    store: ReadStore,
    after: int,
    end: int,
    limit: int,
) -> tuple[list[Row], int]:
    """The chained events after position ``after`` up to ``end``, in log order, at most
    ``limit`` of them, and the position read up to (the earlier rebuild's reader, kept for
    the benchmark's raw read: ``read_streams`` is what a rebuild reads now).

    On PostgreSQL a read spans at most ``limit`` positions (not rows): so each statement
    stays an index range of known size, whatever the planner knows of the table. Rows come
    in binary (bytea as is, not hex)."""
    if store.is_postgres:
        chained = sql.SQL(" OR ").join(
            sql.SQL("starts_with(topic, {})").format(sql.Literal(t)) for t in CHAINED_TOPICS
        )
        table = getattr(app.recorder, "events_table_name", "")
        statement = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {} WHERE notification_id > %s AND notification_id <= %s AND ({}) "
            "ORDER BY notification_id"
        ).format(sql.Identifier(table), chained)
        upto = min(end, after + limit)
        with store.transaction() as c:
            raw = getattr(c, "raw")  # noqa: B009 - the psycopg cursor under ours
            raw.execute("SET LOCAL work_mem = '64MB'")
            raw.execute(statement, (after, upto), binary=True)
            rows: list[Row] = raw.fetchall()
        return rows, upto
    notifications = app.recorder.select_notifications(start=after + 1, limit=limit, stop=end)
    rows = [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in notifications
        if n.topic.startswith(CHAINED_TOPICS)
    ]
    return rows, (notifications[-1].id if len(notifications) == limit else end)


def replay(
    app: Safeguarding,
    store: ReadStore,
    models: Sequence[ReadModel],
    end: int,
    batch_size: int,
    progress: Callable[[int], object] | None = None,
    partition: Partition | None = None,
) -> None:
    """Replay the log up to ``end`` into the fresh (empty) tables of ``models``, stream by
    stream: each batch's events are applied by the models that take events as they come,
    folded by those that follow each stream's state, and the states of the streams the
    batch finished are written and dropped."""
    gc.freeze()  # what exists now is kept: collections walk only what the replay makes
    try:
        _replay(app, store, models, end, batch_size, progress, partition)
    finally:
        gc.unfreeze()


def _replay(
    app: Safeguarding,
    store: ReadStore,
    models: Sequence[ReadModel],
    end: int,
    batch_size: int,
    progress: Callable[[int], object] | None,
    partition: Partition | None,
) -> None:
    decoder = Decoder(app)
    folding = [m for m in models if isinstance(m, FoldingModel)]
    plain = [m for m in models if not isinstance(m, FoldingModel)]
    folds = list({id(m.fold): m.fold for m in folding}.values())
    last: dict[Any, int] = {}  # the unwritten states' streams' last positions
    lo, upto = partition.bounds() if partition is not None else (UUID(int=0), None)
    after: StreamKey = (lo, 0)
    scale = partition.count if partition is not None else 1
    while True:
        rows = read_streams(app, store, after, end, batch_size, upto)
        done = len(rows) < batch_size
        if rows:
            after = (rows[-1][1], rows[-1][2])
        batch, failed = decoder.decode_tolerant(rows)
        if failed:
            with store.transaction() as c:
                for (at, stream, version, topic, _), error in failed:
                    for model in models:
                        quarantine.record(c, model.name, at, stream, version, topic, error)
        for a in batch:
            last[a.event.originator_id] = a.position
        if batch and plain:
            try:
                with store.transaction() as c:
                    for model in plain:
                        model.apply(c, batch)
            except Exception:
                for model in plain:
                    _apply_each(store, model, batch)
        for fold in folds:
            try:
                fold.advance(batch, keep_all=True)
            except Exception:
                _advance_each(store, fold, [m for m in folding if m.fold is fold], batch)
        # every stream but the batch's last is finished (the next batch starts after it)
        going_on = None if done else after[0]
        for fold in folds:
            users = [m for m in folding if m.fold is fold]
            _write_states(store, users, fold.take_finished(going_on), last)
        last = {going_on: last[going_on]} if going_on in last else {}
        if progress:
            progress(len(rows) * scale)
        if done:
            return


def _write_states(
    store: ReadStore, users: Sequence[Any], states: Sequence[Any], last: dict[Any, int]
) -> None:
    for start in range(0, len(states), 2000):
        chunk = states[start : start + 2000]
        try:
            with store.transaction() as c:
                for model in users:
                    model.write(c, chunk, replace=False)
        except Exception:
            for model in users:
                _write_each(store, model, chunk, last)


# A batch that failed in a rebuild, again an event (or a state) at a time: what a model
# cannot take is quarantined and the rebuild goes on (as the live projector does).


def _apply_each(store: ReadStore, model: ReadModel, batch: Sequence[Applied]) -> None:
    for a in batch:
        try:
            with store.transaction() as c:
                model.apply(c, [a])
        except Exception as e:
            _set_aside(store, [model], a.position, a.event, e)


def _advance_each(
    store: ReadStore, fold: Any, users: Sequence[Any], batch: Sequence[Applied]
) -> None:
    for a in batch:
        try:
            fold.advance([a], keep_all=True)
        except Exception as e:
            _set_aside(store, users, a.position, a.event, e)


def _write_each(store: ReadStore, model: Any, states: Sequence[Any], last: dict[Any, int]) -> None:
    for state in states:
        try:
            with store.transaction() as c:
                model.write(c, [state], replace=False)
        except Exception as e:
            with store.transaction() as c:
                quarantine.record(
                    c,
                    model.name,
                    last.get(state.id, 0),
                    state.id,
                    state.version,
                    f"{type(state).__module__}:{type(state).__qualname__}",
                    e,
                )


def _set_aside(
    store: ReadStore, models: Sequence[Any], position: int, event: Any, error: Exception
) -> None:
    with store.transaction() as c:
        for model in models:
            quarantine.record(
                c,
                model.name,
                position,
                event.originator_id,
                event.originator_version,
                f"{type(event).__module__}:{type(event).__qualname__}",
                error,
            )


@dataclass(frozen=True)
class _Worker:
    """What a rebuild worker process needs to build the same models as the projector."""

    settings: Any
    partnerships: Any
    closures: tuple[date, ...]  # the calendar's extra closures (a calendar holds a lock)
    factory: Callable[..., Sequence[ReadModel]]
    bases: tuple[str, ...]
    end: int
    batch_size: int


def worker_main() -> None:
    """A rebuild worker process's main: replay the partition given on stdin."""
    die_with_parent()
    worker, partition = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our parent
    _run_worker(worker, partition)


def _run_worker(worker: _Worker, partition: Partition) -> None:
    calendar = WorkingDayCalendar(worker.closures)
    app = Safeguarding(worker.settings, partnerships=worker.partnerships, calendar=calendar)
    store = ReadStore(worker.settings)
    try:
        made = {m.base: m for m in worker.factory(app, NEXT)}
        models = [made[b] for b in worker.bases]
        replay(app, store, models, worker.end, worker.batch_size, None, partition)
    finally:
        store.close()
        app.close()


def plan_workers(
    app: Safeguarding,
    store: ReadStore,
    factory: ModelFactory,
    bases: Sequence[str],
    end: int,
    batch_size: int,
    workers: int | None,
) -> tuple[_Worker, int] | None:
    """How to start rebuild workers, and how many processes in all; None: replay here.

    Workers are separate processes (spawned, not forked): they make the projector's
    models with its factory, which must be ``functools.partial(f, app)`` of a
    module-level ``f`` (as ``read_models`` is used)."""
    count = workers
    if count is None:
        count = min(os.cpu_count() or 1, 4) if end >= 50_000 else 1
    if (
        count < 2
        or not store.is_postgres
        or type(app) is not Safeguarding
        or not isinstance(factory, functools.partial)
        or len(factory.args) != 1
        or factory.args[0] is not app
        or factory.keywords
    ):
        return None
    closures = _closures(app.calendar)
    if closures is None:
        return None
    worker = _Worker(
        settings=app.settings,
        partnerships=app.partnerships,
        closures=closures,
        factory=factory.func,
        bases=tuple(bases),
        end=end,
        batch_size=batch_size,
    )
    return worker, count


def replay_in_parallel(
    app: Safeguarding,
    store: ReadStore,
    spec: tuple[_Worker, int],
    fresh: Sequence[ReadModel],
    progress: Callable[[int], object] | None,
) -> None:
    """Replay the log into ``fresh`` with ``spec``'s processes: this one replays partition
    0 while each worker replays its own; a failed worker fails the rebuild."""
    worker, count = spec
    # A fresh interpreter per worker (not multiprocessing: it would re-run the caller's
    # main module), told what to replay on its stdin.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        PARENT_VARIABLE: str(os.getpid()),
    }
    processes = []
    try:
        for index in range(1, count):
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from projections.rebuild import worker_main; worker_main()",
                ],
                stdin=subprocess.PIPE,
                env=env,
            )
            processes.append(process)
            assert process.stdin is not None
            process.stdin.write(pickle.dumps((worker, Partition(index, count))))
            process.stdin.close()
        # this process replays partition 0 meanwhile
        replay(
            app,
            store,
            fresh,
            worker.end,
            worker.batch_size,
            progress,
            Partition(0, count),
        )
        failed = [i for i, p in enumerate(processes, 1) if p.wait() != 0]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    if failed:
        raise RuntimeError(f"rebuild worker(s) {failed} of {count} failed")


def _closures(calendar: WorkingDayCalendar) -> tuple[date, ...] | None:
    """The extra closures that make an equal calendar in a worker process (a calendar keeps
    a lock, so it cannot be sent). None: not a calendar we know how to remake."""
    if type(calendar) is not WorkingDayCalendar:
        return None
    return calendar.extra_closures
