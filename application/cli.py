"""The ``tracker`` command: serve the API, project the read models, run the scheduler,
generate data, verify history, summarise, manage API keys and check the configuration.

Configuration comes from ``TRACKER_*`` environment variables or a ``.env`` file (see
application/settings.py and the README); ``--sqlite PATH`` is a shortcut for the embedded
store. ``tracker COMMAND --help`` describes each command.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import json
import os
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Sequence
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any, Self
from uuid import UUID

from pydantic import SecretStr, ValidationError, model_validator
from tqdm import tqdm

from application.acts import ReferSeriousIncident
from application.config import ConfigurationError, load_partnerships
from application.errors import NotFoundError
from application.generate import generate
from application.integrity import verify_all, verify_stream
from application.keys import issue_key, list_keys, revoke_key
from application.logs import configure_logging, uvicorn_log_config
from application.service import Safeguarding
from application.settings import Database, Environment, Settings
from domain.case import Case
from domain.clocks import ClockStatus, case_clocks
from domain.errors import DomainError


def _settings(args: argparse.Namespace) -> Settings:
    if getattr(args, "sqlite", None):
        return Settings(database="sqlite", sqlite_path=Path(args.sqlite))
    return Settings()


def _tracker(args: argparse.Namespace) -> Safeguarding:
    return Safeguarding(_settings(args))


def cmd_generate(args: argparse.Namespace) -> int:
    app = _tracker(args)
    started = time.perf_counter()
    with tqdm(total=args.count, unit="case", disable=args.quiet or None) as bar:
        stats = generate(
            app, args.count, seed=args.seed, years=args.years, batch=args.batch, progress=bar.update
        )
    seconds = time.perf_counter() - started
    rate = stats.events / seconds if seconds else 0.0
    print(
        f"wrote {stats.cases} cases, {stats.reviews} reviews, {stats.events} events "
        f"in {seconds:.1f}s: {rate:,.0f} events/s ({app.settings.database.value})"
    )
    if stats.refused:
        print(f"note: the domain refused {stats.refused} generated acts (guards working)")
    app.close()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    app = _tracker(args)
    if args.stream:
        reports = [verify_stream(app, UUID(args.stream))]
    else:
        total = app.recorder.max_notification_id() or 0
        with tqdm(total=total, unit="event", disable=args.quiet or None) as bar:
            reports = list(verify_all(app, progress=bar.update))
    broken = [r for r in reports if not r.ok]
    for r in broken:
        print(f"BROKEN {r.stream_id} at version {r.first_broken_version}: {r.problem}")
    truncated = [] if args.stream else _truncated(app, reports)
    for stream_id, stored, seen in truncated:
        print(
            f"BROKEN {stream_id}: the store ends at version {stored} but the timeline "
            f"recorded version {seen}: newer events were removed"
        )
    checked = sum(r.events_checked for r in reports)
    failures = len(broken) + len(truncated)
    print(
        f"verified {len(reports)} streams, {checked} events: "
        f"{'all intact' if not failures else f'{failures} broken'}"
    )
    app.close()
    return 1 if failures else 0


def _truncated(app: Safeguarding, reports: list[Any]) -> list[tuple[str, int, int]]:
    """Streams whose newest events are gone: the chain alone cannot show it, but the
    timeline read model remembers every stream's last version (and its hash)."""
    from projections.store import ReadStore
    from projections.timeline import Timeline

    store = ReadStore(app.settings)
    try:
        with store.transaction() as c:
            seen = Timeline().last_versions(c)
    except Exception:
        return []
    finally:
        store.close()
    stored = {str(r.stream_id): r.events_checked for r in reports if r.ok}
    return [
        (stream_id, stored[stream_id], version)
        for stream_id, (version, _) in sorted(seen.items())
        if stream_id in stored and stored[stream_id] < version
    ]


