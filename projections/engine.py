"""The projection engine: read models built from the notification log, exactly once.

Each read model has a row in ``rm_tracking`` (its name, version and the log position it has
reached). The engine reads the log in batches and, for each model, writes the batch's view
changes *and* the new position in one transaction: a crash at any point leaves the model at
the end of its last committed batch, and the next run resumes there, so no event is lost or
counted twice.

A rebuild replays the log from zero into fresh tables (``rm_next_*``) while readers go on
reading the old ones, then swaps them in within one transaction: readers never see a
half-built model. A model whose version differs from the one recorded rebuilds itself so
when the projector starts. A rebuild is not a long run of live batches: it reads the log up
to the position where it began, folds every stream to its last state in memory and writes
each stream's rows once; on PostgreSQL the streams are split between worker processes (one
per core) that write into the same fresh tables. Nothing of it is visible, or kept after a
crash, until the swap records the position it reached.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, cast, runtime_checkable

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Transcoding,
    TranscodingNotRegisteredError,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic
from psycopg import sql

from application.service import Safeguarding
from application.transcodings import DataclassAsDict, DateAsISO
from domain.calendar import WorkingDayCalendar
from projections.store import Cursor, ReadStore

CHAINED_TOPICS = ("domain.case:", "domain.review:")

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tracking ("
    "name TEXT PRIMARY KEY, version INTEGER NOT NULL, position BIGINT NOT NULL)"
)


@dataclass(frozen=True)
class Applied:
    """One domain event with its position in the log."""

    position: int
    event: Any


NEXT = "rm_next_"


def _track(c: Cursor, model: ReadModel, position: int) -> None:
    """Record that ``model`` (at its version) has reached ``position``."""
    c.execute("DELETE FROM rm_tracking WHERE name = ?", (model.name,))
    c.execute(
        "INSERT INTO rm_tracking (name, version, position) VALUES (?, ?, ?)",
        (model.name, model.version, position),
    )


class ReadModel(Protocol):
    name: str  # its row in rm_tracking
    base: str  # the model, whatever its tables' prefix
    version: int
    tables: tuple[str, ...]

    def create(self, c: Cursor) -> None: ...
    def index(self, c: Cursor) -> None: ...
    def drop(self, c: Cursor) -> None: ...
    def apply(self, c: Cursor, batch: Sequence[Applied]) -> None: ...


@runtime_checkable
class FoldingModel(Protocol):
    """A model that follows each stream's state (``projections.fold``): a rebuild folds the
    whole log first, then has it write each state's rows once."""

    fold: Any

    def write(self, c: Cursor, states: Iterable[Any], *, replace: bool) -> None: ...


ModelFactory = Callable[[str], Sequence[ReadModel]]  # prefix -> every model

Row = tuple[int, Any, int, str, bytes]  # position, originator id, version, topic, state


class Decoder:
    """Stored events to domain events exactly as the application's mapper makes them
    (decrypt, decompress, transcode, construct), a batch at a time: a batch's JSON is parsed
    in one call (the parser shares the keys' strings across its events), and dates and
    datetimes, which repeat, are parsed once each."""

    def __init__(self, tracker: Safeguarding) -> None:
        mapper = tracker.mapper
        self.cipher = mapper.cipher
        self.compressor = mapper.compressor
        self.transcoder = mapper.transcoder
        self._classes: dict[tuple[str, type], tuple[Any, Callable[[Any], Any], int]] = {}
        self._json: json.JSONDecoder | None = None
        t = self.transcoder
        if (
            isinstance(t, JSONTranscoder)
            and type(t).decode is JSONTranscoder.decode
            and type(t)._decode_obj is JSONTranscoder._decode_obj
        ):
            self._json = json.JSONDecoder(object_hook=_object_hook(t.names))

    def decode(self, rows: Sequence[Row]) -> list[Applied]:
        states: list[bytes] = []
        for r in rows:
            state = r[4]
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            states.append(state)
        if self._json is not None:
            dicts = self._json.decode((b"[" + b",".join(states) + b"]").decode("utf8"))
        else:
            dicts = [self.transcoder.decode(state) for state in states]
        applied = []
        for (position, originator_id, version, topic, _), d in zip(rows, dicts, strict=True):
            key = (topic, type(originator_id))
            found = self._classes.get(key)
            if found is None:
                cls = resolve_topic(topic)
                convert = find_id_convertor(cls, cast(Hashable, key[1]))
                found = (cls, convert, getattr(cls, "class_version", 1))
                self._classes[key] = found
            cls, convert, class_version = found
            d["originator_id"] = convert(originator_id)
            d["originator_version"] = version
            from_version = d.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(d)
                from_version += 1
            event = object.__new__(cls)
            object.__setattr__(event, "__dict__", d)
            applied.append(Applied(position, event))
        return applied


