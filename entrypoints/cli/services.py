"""The long-running commands: ``serve`` the API, ``project`` the read models (and
``rebuild`` them), ``schedule`` the clock watch, deliveries and digest. Each builds its
process from the composition root (``entrypoints/bootstrap.py``)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prometheus_client.registry import Collector
from tqdm import tqdm

from application.acts import ReferSeriousIncident
from application.keys import issue_key, list_keys
from application.ledger.signing import load_signer
from application.logs import configure_logging, uvicorn_log_config
from application.metrics import (
    MULTIPROCESS_ENV,
    LeadingCollector,
    SchedulerCollector,
    StoreCollector,
    scrape_registry,
    serve_metrics,
)
from application.outbox import Outbox
from application.service import Safeguarding
from application.settings import Database, Environment, Settings
from entrypoints import bootstrap
from entrypoints.cli.common import safeguarding_of, settings_of
from entrypoints.cli.migrate import migrate_at_start
from projections.engine import Projector


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the REST API; on first run make a local partnership key and say where it is."""
    import uvicorn

    settings = settings_of(args)
    configure_logging(settings.log_level)
    if args.sqlite:
        os.environ["TRACKER_DATABASE"] = "sqlite"
        os.environ["TRACKER_SQLITE_PATH"] = str(args.sqlite)
    workers = args.workers or settings.api_workers
    if workers > 1 and (args.sqlite or settings.database is Database.SQLITE):
        # several processes writing one SQLite file meet "database is locked" under load
        # (a 500 for the loser): the embedded default is one server process
        print(
            f"refused: --workers {workers} on SQLite; the embedded store serves one process "
            "(threads within it). Run with --workers 1, or on PostgreSQL "
            "(TRACKER_DATABASE=postgres) for several.",
            file=sys.stderr,
        )
        return 2
    app = bootstrap.safeguarding(settings)
    migrate_at_start(app)  # once, before the workers start (each finds it done)
    # production makes its keys with `tracker keys create` (replicas must not race to mint one)
    if settings.env is not Environment.PRODUCTION and not any(True for _ in list_keys(app)):
        _first_run(app, settings, args.port or settings.api_port)
    if settings.env is not Environment.PRODUCTION:
        load_signer(settings, announce=print)  # made (and its public key shown) on first run
    app.close()
    with _multiprocess_metrics(workers):
        uvicorn.run(  # each server process makes its web app with the composition root
            "entrypoints.asgi:create_app",
            factory=True,
            host=args.host or settings.api_host,
            port=args.port or settings.api_port,
            workers=workers,
            log_config=uvicorn_log_config(settings.log_level),  # JSON lines in every worker
            access_log=False,  # the API writes its own access line, without query strings
        )
    return 0