def cmd_summary(args: argparse.Namespace) -> int:
    """A printed tracker: cases by partnership and stage, clocks by status (as of today)."""
    app = _tracker(args)
    stages: Counter[tuple[str, str]] = Counter()
    clocks: Counter[tuple[str, str]] = Counter()
    today = app.today()
    start = 1
    created = [
        f"domain.case:Case.{n}" for n in ("SeriousIncidentReferred", "PracticeLearningReferred")
    ]
    while True:
        batch = app.recorder.select_notifications(start=start, limit=500, topics=created)
        if not batch:
            break
        for n in batch:
            case: Case = app.repository.get(UUID(str(n.originator_id)))
            stages[(case.partnership, case.stage)] += 1
            for c in case_clocks(case, today, app.timescales(case.partnership), app.calendar):
                clocks[(c.name.value, c.status.value)] += 1
        start = batch[-1].id + 1
    print(f"Tracker summary as of {today.isoformat()}")
    print("\nCases by partnership and stage")
    for (partnership, stage), count in sorted(stages.items()):
        print(f"  {partnership:4} {stage:36} {count:6}")
    print("\nClocks by status")
    names = sorted({name for name, _ in clocks})
    statuses = [s.value for s in ClockStatus]
    print("  " + f"{'clock':32}" + "".join(f"{s:>10}" for s in statuses))
    for name in names:
        print("  " + f"{name:32}" + "".join(f"{clocks[(name, s)]:>10}" for s in statuses))
    app.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate a small data set when the store is empty, then print the summary."""
    app = _tracker(args)
    empty = not app.recorder.max_notification_id()
    where = app.settings.sqlite_path if app.settings.database.value == "sqlite" else "PostgreSQL"
    app.close()
    if empty:
        args.count, args.years, args.batch, args.quiet = args.count, 2, 10, False
        cmd_generate(args)
    print(f"store: {where}")
    return cmd_summary(args)


def cmd_keys_create(args: argparse.Namespace) -> int:
    app = _tracker(args)
    try:
        key, info = issue_key(
            app,
            principal_id=args.principal,
            role=args.role,
            agency=args.agency,
            partnerships=args.partnership,
            label=args.label,
            issued_by=f"cli:{getpass.getuser()}",
        )
    except (ValueError, DomainError) as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    finally:
        app.close()
    where = ", ".join(info.partnerships)
    print(f"key id {info.key_id} for {info.principal_id} ({info.role}, {where})")
    print("the key (shown once, store it now):")
    print(key)
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    app = _tracker(args)
    for k in list_keys(app):
        state = "revoked" if k.revoked else "active"
        print(
            f"{k.key_id}  {state:8} {k.role:12} {k.principal_id:24} {k.agency:24} "
            f"{','.join(k.partnerships):10} {k.issued_at:%Y-%m-%d} {k.label}"
        )
    app.close()
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    app = _tracker(args)
    try:
        info = revoke_key(
            app, args.key_id, revoked_by=f"cli:{getpass.getuser()}", reason=args.reason
        )
    except NotFoundError as e:
        print(f"refused: {e.message}", file=sys.stderr)
        return 2
    finally:
        app.close()
    print(f"revoked {info.key_id} ({info.principal_id})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the REST API; on first run make a local partnership key and say where it is."""
    import uvicorn

    settings = _settings(args)
    configure_logging(settings.log_level)
    if args.sqlite:
        os.environ["TRACKER_DATABASE"] = "sqlite"
        os.environ["TRACKER_SQLITE_PATH"] = str(args.sqlite)
    app = Safeguarding(settings)
    # production makes its keys with `tracker keys create` (replicas must not race to mint one)
    if settings.env is not Environment.PRODUCTION and not any(True for _ in list_keys(app)):
        _first_run(app, settings, args.port or settings.api_port)
    app.close()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host or settings.api_host,
        port=args.port or settings.api_port,
        workers=args.workers or settings.api_workers,
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


