"""``tracker migrate``: bring the tables kept beside the events to the newest revision
(``application/migrations``). ``tracker serve``, ``project`` and ``schedule`` do the same at
start (``migrate_at_start``), so running it first is optional; it is there for deployment
pipelines (``--check``) and for an operator who wants to see what a release changes."""

from __future__ import annotations

import argparse
import sys

from application import migrations
from application.service import Safeguarding
from entrypoints.cli.common import safeguarding_of


def _name(revision: str | None) -> str:
    return revision or "none"


def cmd_migrate(args: argparse.Namespace) -> int:
    app = safeguarding_of(args)
    try:
        before = migrations.current(app.datastore)
        if args.check:
            if before == migrations.HEAD:
                print(f"at revision {before} (the newest)")
                return 0
            print(
                f"behind: at revision {_name(before)}, the newest is {migrations.HEAD} "
                "(run tracker migrate)",
                file=sys.stderr,
            )
            return 1
        done = migrations.upgrade(app.datastore)
        if done.changed:
            print(f"migrated from revision {_name(done.before)} to {_name(done.after)}")
        else:
            print(f"at revision {_name(done.after)} already (the newest): nothing to do")
        return 0
    finally:
        app.close()


def migrate_at_start(app: Safeguarding) -> None:
    """Apply what the store lacks before a service starts (saying so when it did)."""
    done = migrations.upgrade(app.datastore)
    if done.changed:
        print(f"migrated from revision {_name(done.before)} to {_name(done.after)}", flush=True)
