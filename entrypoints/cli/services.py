"""The long-running commands: ``serve`` the API, ``project`` the read models (and
``rebuild`` them), ``schedule`` the clock watch, deliveries and digest. Each builds its
process from the composition root (``entrypoints/bootstrap.py``)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from application.acts import ReferSeriousIncident
from application.keys import issue_key, list_keys
from application.logs import configure_logging, uvicorn_log_config
from application.service import Safeguarding
from application.settings import Database, Environment, Settings
from entrypoints import bootstrap
from entrypoints.cli.common import safeguarding_of, settings_of
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
    # production makes its keys with `tracker keys create` (replicas must not race to mint one)
    if settings.env is not Environment.PRODUCTION and not any(True for _ in list_keys(app)):
        _first_run(app, settings, args.port or settings.api_port)
    app.close()
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
    announced = False
    while not projector.store.try_lead("projector"):
        if not announced:
            print("standing by: another projector is leading", flush=True)
            announced = True
        time.sleep(args.poll)
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
    app = bootstrap.safeguarding(settings)
    service = bootstrap.scheduler(app)

    def stop(signum: int, _frame: Any) -> None:
        service.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    service.run_forever()
    service.close()
    app.close()
    return 0