@contextmanager
def _multiprocess_metrics(workers: int) -> Iterator[None]:
    """With several workers, an empty folder for prometheus_client's multiprocess files,
    named to the workers (which uvicorn spawns afresh, so they read it when they first
    import prometheus_client) and removed when the server stops. An operator's own
    ``PROMETHEUS_MULTIPROC_DIR`` is used as given (emptied first: stale files would add an
    earlier run's counts)."""
    if workers <= 1 and MULTIPROCESS_ENV not in os.environ:
        yield
        return
    given = os.environ.get(MULTIPROCESS_ENV)
    folder = Path(given) if given else Path(tempfile.mkdtemp(prefix="tracker-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_ENV] = str(folder)
    try:
        yield
    finally:
        if given is None:
            shutil.rmtree(folder, ignore_errors=True)
            del os.environ[MULTIPROCESS_ENV]


def _trace(settings: Settings, service: str) -> None:
    if settings.tracing:
        from entrypoints.tracing import configure_tracing

        configure_tracing(service)


def _metrics_port(
    app: Safeguarding, port: int, *collectors: Collector, outbox: bool = False
) -> None:
    """Serve this process's metrics on ``port`` (0: none): its process, the log's and read
    models' positions (read through a reader of its own, one scrape at a time) and
    ``collectors``."""
    if not port:
        return
    lock = threading.Lock()
    reader: list[Projector] = []

    def read(what: Callable[[Projector], dict[str, int]]) -> Callable[[], dict[str, int]]:
        def reading() -> dict[str, int]:
            with lock:
                if not reader:
                    reader.append(bootstrap.projector(app))
                return what(reader[0])

        return reading

    store = StoreCollector(
        lambda: app.recorder,
        positions=read(Projector.positions),
        outbox=(lambda: Outbox(app)) if outbox else None,
        quarantined=read(Projector.quarantine_counts),
    )
    serve_metrics(port, scrape_registry(store, *collectors), host=app.settings.metrics_host)


def _first_run(app: Safeguarding, settings: Settings, port: int) -> None:
    example = dict(ReferSeriousIncident.example)
    partnership = app.partnerships.by_code.get(example["partnership"]) or next(
        iter(app.partnerships)
    )
    example.update(partnership=partnership.code, area=partnership.local_authorities[0])
    key, info = issue_key(
        app,
        principal_id="local-admin",
        role="partnership",
        partnerships=[partnership.code],
        label="created on first run",
        issued_by="tracker serve",
    )
    folder = Path("var")
    folder.mkdir(exist_ok=True)
    key_file = folder / "first-run-key.txt"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    body_file = folder / "example-referral.json"
    body_file.write_text(json.dumps(example, indent=2) + "\n")
    url = f"http://127.0.0.1:{port}/api/v1/cases/serious-incidents"
    print(f"""
First run: created a partnership key for {partnership.code} ({info.key_id}) in {key_file}
(keep it secret; make more with `tracker keys create`). Record a referral:

  curl -sS -X POST {url} \\
    -H "Authorization: Bearer $(cat {key_file})" \\
    -H "Content-Type: application/json" -H "Idempotency-Key: first-referral" \\
    --data @{body_file}

API documentation: http://127.0.0.1:{port}/docs
""")


def _projector(args: argparse.Namespace) -> tuple[Safeguarding, Projector]:
    app = safeguarding_of(args)
    return app, bootstrap.projector(app)


def report_quarantined(projector: Projector) -> None:
    """Print every event a read model set aside (it went on without it)."""
    for q in projector.quarantined():
        print(
            f"QUARANTINED position {q.position} ({q.topic}, stream {q.stream} version "
            f"{q.stream_version}) in read model {q.model}: {q.error}",
            flush=True,
        )


def cmd_project(args: argparse.Namespace) -> int:
    """Build and follow the read models; one leader per database, others stand by."""
    app, projector = _projector(args)
    configure_logging(app.settings.log_level)
    migrate_at_start(app)
    _trace(app.settings, "tracker-projector")
    leading = threading.Event()
    _metrics_port(app, app.settings.projector_metrics_port, LeadingCollector(leading.is_set))
    announced = False
    while not projector.store.try_lead("projector"):
        if not announced:
            print("standing by: another projector is leading", flush=True)
            announced = True
        time.sleep(args.poll)
    leading.set()
    print("leading: projecting the read models", flush=True)
    end = app.recorder.max_notification_id() or 0
    with tqdm(total=end, unit="event", disable=args.quiet or None) as bar:
        projector.setup(progress=bar.update)
        projector.catch_up(batch_size=args.batch, progress=bar.update)
    print(f"caught up at position {end}", flush=True)
    report_quarantined(projector)
    if not args.once:  # until stopped (Ctrl-C, SIGTERM): each batch commits or not at all
        projector.follow(lambda: False, batch_size=args.batch, poll=args.poll)
    projector.store.close()
    app.close()
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Replay the log into fresh tables and swap them in (readers never see half a model)."""
    app, projector = _projector(args)
    if not projector.store.try_lead("projector"):
        print(
            "refused: a projector is running; stop it first (it rebuilds changed models "
            "itself on start)",
            file=sys.stderr,
        )
        return 2
    projector.setup()
    names = [m.base for m in projector.models]
    chosen = names if args.all else [args.name]
    if not args.all and args.name not in names:
        print(f"refused: no read model {args.name!r} (have: {', '.join(names)})", file=sys.stderr)
        return 2
    end = app.recorder.max_notification_id() or 0
    with tqdm(total=end, unit="event", desc="rebuild", disable=args.quiet or None) as bar:
        projector.rebuild(*chosen, progress=bar.update, workers=args.workers)
    print(f"rebuilt {', '.join(chosen)} up to position {end}")
    report_quarantined(projector)
    projector.store.close()
    app.close()
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Watch the clocks, deliver reminders and breaches, send the daily digest."""
    settings = settings_of(args)
    configure_logging(settings.log_level)
    if args.once:  # one pass now, in this process, leader or not (every job is idempotent)
        app = bootstrap.safeguarding(settings)
        jobs = bootstrap.scheduler_jobs(app)
        with tqdm(unit="stream", desc="watch", disable=args.quiet or None) as bar:
            watch = jobs.watch_clocks(progress=bar.update)
        digests = jobs.send_digests() if args.digest else 0
        if args.checkpoint:
            made = jobs.sign_checkpoint()
            print(f"signed checkpoint of {made.size} leaves", flush=True)
        delivery = jobs.deliver()
        print(
            f"watched {watch.streams_checked} streams on {watch.today}: "
            f"{len(watch.recorded)} notices recorded; {digests} digests queued; "
            f"delivered {delivery.sent}, failed {delivery.failed}, waiting {delivery.waiting}",
            flush=True,
        )
        jobs.close()
        app.close()
        return 0
    _trace(settings, "tracker-scheduler")
    app = bootstrap.safeguarding(settings)
    migrate_at_start(app)
    service = bootstrap.scheduler(app)
    _metrics_port(
        app,
        settings.scheduler_metrics_port,
        SchedulerCollector(lambda: service),
        outbox=True,
    )

    def stop(signum: int, _frame: Any) -> None:
        service.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    service.run_forever()
    service.close()
    app.close()
    return 0
