"""The ``tracker`` command: serve the API, project the read models, run the scheduler,
generate data, verify history, summarise, render documents and exports, manage API keys
and check the configuration.

Configuration comes from ``TRACKER_*`` environment variables or a ``.env`` file (see
application/settings.py and the README); ``--sqlite PATH`` is a shortcut for the embedded
store. ``tracker COMMAND --help`` describes each command.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from domain.errors import InvalidValueError
from domain.values import refuse_control_characters
from entrypoints.cli.config_check import cmd_config_check
from entrypoints.cli.data import cmd_demo, cmd_generate, cmd_summary, cmd_verify
from entrypoints.cli.documents import add_commands as add_document_commands
from entrypoints.cli.keys import cmd_keygen, cmd_keys_create, cmd_keys_list, cmd_keys_revoke
from entrypoints.cli.ledger import add_commands as add_ledger_commands
from entrypoints.cli.migrate import cmd_migrate
from entrypoints.cli.services import cmd_project, cmd_rebuild, cmd_schedule, cmd_serve


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
    v.add_argument(
        "--checkpoint",
        metavar="FILE",
        action="append",
        help="also check the stored log against the signed checkpoint(s) in FILE "
        "(repeatable): any change since is reported with its first affected position",
    )
    v.add_argument(
        "--key",
        metavar="KEY",
        action="append",
        help="a public key the checkpoints may be signed with (or a file of them, one a "
        "line); the known public keys file is read too",
    )
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
    rb.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes to split the streams across (PostgreSQL; default: one per core, up "
        "to 4, from 50,000 events)",
    )
    rb.set_defaults(func=cmd_rebuild)

    sc = add(
        "schedule",
        "watch the statutory clocks: record reminders and breaches, deliver them by e-mail "
        "and webhook, send the daily digest (one leader per database, others stand by)",
    )
    sc.add_argument("--once", action="store_true", help="one pass now, then exit")
    sc.add_argument("--digest", action="store_true", help="with --once: queue today's digest")
    sc.add_argument(
        "--checkpoint",
        action="store_true",
        help="with --once: sign a checkpoint of the log and queue it for the scrutineers",
    )
    sc.set_defaults(func=cmd_schedule)

    mg = add(
        "migrate",
        "bring the tables kept beside the events to the newest revision (serve, project and "
        "schedule do it at start)",
    )
    mg.add_argument(
        "--check",
        action="store_true",
        help="apply nothing: exit 1 when the store lacks a revision",
    )
    mg.set_defaults(func=cmd_migrate)

    add_document_commands(add)
    add_ledger_commands(add)

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
    kr = member(keys, "revoke", "revoke a key by its id (every API process refuses it within 1 s)")
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
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, value in vars(args).items():
        try:  # no control character reaches the store or a query from the command line
            refuse_control_characters(value, "--" + name.replace("_", "-"))
        except InvalidValueError as e:
            parser.error(e.message)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code
