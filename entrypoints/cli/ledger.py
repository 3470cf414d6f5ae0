"""The verifiable log from the command line: ``checkpoint`` signs (and prints) a checkpoint
of every event and access-log row stored so far; ``verify --checkpoint FILE`` checks the
stored rows against kept checkpoints; ``checkpoint --keygen`` makes a signing key."""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

from tqdm import tqdm

from application.ledger.checkpoints import Checkpoints, LogInconsistentError
from application.ledger.notes import NoteError, Signer, read_checkpoints
from application.ledger.signing import (
    SigningKeyError,
    known_verifiers,
    load_signer,
)
from application.ledger.verify import LogVerdict, verify_log
from application.service import Safeguarding
from application.settings import Settings
from entrypoints.cli.common import safeguarding_of, settings_of


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_checkpoint(args: argparse.Namespace) -> int:
    """Sign a checkpoint now and print its note (the signing key's file is made on first use)."""
    settings = settings_of(args)
    if args.keygen:
        signer = Signer.generate(settings.log_origin)
        print(signer)
        _err(f"public key (add it to {settings.checkpoint_public_keys_file}):\n  {signer.verifier}")
        return 0
    try:
        signer = load_signer(settings, announce=_err)
    except SigningKeyError as e:
        _err(f"refused: {e}")
        return 2
    app = safeguarding_of(args)
    try:
        made = Checkpoints(app).make(signer, known_verifiers(settings))
    except LogInconsistentError as e:
        _err(f"refused: {e}")
        return 1
    finally:
        app.close()
    sys.stdout.write(made.note)
    return 0


def _keys(args: argparse.Namespace) -> list[str]:
    lines: list[str] = []
    for key in args.key or []:
        path = Path(key)
        lines += path.read_text().splitlines() if path.is_file() else [key]
    return lines


def verify_with_checkpoints(args: argparse.Namespace, app: Safeguarding) -> int:
    """Check the stored log against the checkpoint files; print each verdict; 0 when all hold."""
    settings: Settings = app.settings
    try:
        verifiers = known_verifiers(settings, _keys(args))
    except NoteError as e:
        _err(f"refused: a public key is malformed: {e}")
        return 2
    given = []
    for name in args.checkpoint:
        try:
            given += [s.checkpoint for s in read_checkpoints(Path(name).read_text(), verifiers)]
        except (OSError, NoteError) as e:
            _err(f"refused: {name}: {e}")
            return 2
    with tqdm(unit="leaf", desc="log", disable=args.quiet or None) as bar:
        verdict = verify_log(app, given, verifiers, progress=bar.update)
    report(verdict)
    return 0 if verdict.ok else 1


def report(verdict: LogVerdict) -> None:
    for r in verdict.checkpoints:
        c = r.checkpoint
        where = "given" if r.given else "stored"
        head = f"checkpoint {c.origin} size {c.size} ({c.at:%Y-%m-%dT%H:%M:%SZ}, {where})"
        if r.ok:
            print(f"{head}: consistent (a consistency proof of {r.proof_hashes} hashes)")
            continue
        if r.first_affected is not None:
            at = f"first affected position {r.first_affected}"
        else:
            at = f"first affected position between {r.affected_from} and {r.affected_to}"
        print(f"BROKEN {head}: {r.problem}; {at}")
    for f in verdict.findings:
        where = f"position {f.position}" if f.position is not None else "not in the log"
        print(f"  {where}: {f.problem}")
    root = base64.b64encode(verdict.root).decode()
    print(
        f"log: {verdict.leaves} leaves recomputed from the stored rows (root {root}); "
        f"{verdict.pending_events} events and {verdict.pending_access} access-log rows "
        "stored since the last leaf, not yet in a checkpoint"
    )
    first = verdict.first_affected
    print(
        "log intact against every checkpoint"
        if verdict.ok
        else "log BROKEN" + (f": first affected position {first}" if first is not None else "")
    )


def add_commands(add: object) -> None:
    """``checkpoint`` (``verify --checkpoint`` is added with ``verify``)."""
    assert callable(add)
    c = add(
        "checkpoint",
        "sign a checkpoint of the log (every event and access-log row stored so far) and "
        "print it as a C2SP signed note",
    )
    c.add_argument(
        "--keygen",
        action="store_true",
        help="print a new signing key (and its public key) instead, for "
        "TRACKER_CHECKPOINT_SIGNING_KEY or TRACKER_CHECKPOINT_KEY_FILE",
    )
    c.set_defaults(func=cmd_checkpoint)
