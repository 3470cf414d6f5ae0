"""The data commands: ``generate`` synthetic cases, ``verify`` every hash chain,
print a ``summary``, and ``demo`` (generate when empty, then summarise)."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any
from uuid import UUID

from tqdm import tqdm

from application.generate import generate
from application.integrity import verify_all, verify_stream
from application.service import Safeguarding
from domain.case import Case
from domain.clocks import ClockStatus, case_clocks, review_clocks
from domain.review import Review
from entrypoints import bootstrap
from entrypoints.cli.common import safeguarding_of
from entrypoints.cli.ledger import verify_with_checkpoints
from projections import quarantine
from projections.timeline import Timeline


def cmd_generate(args: argparse.Namespace) -> int:
    app = safeguarding_of(args)
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
    app = safeguarding_of(args)
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
    damaged = [] if args.stream else _quarantined(app)
    for position, lines in damaged:
        print(f"DAMAGED event at position {position}: " + "; ".join(lines))
    checked = sum(r.events_checked for r in reports)
    failures = len(broken) + len(truncated) + len(damaged)
    print(
        f"verified {len(reports)} streams, {checked} events: "
        f"{'all intact' if not failures else f'{failures} broken'}"
    )
    log = verify_with_checkpoints(args, app) if args.checkpoint else 0
    app.close()
    return log or (1 if failures else 0)


def _quarantined(app: Safeguarding) -> list[tuple[int, list[str]]]:
    """Events the read models set aside (``projections.quarantine``): stored, but not
    something the read side could take (undecodable, or text the database refuses)."""
    store = bootstrap.read_store(app.settings)
    try:
        with store.transaction() as c:
            found = quarantine.listed(c)
    except Exception:
        return []
    finally:
        store.close()
    by_position: dict[int, list[str]] = {}
    for q in found:
        if not q.model.startswith("next_"):  # a rebuild's own, until it swaps
            by_position.setdefault(q.position, []).append(
                f"{q.topic} of stream {q.stream} version {q.stream_version}, "
                f"set aside by read model {q.model} ({q.error})"
            )
    return sorted(by_position.items())


def _truncated(app: Safeguarding, reports: list[Any]) -> list[tuple[str, int, int]]:
    """Streams whose newest events are gone: the chain alone cannot show it, but the
    timeline read model remembers every stream's last version (and its hash)."""
    store = bootstrap.read_store(app.settings)
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
    app = safeguarding_of(args)
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
            p = case.partnership
            for c in case_clocks(case, today, app.timescales(p), app.calendar_of(p)):
                clocks[(c.name.value, c.status.value)] += 1
        start = batch[-1].id + 1
    start = 1
    while True:  # the reviews' clocks: publication and their actions
        batch = app.recorder.select_notifications(
            start=start, limit=500, topics=["domain.review:Review.ReviewCommissioned"]
        )
        if not batch:
            break
        for n in batch:
            review: Review = app.repository.get(UUID(str(n.originator_id)))
            p = review.partnership
            for c in review_clocks(review, today, app.timescales(p), app.calendar_of(p)):
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
    app = safeguarding_of(args)
    empty = not app.recorder.max_notification_id()
    where = app.settings.sqlite_path if app.settings.database.value == "sqlite" else "PostgreSQL"
    app.close()
    if empty:
        args.count, args.years, args.batch, args.quiet = args.count, 2, 10, False
        cmd_generate(args)
    print(f"store: {where}")
    return cmd_summary(args)
