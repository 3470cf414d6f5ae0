"""Where the checkpoint signing key lives: never in the database.

``TRACKER_CHECKPOINT_SIGNING_KEY`` (an environment secret: the note signer key
``PRIVATE+KEY+<origin>+<id>+<base64>``) wins; else the file ``TRACKER_CHECKPOINT_KEY_FILE``
(default ``var/checkpoint-signing.key``), which outside production is created on first
use with mode 0600, its public key printed and added to the known public keys. The known
public keys (``TRACKER_CHECKPOINT_PUBLIC_KEYS_FILE``, one verifier key a line) are every
key this deployment has signed with: after a rotation the old key's line stays, so old
checkpoints keep verifying.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from application.ledger.notes import NoteError, Signer, Verifier
from application.settings import Environment, Settings


class SigningKeyError(RuntimeError):
    """No signing key is configured where one is required, or it is malformed."""


def load_signer(settings: Settings, *, announce: Callable[[str], object] | None = print) -> Signer:
    """The signing key, made on first use outside production (printing its public key)."""
    secret = settings.checkpoint_signing_key.get_secret_value()
    if secret:
        return _parse(secret, "TRACKER_CHECKPOINT_SIGNING_KEY", settings)
    path = settings.checkpoint_key_file
    if path.exists():
        return _parse(path.read_text(), str(path), settings)
    if settings.env is Environment.PRODUCTION:
        raise SigningKeyError(
            "production signs checkpoints with TRACKER_CHECKPOINT_SIGNING_KEY or an existing "
            f"TRACKER_CHECKPOINT_KEY_FILE ({path} does not exist); make one with "
            "`tracker checkpoint --keygen`"
        )
    signer = Signer.generate(settings.log_origin)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _parse(path.read_text(), str(path), settings)
    with os.fdopen(fd, "w") as f:
        f.write(str(signer) + "\n")
    remember(settings, signer.verifier)
    if announce is not None:
        announce(
            f"First checkpoint: created the signing key {path} (keep it secret, off the "
            f"database's machine if you can). Its public key, for scrutineers:\n"
            f"  {signer.verifier}"
        )
    return signer


def _parse(text: str, where: str, settings: Settings) -> Signer:
    try:
        signer = Signer.parse(text)
    except NoteError as e:
        raise SigningKeyError(f"{where}: {e}") from None
    if signer.name != settings.log_origin:
        raise SigningKeyError(
            f"{where} signs as {signer.name!r} but TRACKER_LOG_ORIGIN is {settings.log_origin!r}"
        )
    return signer


def known_keys_file(settings: Settings) -> Path:
    return settings.checkpoint_public_keys_file


def remember(settings: Settings, verifier: Verifier) -> None:
    """Add ``verifier`` to the known public keys (once)."""
    path = known_keys_file(settings)
    lines = path.read_text().splitlines() if path.exists() else []
    if str(verifier) not in (line.strip() for line in lines):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as f:
            f.write(f"{verifier}\n")


def known_verifiers(settings: Settings, extra: list[str] | None = None) -> list[Verifier]:
    """The public keys a checkpoint may be signed with: ``extra`` (given by the verifier,
    e.g. ``--key``), the known public keys file, and the current signing key's."""
    found: dict[str, Verifier] = {}
    lines = list(extra or [])
    path = known_keys_file(settings)
    if path.exists():
        lines += path.read_text().splitlines()
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            v = Verifier.parse(line)
            found[str(v)] = v
    try:
        current = load_signer(settings, announce=None) if _has_key(settings) else None
    except SigningKeyError:
        current = None
    if current is not None:
        found.setdefault(str(current.verifier), current.verifier)
    return list(found.values())


def _has_key(settings: Settings) -> bool:
    return bool(settings.checkpoint_signing_key.get_secret_value()) or (
        settings.checkpoint_key_file.exists()
    )
