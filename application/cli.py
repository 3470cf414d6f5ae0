"""The ``tracker`` command: generate data, verify history, summarise, make keys.

Configuration comes from ``TRACKER_*`` environment variables (see application/settings.py
and the README); ``--sqlite PATH`` is a shortcut for the embedded store.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from tqdm import tqdm

from application.app import Tracker
from application.generate import generate
from application.integrity import verify_all, verify_stream
from application.settings import Settings
from domain.case import Case
from domain.clocks import ClockStatus, case_clocks


def _settings(args: argparse.Namespace) -> Settings:
    if getattr(args, "sqlite", None):
        return Settings(database="sqlite", sqlite_path=Path(args.sqlite))
    return Settings()


def _tracker(args: argparse.Namespace) -> Tracker:
    return Tracker(_settings(args))


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
    checked = sum(r.events_checked for r in reports)
    print(
        f"verified {len(reports)} streams, {checked} events: "
        f"{'all intact' if not broken else f'{len(broken)} broken'}"
    )
    app.close()
    return 1 if broken else 0


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


def cmd_keygen(_: argparse.Namespace) -> int:
    print(base64.b64encode(os.urandom(32)).decode())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument(
            "--sqlite", metavar="PATH", help="use this SQLite file (overrides TRACKER_*)"
        )
        p.add_argument("--quiet", action="store_true", help="no progress bar")
        return p

    g = add("generate", "write N realistic synthetic cases")
    g.add_argument("count", type=int)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--years", type=int, default=3, help="spread referrals over this many years")
    g.add_argument("--batch", type=int, default=10, help="cases saved per transaction")
    g.set_defaults(func=cmd_generate)

    v = add("verify", "check every stream's hash chain (exit 1 when any is broken)")
    v.add_argument("--stream", metavar="ID", help="check one case or review only")
    v.set_defaults(func=cmd_verify)

    s = add("summary", "print cases by stage and clocks by status")
    s.set_defaults(func=cmd_summary)

    d = add("demo", "generate a demo data set if the store is empty, then summarise it")
    d.add_argument("--count", type=int, default=200)
    d.add_argument("--seed", type=int, default=0)
    d.set_defaults(func=cmd_demo)

    k = sub.add_parser("keygen", help="print a new random AES-256 key for TRACKER_ENCRYPTION_KEY")
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