def _object_hook(names: dict[str, Transcoding]) -> Callable[[dict[str, Any]], Any]:
    """The JSON transcoder's ``_decode_obj``, with ISO dates and datetimes memoised."""
    decoders: dict[str, Callable[[Any], Any]] = {n: t.decode for n, t in names.items()}
    for name, kind, parse in (
        ("datetime_iso", DatetimeAsISO, datetime.fromisoformat),
        ("date_iso", DateAsISO, date.fromisoformat),
    ):
        if type(names.get(name)) is kind:
            decoders[name] = _memoised(parse)
    for name, t in names.items():
        if type(t) is DataclassAsDict:
            decoders[name] = _dataclass(t)

    def hook(d: dict[str, Any]) -> Any:
        if len(d) == 2:
            try:
                name = d["_type_"]
                data = d["_data_"]
            except KeyError:
                return d
            try:
                decode = decoders[name]
            except KeyError as e:
                msg = (
                    f"Data serialized with name '{name}' is not deserializable. Please "
                    "register a custom transcoding for this type."
                )
                raise TranscodingNotRegisteredError(msg) from e
            return decode(data)
        return d

    return hook


def _dataclass(t: DataclassAsDict) -> Callable[[Any], Any]:
    """``DataclassAsDict.decode`` without the call to ``__init__`` when that only sets the
    fields (a plain dataclass: no ``__post_init__``, no slots) and every field is there."""
    cls = t.type
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    plain = (
        not hasattr(cls, "__post_init__")
        and "__slots__" not in cls.__dict__
        and all(f.init for f in fields)
    )
    if not plain:
        return t.decode

    def decode(data: Any) -> Any:
        if type(data) is not dict or data.keys() != names:
            return t.decode(data)
        for v in data.values():
            if isinstance(v, list):
                data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
                break
        obj: Any = object.__new__(cls)
        obj.__dict__.update(data)
        return obj

    return decode


