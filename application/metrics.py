"""What every long-running process of the tracker reports to Prometheus, whatever serves it:
the API's ``/metrics`` (``api/metrics.py``) and the metrics port of ``tracker project`` and
``tracker schedule`` (``TRACKER_PROJECTOR_METRICS_PORT``, ``TRACKER_SCHEDULER_METRICS_PORT``).

Aggregate numbers only: no case, person or key is ever a label.

- :class:`StoreCollector` -- read at each scrape from the database, so the same from any
  process: ``tracker_event_store_up``, ``tracker_event_log_position``, each read model's
  ``tracker_read_model_position`` / ``_lag`` / ``_quarantined_events`` and the outbox
  backlog ``tracker_outbox_deliveries``;
- :class:`SchedulerCollector` -- the job runs, failures and leadership of a scheduler running
  in this process;
- :class:`LeadingCollector` -- whether this process leads (the projector's lock);
- :func:`scrape_registry` -- the registry a scrape reads. With several server processes
  (``PROMETHEUS_MULTIPROC_DIR`` set, as ``tracker serve --workers N`` does) the request
  counters live in files, one per process, and a scrape adds up every process's
  (prometheus_client's multiprocess mode), so a request is counted once whichever worker
  answered it and whichever answers the scrape; the ``process_*`` metrics are then given for
  every live worker with a ``pid`` label (:class:`WorkerProcessesCollector`). With one process
  they are the standard ``process_*`` and ``python_info``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Protocol

from prometheus_client import (
    CollectorRegistry,
    PlatformCollector,
    ProcessCollector,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger("tracker.metrics")

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


class _Store(Protocol):
    def max_notification_id(self) -> int | None: ...


class _Outbox(Protocol):
    def backlog(self) -> Mapping[str, int]: ...


class _RunCounts(Protocol):
    runs: dict[str, int]
    failures: dict[str, int]


class _Jobs(Protocol):
    @property
    def counts(self) -> _RunCounts: ...


class _Scheduler(Protocol):
    @property
    def jobs(self) -> _Jobs: ...

    @property
    def leading(self) -> bool: ...


class StoreCollector(Collector):
    """Numbers read from the database at each scrape. ``positions`` reads the read models'
    positions (``rm_tracking``), ``outbox`` the delivery backlog; either may be ``None``
    in a process that has no use for it."""

    def __init__(
        self,
        recorder: Callable[[], _Store],
        positions: Callable[[], Mapping[str, int]] | None = None,
        outbox: Callable[[], _Outbox] | None = None,
        quarantined: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        self.recorder = recorder
        self.positions = positions
        self.outbox = outbox
        self.quarantined = quarantined

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "tracker_event_store_up", "1 when this scrape could read the event store"
        )
        try:
            end = self.recorder().max_notification_id() or 0
        except Exception as e:
            log.warning("metrics: the event store did not answer (%s)", type(e).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "tracker_event_log_position",
            "the last position of the event log (its increase: events appended)",
            value=end,
        )
        if self.positions is not None:
            yield from self._read_models(self.positions, end)
        if self.quarantined is not None:
            yield from self._quarantine(self.quarantined)
        if self.outbox is not None:
            yield from self._outbox(self.outbox)

    @staticmethod
    def _read_models(read: Callable[[], Mapping[str, int]], end: int) -> Iterator[Metric]:
        try:
            positions = read()
        except Exception as e:
            log.warning("metrics: the read models could not be read (%s)", type(e).__name__)
            return
        yield _by_label(
            "tracker_read_model_position",
            "each read model's position in the log (-1: not built yet)",
            "model",
            positions,
        )
        yield _by_label(
            "tracker_read_model_lag",
            "how many log positions each read model is behind the log's end",
            "model",
            {name: end - max(at, 0) for name, at in positions.items()},
        )

    @staticmethod
    def _quarantine(read: Callable[[], Mapping[str, int]]) -> Iterator[Metric]:
        try:
            set_aside = read()
        except Exception as e:
            log.warning("metrics: the quarantine could not be read (%s)", type(e).__name__)
            return
        yield _by_label(
            "tracker_read_model_quarantined_events",
            "stored events each read model could not take and set aside (see tracker verify)",
            "model",
            set_aside,
        )

    @staticmethod
    def _outbox(outbox: Callable[[], _Outbox]) -> Iterator[Metric]:
        try:
            backlog = outbox().backlog()
        except Exception as e:
            log.warning("metrics: the outbox could not be read (%s)", type(e).__name__)
            return
        yield _by_label(
            "tracker_outbox_deliveries",
            "outbox deliveries by status ('failing': pending after a failed attempt)",
            "status",
            backlog,
        )


def _by_label(name: str, documentation: str, label: str, values: Mapping[str, int]) -> Metric:
    """A gauge with one sample per key of ``values``, in key order."""
    gauge = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        gauge.add_metric([key], value)
    return gauge


class SchedulerCollector(Collector):
    """The job runs, failures and leadership of the scheduler of this process, if any."""

    def __init__(self, scheduler: Callable[[], _Scheduler | None]) -> None:
        self.scheduler = scheduler

    def collect(self) -> Iterator[Metric]:
        service = self.scheduler()
        if service is None:
            return
        counts = service.jobs.counts
        jobs = sorted(set(counts.runs) | set(counts.failures))
        runs = CounterMetricFamily(
            "tracker_scheduler_job_runs", "scheduler job runs in this process", labels=["job"]
        )
        failures = CounterMetricFamily(
            "tracker_scheduler_job_failures",
            "scheduler job runs that failed in this process",
            labels=["job"],
        )
        for job in jobs:
            runs.add_metric([job], counts.runs.get(job, 0))
            failures.add_metric([job], counts.failures.get(job, 0))
        yield runs
        yield failures
        yield GaugeMetricFamily(
            "tracker_scheduler_leading",
            "1 while this process's scheduler is the leader",
            value=1 if service.leading else 0,
        )


class LeadingCollector(Collector):
    """``tracker_projector_leading``: 1 while this process holds the projector's lead."""

    def __init__(self, leading: Callable[[], bool]) -> None:
        self.leading = leading

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "tracker_projector_leading",
            "1 while this process is the projector that writes the read models",
            value=1 if self.leading() else 0,
        )


