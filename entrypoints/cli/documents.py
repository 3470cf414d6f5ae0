"""``tracker document`` and ``tracker export``: the documents and exports of the API, written
to a file (or standard output) from the command line.

The command speaks as partnership staff of every configured partnership (``--analyst``: as
an analyst, pseudonymised), as ``cli:<user>``; its reads of personal data are written to the
access log like any other. Reports and exports read the read models as ``tracker project``
(or the API's own projector) left them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from tqdm import tqdm

from application.context import Principal
from application.errors import ApplicationError
from documents.exports import NAMES
from documents.formats import DocumentError, Format
from documents.output import Rendered
from documents.service import Asked, Kind
from domain.errors import DomainError
from domain.values import Role
from entrypoints import bootstrap
from entrypoints.cli.common import safeguarding_of

REPORT = "tracker-report"


def add_commands(add: Any) -> None:
    """The ``document`` and ``export`` commands, on the CLI's sub-parsers."""
    d = add("document", "render a case's document or the tracker report to a file")
    d.add_argument("kind", choices=[*(k.value for k in Kind), REPORT])
    d.add_argument("case_id", nargs="?", help="the case (not for tracker-report)")
    d.add_argument("--agency", help="scoping-pack: the agency it is for")
    d.add_argument("--version", type=int, help="the case as it stood at this version")
    d.add_argument("--at", help="the case as it stood at this instant (ISO 8601)")
    d.add_argument("--partnership", help="tracker-report: the partnership (default: the first)")
    d.add_argument("--on", help="tracker-report: as at this day (default: today)")
    d.add_argument("--format", choices=[f.value for f in Format], help="default: pdf")
    _common(d)
    d.set_defaults(func=cmd_document)

    e = add("export", "export a read model to CSV or XLSX, with the GraphQL filters")
    e.add_argument("model", choices=NAMES)
    e.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    e.add_argument("--partnership", help="one partnership (default: every one)")
    e.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a filter as the API takes it, e.g. stage=scoping (repeat for several)",
    )
    _common(e)
    e.set_defaults(func=cmd_export)


def _common(d: argparse.ArgumentParser) -> None:
    d.add_argument("-o", "--output", help="the file to write (default: its own name; - for stdout)")
    d.add_argument("--analyst", action="store_true", help="as an analyst sees it")


def principal_of(args: argparse.Namespace, codes: Iterable[str]) -> Principal:
    role = Role.ANALYST if args.analyst else Role.PARTNERSHIP
    return Principal(f"cli:{getpass.getuser()}", role, "", tuple(codes))


def cmd_document(args: argparse.Namespace) -> int:
    app = safeguarding_of(args)
    try:
        docs = bootstrap.documents(app)
        asked = Asked(
            principal_of(args, app.partnerships.by_code),
            f"cli-{uuid4().hex}",
            f"tracker document {args.kind}",
        )
        if args.kind == REPORT:
            fmt = Format(args.format or "pdf")
            on = date.fromisoformat(args.on) if args.on else None
            rendered = docs.tracker_report(asked, args.partnership, on, fmt)
        else:
            if not args.case_id:
                return _fail(f"{args.kind} needs the case's id")
            rendered = docs.case_document(
                asked,
                UUID(args.case_id),
                Kind(args.kind),
                Format(args.format or "pdf"),
                agency=args.agency,
                version=args.version,
                at=datetime.fromisoformat(args.at) if args.at else None,
            )
        return _save(rendered, args.output)
    except (ApplicationError, DocumentError, DomainError) as e:
        return _fail(e.message)
    except ValueError as e:
        return _fail(str(e))
    finally:
        app.close()


def cmd_export(args: argparse.Namespace) -> int:
    app = safeguarding_of(args)
    try:
        params: list[tuple[str, str]] = []
        for item in args.filter:
            name, sep, value = item.partition("=")
            if not sep:
                return _fail(f"--filter {item!r}: write NAME=VALUE")
            params.append((name.strip(), value.strip()))
        asked = Asked(
            principal_of(args, app.partnerships.by_code),
            f"cli-{uuid4().hex}",
            f"tracker export {args.model}",
        )
        with tqdm(unit="row", disable=args.quiet or None, file=sys.stderr) as bar:
            rendered = bootstrap.documents(app).export(
                asked,
                args.model,
                Format(args.format),
                params,
                partnership=args.partnership,
                progress=bar.update,
            )
            return _save(rendered, args.output)
    except (ApplicationError, DocumentError, DomainError) as e:
        return _fail(e.message)
    finally:
        app.close()


def _save(rendered: Rendered, output: str | None) -> int:
    if output == "-":
        for chunk in rendered.chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return 0
    path = Path(output or rendered.filename)
    written = 0
    with path.open("wb") as f:
        for chunk in rendered.chunks:
            f.write(chunk)
            written += len(chunk)
    stamp = rendered.stamp
    reflects = f" ({stamp.line()})" if stamp is not None else ""
    print(f"wrote {path} ({written:,} bytes){reflects}", file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"tracker: {message}", file=sys.stderr)
    return 2