def _memoised(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    seen: dict[str, Any] = {}

    def decode(data: Any) -> Any:
        assert isinstance(data, str)
        value = seen.get(data)
        if value is None:
            if len(seen) >= 100_000:
                seen.clear()
            value = seen[data] = parse(data)
        return value

    return decode


@dataclass(frozen=True)
class Partition:
    """The streams one rebuild worker replays: those whose id's last byte is ``index``
    modulo ``count``."""

    index: int
    count: int


def read_log(
    tracker: Safeguarding,
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
        table = getattr(tracker.recorder, "events_table_name", "")
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
    notifications = tracker.recorder.select_notifications(start=after + 1, limit=limit, stop=end)
    rows = [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in notifications
        if n.topic.startswith(CHAINED_TOPICS)
    ]
    return rows, (notifications[-1].id if len(notifications) == limit else end)


def replay(
    tracker: Safeguarding,
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
        _replay(tracker, store, models, end, batch_size, progress, partition)
    finally:
        if collecting:
            gc.enable()


def _replay(
    tracker: Safeguarding,
    store: ReadStore,
    models: Sequence[ReadModel],
    end: int,
    batch_size: int,
    progress: Callable[[int], object] | None,
    partition: Partition | None,
) -> None:
    decoder = Decoder(tracker)
    folding = [m for m in models if isinstance(m, FoldingModel)]
    plain = [m for m in models if not isinstance(m, FoldingModel)]
    folds = list({id(m.fold): m.fold for m in folding}.values())
    position = 0
    while position < end:
        rows, reached = read_log(tracker, store, position, end, batch_size, partition)
        batch = decoder.decode(rows)
        if batch and plain:
            with store.transaction() as c:
                for model in plain:
                    model.apply(c, batch)
        for fold in folds:
            fold.advance(batch, keep_all=True)
        if progress:
            progress(reached - position)
        position = reached
    for fold in folds:
        users = [m for m in folding if m.fold is fold]
        states = fold.states()
        fold.forget()  # the states are ours now: the fold starts afresh
        for start in range(0, len(states), 2000):
            chunk = states[start : start + 2000]
            with store.transaction() as c:
                for model in users:
                    model.write(c, chunk, replace=False)


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


def _worker() -> None:
    """A rebuild worker process's main: replay the partition given on stdin."""
    worker, partition = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our parent
    _run_worker(worker, partition)


def _run_worker(worker: _Worker, partition: Partition) -> None:
    calendar = WorkingDayCalendar(worker.closures)
    tracker = Safeguarding(worker.settings, partnerships=worker.partnerships, calendar=calendar)
    store = ReadStore(worker.settings)
    try:
        made = {m.base: m for m in worker.factory(tracker, NEXT)}
        models = [made[b] for b in worker.bases]
        replay(tracker, store, models, worker.end, worker.batch_size, None, partition)
    finally:
        store.close()
        tracker.close()


class Projector:
    def __init__(
        self,
        tracker: Safeguarding,
        store: ReadStore,
        models: Sequence[ReadModel],
        factory: ModelFactory | None = None,
    ) -> None:
        self.tracker = tracker
        self.store = store
        self.models = list(models)
        self.factory = factory  # makes the fresh models a rebuild replays into
        self.decoder = Decoder(tracker)

    def setup(self, progress: Callable[[int], object] | None = None) -> None:
        """Create what is missing; rebuild any model whose version changed."""
        stale = []
        with self.store.transaction() as c:
            c.execute(TRACKING_DDL)
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
        end = self.tracker.recorder.max_notification_id() or 0
        with self.store.transaction() as c:
            c.execute(TRACKING_DDL)
            for f in fresh:
                f.drop(c)
                f.create(c)  # no indexes while loading; they are built at the swap
                _track(c, f, 0)
        worker = self._worker(bases, end, batch_size, workers)
        if worker is None:
            replay(self.tracker, self.store, fresh, end, batch_size, progress)
        else:
            self._replay_in_parallel(worker, fresh, progress)
        with self.store.transaction() as c:
            for f, old in zip(fresh, live, strict=True):
                old.drop(c)
                for new_table, table in zip(f.tables, old.tables, strict=True):
                    c.execute(f"ALTER TABLE {new_table} RENAME TO {table}")
                old.index(c)
                c.execute("DELETE FROM rm_tracking WHERE name = ?", (f.name,))
                _track(c, old, end)
        for old in live:
            forget = getattr(old, "forget", None)
            if forget is not None:
                forget()  # its in-memory states describe the tables just replaced

    def _worker(
        self, bases: Sequence[str], end: int, batch_size: int, workers: int | None
    ) -> tuple[_Worker, int] | None:
        """How to start rebuild workers, and how many processes in all; None: replay here.

        Workers are separate processes (spawned, not forked): they make the projector's
        models with its factory, which must be ``functools.partial(f, tracker)`` of a
        module-level ``f`` (as ``read_models`` is used)."""
        count = workers
        if count is None:
            count = min(os.cpu_count() or 1, 4) if end >= 50_000 else 1
        factory = self.factory
        if (
            count < 2
            or not self.store.is_postgres
            or type(self.tracker) is not Safeguarding
            or not isinstance(factory, functools.partial)
            or len(factory.args) != 1
            or factory.args[0] is not self.tracker
            or factory.keywords
        ):
            return None
        closures = _closures(self.tracker.calendar)
        if closures is None:
            return None
        worker = _Worker(
            settings=self.tracker.settings,
            partnerships=self.tracker.partnerships,
            closures=closures,
            factory=factory.func,
            bases=tuple(bases),
            end=end,
            batch_size=batch_size,
        )
        return worker, count

    def _replay_in_parallel(
        self,
        spec: tuple[_Worker, int],
        fresh: Sequence[ReadModel],
        progress: Callable[[int], object] | None,
    ) -> None:
        worker, count = spec
        # A fresh interpreter per worker (not multiprocessing: it would re-run the caller's
        # main module), told what to replay on its stdin.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        processes = []
        try:
            for index in range(1, count):
                process = subprocess.Popen(
                    [sys.executable, "-c", "from projections.engine import _worker; _worker()"],
                    stdin=subprocess.PIPE,
                    env=env,
                )
                processes.append(process)
                assert process.stdin is not None
                process.stdin.write(pickle.dumps((worker, Partition(index, count))))
                process.stdin.close()
            # this process replays partition 0 meanwhile
            replay(
                self.tracker,
                self.store,
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

    def positions(self) -> dict[str, int]:
        """Each model's position in the log (-1: never built here)."""
        with self.store.transaction() as c:
            c.execute(TRACKING_DDL)  # a reader may come before any projector
            c.execute("SELECT name, position FROM rm_tracking")
            found = {str(name): int(pos) for name, pos in c.fetchall()}
        return {m.name: found.get(m.name, -1) for m in self.models}

    def run_once(self, batch_size: int = 1000) -> int:
        """Project the next batch of the log into every model behind; returns events read."""
        positions = self.positions()
        start = max(0, min(positions.values(), default=0))
        notifications = self.tracker.recorder.select_notifications(
            start=start + 1, limit=batch_size
        )
        if not notifications:
            return 0
        decoded = self.decoder.decode(
            [
                (n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in notifications
                if n.topic.startswith(CHAINED_TOPICS)
            ]
        )
        last = notifications[-1].id
        for model in self.models:
            if positions[model.name] >= last:
                continue
            mine = [a for a in decoded if a.position > positions[model.name]]
            try:
                with self.store.transaction() as c:
                    model.apply(c, mine)
                    c.execute(
                        "UPDATE rm_tracking SET position = ? WHERE name = ?", (last, model.name)
                    )
            except BaseException:
                forget = getattr(model, "forget", None)
                if forget is not None:
                    forget()  # in-memory state may be ahead of the rolled-back batch
                raise
        return len(notifications)

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
        channel = getattr(self.tracker.recorder, "channel_name", "")
        while not stop():
            if self.catch_up(batch_size, progress) == 0:
                self.store.wait_for_events(channel, poll)

    def lag(self) -> dict[str, int]:
        """How many log positions each model is behind the log's end."""
        end = self.tracker.recorder.max_notification_id() or 0
        return {name: end - max(pos, 0) for name, pos in self.positions().items()}

    def wait(self, position: int, timeout: float) -> bool:
        """Block until every model has reached ``position`` (read-your-writes)."""
        deadline = time.monotonic() + timeout
        while True:
            if min(self.positions().values(), default=0) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)


def _closures(calendar: WorkingDayCalendar) -> tuple[date, ...] | None:
    """The extra closures that make an equal calendar in a worker process (a calendar keeps
    a lock, so it cannot be sent). None: not a calendar we know how to remake -- its
    ``_extra_by_year`` is read until the calendar can be pickled itself."""
    extra = getattr(calendar, "_extra_by_year", None)
    if type(calendar) is not WorkingDayCalendar or not isinstance(extra, dict):
        return None
    return tuple(sorted(d for days in extra.values() for d in days))