_PROCESS_FILE = re.compile(r"^[a-z]+(?:_[a-z]+)*_(\d+)\.db$")


class WorkerProcessesCollector(Collector):
    """``process_*`` of every live process that has written metrics into the multiprocess
    folder (each server worker), labelled with its ``pid``: resident memory, CPU seconds,
    open file descriptors, start time. A worker that has died is left out (its counters
    stay in the sums)."""

    def __init__(self, folder: Path, proc: str = "/proc") -> None:
        self.folder = folder
        self.proc = proc

    def pids(self) -> list[int]:
        found = set()
        for path in self.folder.glob("*.db"):
            match = _PROCESS_FILE.match(path.name)
            if match and Path(self.proc, match.group(1)).is_dir():
                found.add(int(match.group(1)))
        return sorted(found)

    def collect(self) -> Iterator[Metric]:
        families: dict[str, Metric] = {}
        for pid in self.pids():
            one = ProcessCollector(pid=partial(str, pid), proc=self.proc, registry=None)
            for metric in one.collect():
                family = families.get(metric.name)
                if family is None:
                    family = Metric(metric.name, metric.documentation, metric.type)
                    families[metric.name] = family
                for sample in metric.samples:
                    family.add_sample(sample.name, {**sample.labels, "pid": str(pid)}, sample.value)
        yield from families.values()


def multiprocess_folder() -> Path | None:
    """The folder of prometheus_client's multiprocess mode, when this process is in it."""
    folder = os.environ.get(MULTIPROCESS_ENV)
    return Path(folder) if folder else None


def scrape_registry(*collectors: Collector) -> CollectorRegistry:
    """The registry a scrape reads: these collectors and the process's own instruments --
    every process's, added up, in multiprocess mode."""
    registry = CollectorRegistry()
    folder = multiprocess_folder()
    if folder is not None:
        MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
        registry.register(WorkerProcessesCollector(folder))
    else:
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
    for collector in collectors:
        registry.register(collector)
    return registry


def instrument_registry(scrape: CollectorRegistry) -> CollectorRegistry:
    """Where this process's own instruments (counters, histograms) are registered: the scrape
    registry itself, or in multiprocess mode a private one (their values go to the shared
    files, which the scrape registry reads; registering them there too would count twice)."""
    return CollectorRegistry() if multiprocess_folder() is not None else scrape


def serve_metrics(port: int, registry: CollectorRegistry, host: str = "0.0.0.0") -> None:  # noqa: S104
    """Serve ``registry`` on ``http://host:port/metrics`` from a daemon thread (the metrics
    port of ``tracker project`` and ``tracker schedule``)."""
    start_http_server(port, addr=host, registry=registry)
    log.info("metrics on port %d", port)
