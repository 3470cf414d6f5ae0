"""Rebuilding read models: the log replayed from zero into fresh tables, by one process or
several.

A rebuild is not a long run of live batches: it reads the log up to the position where it
began, folds every stream to its last state in memory (the models that follow each
stream's state: ``FoldingModel``) and writes each stream's rows once. On PostgreSQL the
streams can be split between worker processes (``Partition``: by the last byte of the
stream id), each replaying its share into the same fresh tables. The engine
(``projections.engine``) makes the fresh tables, runs this, and swaps them in.
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
    """The streams one rebuild worker replays: those whose id's last byte is ``index``
    modulo ``count``."""

    index: int
    count: int


def read_log(
    app: Safeguarding,
    store: ReadStore,
    after: int,
    end: int,
    limit: int,
    partition: Partition | None = None,
) -> tuple[list[Row], int]:
    """The chained events after position ``after`` up to ``end`` (of ``partition``'s streams
    if given), at most ``limit`` of them, and the position read up to.

    On PostgreSQL a read spans at most ``limit`` positions (not rows): so each statement
    stays an index range of known size, whatever the planner knows of the table, and a
    partition skips the other streams' rows on the server. Rows come in binary (bytea as
    is, not hex)."""
    if store.is_postgres:
        chained = sql.SQL(" OR ").join(
            sql.SQL("starts_with(topic, {})").format(sql.Literal(t)) for t in CHAINED_TOPICS
        )
        part: sql.Composable = sql.SQL("")
        if partition is not None and partition.count > 1:
            part = sql.SQL(" AND mod(get_byte(uuid_send(originator_id), 15), {}) = {}").format(
                sql.Literal(partition.count), sql.Literal(partition.index)
            )
        table = getattr(app.recorder, "events_table_name", "")
        statement = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {} WHERE notification_id > %s AND notification_id <= %s AND ({}){} "
            "ORDER BY notification_id"
        ).format(sql.Identifier(table), chained, part)
        upto = min(end, after + limit)
        with store.transaction() as c:
            raw = getattr(c, "raw")  # noqa: B009 - the psycopg cursor under ours
            raw.execute("SET LOCAL work_mem = '64MB'")
            raw.execute(statement, (after, upto), binary=True)
            rows: list[Row] = raw.fetchall()
        return rows, upto
    if partition is not None and partition.count > 1:
        raise ValueError("partitions are read on PostgreSQL only")
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
    """Replay the log up to ``end`` into the fresh (empty) tables of ``models``: the models
    that follow each stream's state fold the whole log and then write each state's rows
    once; the others apply each batch as it comes."""
    collecting = gc.isenabled()
    gc.disable()  # the fold holds every state: full collections would walk them all, often
    try:
        _replay(app, store, models, end, batch_size, progress, partition)
    finally:
        if collecting:
            gc.enable()


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
    last: dict[Any, int] = {}  # each stream's last position: where a state's rows came from
    position = 0
    while position < end:
        rows, reached = read_log(app, store, position, end, batch_size, partition)
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
        if progress:
            progress(reached - position)
        position = reached
    for fold in folds:
        users = [m for m in folding if m.fold is fold]
        states = fold.states()
        fold.forget()  # the states are ours now: the fold starts afresh
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
