"""The key commands: ``keys create``, ``keys list``, ``keys revoke`` (the API keys of
agency systems and staff) and ``keygen`` (a new encryption key)."""

from __future__ import annotations

import argparse
import base64
import getpass
import os
import sys

from application.errors import NotFoundError
from application.keys import issue_key, list_keys, revoke_key
from domain.errors import DomainError
from entrypoints.cli.common import safeguarding_of


def cmd_keys_create(args: argparse.Namespace) -> int:
    app = safeguarding_of(args)
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
    app = safeguarding_of(args)
    for k in list_keys(app):
        state = "revoked" if k.revoked else "active"
        print(
            f"{k.key_id}  {state:8} {k.role:12} {k.principal_id:24} {k.agency:24} "
            f"{','.join(k.partnerships):10} {k.issued_at:%Y-%m-%d} {k.label}"
        )
    app.close()
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    app = safeguarding_of(args)
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


def cmd_keygen(_: argparse.Namespace) -> int:
    print(base64.b64encode(os.urandom(32)).decode())
    return 0