def _projector(args: argparse.Namespace) -> tuple[Safeguarding, Any]:
    # the projector composes the read side, so (like serve) it reaches into projections/
    from projections import read_models
    from projections.engine import Projector
    from projections.store import ReadStore

    app = _tracker(args)
    store = ReadStore(app.settings)
    factory = partial(read_models, app)
    return app, Projector(app, store, factory("rm_"), factory=factory)


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
        projector.rebuild(*chosen, progress=bar.update)
    print(f"rebuilt {', '.join(chosen)} up to position {end}")
    projector.store.close()
    app.close()
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Watch the clocks, deliver reminders and breaches, send the daily digest."""
    # the scheduler composes its own process (like serve and project)
    import signal

    from scheduler.jobs import SchedulerJobs
    from scheduler.service import SchedulerService

    settings = _settings(args)
    configure_logging(settings.log_level)
    if args.once:  # one pass now, in this process, leader or not (every job is idempotent)
        app = Safeguarding(settings)
        jobs = SchedulerJobs(app)
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
    service = SchedulerService(settings)

    def stop(signum: int, _frame: Any) -> None:
        service.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    service.run_forever()
    service.close()
    return 0


class _UncheckedSettings(Settings):
    """The settings as read, without the production refusal, so that ``config check`` can
    name every problem at once instead of the first."""

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        return self


def _settings_problems(s: Settings) -> list[str]:
    """What :meth:`Settings._refuse_unsafe_production` refuses: every item, not the first."""
    problems = []
    key = s.encryption_key.get_secret_value()
    if key:
        try:
            if len(base64.b64decode(key, validate=True)) not in (16, 24, 32):
                problems.append("TRACKER_ENCRYPTION_KEY must decode to 16, 24 or 32 bytes")
        except (binascii.Error, ValueError):
            problems.append(
                "TRACKER_ENCRYPTION_KEY is not valid base64 (make one with `tracker keygen`)"
            )
    if s.env is Environment.PRODUCTION:
        if not key:
            problems.append(
                "production requires TRACKER_ENCRYPTION_KEY (make one with `tracker keygen`)"
            )
        if s.database is not Database.POSTGRES:
            problems.append("production runs on PostgreSQL (TRACKER_DATABASE=postgres)")
        if not s.postgres_password.get_secret_value():
            problems.append("production requires TRACKER_POSTGRES_PASSWORD")
    return problems


def _validation_messages(error: ValidationError) -> list[str]:
    messages = []
    for e in error.errors():
        message = str(e["msg"]).removeprefix("Value error, ")
        if e["loc"]:
            field = "TRACKER_" + "_".join(str(part) for part in e["loc"]).upper()
            given = e.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
            secret = field in {f"TRACKER_{n.upper()}" for n in _secret_fields()}
            message = f"{field}: {message}{'' if secret else shown}"
        messages.append(message)
    return messages


def _secret_fields() -> set[str]:
    return {n for n, f in Settings.model_fields.items() if f.annotation is SecretStr}


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        return "(set, hidden)" if value.get_secret_value() else "(not set)"
    if value is None:
        return "(auto)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_database(s: Settings) -> tuple[bool, str]:
    """Connect to the configured store (read only: nothing is created)."""
    if s.database is Database.SQLITE:
        path = s.sqlite_path
        if path.exists():
            try:
                lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
                try:
                    tables = lite.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                finally:
                    lite.close()
            except sqlite3.Error as e:
                return False, f"SQLite file {path} cannot be read: {e}"
            return True, f"SQLite file {path} opened ({tables} tables and indexes)"
        folder = path.absolute().parent
        while not folder.exists():
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            return False, f"SQLite file {path} does not exist and {folder} is not writable"
        return True, f"SQLite file {path} does not exist yet (it is created on first use)"
    import psycopg

    where = f"{s.postgres_user}@{s.postgres_host}:{s.postgres_port}/{s.postgres_dbname}"
    try:
        with psycopg.connect(
            host=s.postgres_host,
            port=s.postgres_port,
            user=s.postgres_user,
            password=s.postgres_password.get_secret_value() or None,
            dbname=s.postgres_dbname,
            connect_timeout=5,
            application_name="tracker config check",
        ) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            schema = s.postgres_schema or "public"
            found = conn.execute(
                "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
            ).fetchone()
    except psycopg.Error as e:
        reason = " ".join(line.strip() for line in str(e).splitlines()) or type(e).__name__
        return False, f"cannot connect to PostgreSQL {where}: {reason}"
    if not found:
        return False, f"PostgreSQL {where} has no schema {schema!r} (CREATE SCHEMA it first)"
    server = version[0] if version else "?"
    return True, f"connected to PostgreSQL {server} at {where}, schema {schema}"


def cmd_config_check(args: argparse.Namespace) -> int:
    """Load the settings and the partnerships, try the database; name every problem."""
    problems: list[str] = []
    notes: list[str] = []
    overrides: dict[str, Any] = {}
    if args.sqlite:
        overrides = {"database": Database.SQLITE, "sqlite_path": Path(args.sqlite)}
    env_file = Path(".env")
    if env_file.is_file():
        notes.append(f"read {env_file.absolute()} (the environment overrides it)")
    settings: Settings | None = None
    try:
        settings = Settings(**overrides)
    except ValidationError as e:
        try:  # read as given, to name every problem (and print what was read)
            settings = _UncheckedSettings(**overrides)
        except ValidationError:
            problems.extend(_validation_messages(e))
            settings = None
        else:  # only the production refusal failed: name each of its problems
            problems.extend(_settings_problems(settings) or _validation_messages(e))

    if settings is not None:
        print("effective configuration (secrets hidden):")
        for name in Settings.model_fields:
            value = getattr(settings, name)
            print(f"  TRACKER_{name.upper()}={_shown(value)}")
        print(
            f"  (the API runs the projector: {_shown(settings.runs_projector_in_process)}; "
            f"the scheduler: {_shown(settings.runs_scheduler_in_api)})"
        )
        print()
        try:
            partnerships = load_partnerships(settings.partnerships_file)
        except ConfigurationError as e:
            path, message = str(settings.partnerships_file), str(e)
            if not message.startswith("partnerships file"):
                message = f"partnerships file {path}: {message.removeprefix(path + ': ')}"
            problems.append(message)
        except OSError as e:
            problems.append(
                f"partnerships file {settings.partnerships_file} cannot be read: {e.strerror or e}"
            )
        else:
            codes = [p.code for p in partnerships]
            print(
                f"ok     partnerships: {len(codes)} ({', '.join(codes)}) "
                f"from {settings.partnerships_file}"
            )
            for p in partnerships:
                if not p.contacts:
                    notes.append(
                        f"partnership {p.code} has no contacts: its reminders, breaches and "
                        "digest are recorded but e-mailed to nobody"
                    )
                invented = [a for a in p.contacts if a.endswith(".example.org")]
                if invented and settings.env is Environment.PRODUCTION:
                    notes.append(
                        f"partnership {p.code} contacts are invented example.org addresses: "
                        f"{', '.join(invented)}"
                    )
        if not settings.smtp_host:
            notes.append("TRACKER_SMTP_HOST is not set: e-mail waits in the outbox")
        ok, message = _check_database(settings)
        if ok:
            print(f"ok     database: {message}")
        else:
            problems.append(f"database: {message}")
    for note in notes:
        print(f"note   {note}")
    for problem in problems:
        print(f"FAIL   {problem}")
    if problems:
        print(f"config check: {len(problems)} problem{'s' * (len(problems) > 1)}")
        return 1
    print("config check: fine")
    return 0


def cmd_keygen(_: argparse.Namespace) -> int:
    print(base64.b64encode(os.urandom(32)).decode())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument(
            "--sqlite", metavar="PATH", help="use this SQLite file (overrides TRACKER_*)"
        )
        p.add_argument("--quiet", action="store_true", help="no progress bar")
        return p

    g = add("generate", "write N realistic synthetic cases")
    g.add_argument("count", type=int, help="how many cases")
    g.add_argument("--seed", type=int, default=0, help="the same seed writes the same cases")
    g.add_argument("--years", type=int, default=3, help="spread referrals over this many years")
    g.add_argument("--batch", type=int, default=10, help="cases saved per transaction")
    g.set_defaults(func=cmd_generate)

    v = add("verify", "check every stream's hash chain (exit 1 when any is broken)")
    v.add_argument("--stream", metavar="ID", help="check one case or review only")
    v.set_defaults(func=cmd_verify)

    s = add("summary", "print cases by stage and clocks by status")
    s.set_defaults(func=cmd_summary)

    d = add("demo", "generate a demo data set if the store is empty, then summarise it")
    d.add_argument("--count", type=int, default=200, help="cases to generate (default 200)")
    d.add_argument("--seed", type=int, default=0, help="the same seed writes the same cases")
    d.set_defaults(func=cmd_demo)

    sv = add("serve", "run the REST API (uvicorn)")
    sv.add_argument("--host", default=None, help="listen address (TRACKER_API_HOST)")
    sv.add_argument("--port", type=int, default=None, help="listen port (TRACKER_API_PORT)")
    sv.add_argument(
        "--workers", type=int, default=None, help="server processes (TRACKER_API_WORKERS)"
    )
    sv.set_defaults(func=cmd_serve)

    pr = add("project", "build the read models, then follow the log (one leader per database)")
    pr.add_argument("--once", action="store_true", help="catch up and exit")
    pr.add_argument("--batch", type=int, default=1000, help="events per transaction")
    pr.add_argument("--poll", type=float, default=0.5, help="seconds between polls")
    pr.set_defaults(func=cmd_project)

    rb = add("rebuild", "replay read models from zero into fresh tables and swap them in")
    rb.add_argument("name", nargs="?", help="timeline, tracker, deadlines or reviews")
    rb.add_argument("--all", action="store_true", help="rebuild every read model")
    rb.set_defaults(func=cmd_rebuild)

    sc = add(
        "schedule",
        "watch the statutory clocks: record reminders and breaches, deliver them by e-mail "
        "and webhook, send the daily digest (one leader per database, others stand by)",
    )
    sc.add_argument("--once", action="store_true", help="one pass now, then exit")
    sc.add_argument("--digest", action="store_true", help="with --once: queue today's digest")
    sc.set_defaults(func=cmd_schedule)

    def group(name: str, help_: str, dest: str) -> Any:
        p = sub.add_parser(name, help=help_, description=help_)
        return p.add_subparsers(dest=dest, required=True, metavar="COMMAND")

    def member(subs: Any, name: str, help_: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = subs.add_parser(name, help=help_, description=help_)
        p.add_argument(
            "--sqlite", metavar="PATH", help="use this SQLite file (overrides TRACKER_*)"
        )
        return p

    keys = group("keys", "create, list and revoke the API keys of agency systems and staff", "k")
    kc = member(keys, "create", "issue a key (printed once, stored as a hash)")
    kc.add_argument("--principal", required=True, help="who the key speaks for, e.g. mash-lewisham")
    kc.add_argument(
        "--role",
        required=True,
        choices=["agency", "partnership", "partner", "scrutineer", "analyst", "admin"],
    )
    kc.add_argument(
        "--agency",
        default="",
        help="the agency (agency role) or partner: local_authority, police, icb",
    )
    kc.add_argument("--partnership", action="append", default=[], help="repeat for several")
    kc.add_argument("--label", default="", help="a note kept with the key")
    kc.set_defaults(func=cmd_keys_create)
    kl = member(keys, "list", "list every key: id, state, role, principal, agency, partnerships")
    kl.set_defaults(func=cmd_keys_list)
    kr = member(keys, "revoke", "revoke a key by its id (it stops working within the key cache)")
    kr.add_argument("key_id", help="the key id `keys create` and `keys list` show")
    kr.add_argument("--reason", default="", help="why, kept with the revocation")
    kr.set_defaults(func=cmd_keys_revoke)

    config = group("config", "check the configuration before starting the services", "c")
    cc = member(
        config,
        "check",
        "load the settings (environment and .env) and the partnerships file, try the "
        "database; print the effective configuration without secrets and every problem "
        "(exit 1 when there is one)",
    )
    cc.set_defaults(func=cmd_config_check)

    k = sub.add_parser(
        "keygen",
        help="print a new random AES-256 key for TRACKER_ENCRYPTION_KEY",
        description="print a new random AES-256 key for TRACKER_ENCRYPTION_KEY",
    )
    k.set_defaults(func=cmd_keygen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
