"""Signed checkpoints in the C2SP formats: a ``tlog-checkpoint`` body (origin, tree size,
root hash; here one extension line with the time it was made) inside a ``signed-note``
signed with Ed25519 (``cryptography``).

    tracker.example/safeguarding-log
    1234
    <base64 root hash>
    time 2026-12-23T09:30:00Z

    — tracker.example/safeguarding-log <base64(key id || signature)>

Keys are written as the note tooling writes them: a signer key
``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>`` and a verifier key
``<name>+<key id hex>+<base64(0x01 || public key)>``, where the key id is the first four
bytes of SHA-256(name || 0x0A || 0x01 || public key). A note is accepted only when a
signature by a known verifier key (same name and id) verifies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.merkle import HASH_SIZE

_ED25519 = b"\x01"
_DASH = "\u2014 "
_MAX_SIGNATURES = 16


class NoteError(ValueError):
    """A note or key that is malformed, or whose signature does not verify."""


def _check_name(name: str) -> str:
    if not name or any(ch.isspace() or ch == "+" for ch in name):
        raise NoteError(f"a key name must be non-empty, without spaces or '+': {name!r}")
    return name


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + _ED25519 + public).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    name: str
    public_key: Ed25519PublicKey

    @property
    def id(self) -> bytes:
        return key_id(self.name, _raw_public(self.public_key))

    def __str__(self) -> str:
        raw = _raw_public(self.public_key)
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(_ED25519 + raw).decode()}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        parts = text.strip().split("+", 2)  # base64 may hold '+' too
        if len(parts) != 3:
            raise NoteError("a verifier key is <name>+<key id>+<base64 key>")
        name, hex_id, encoded = parts
        raw = _b64(encoded, "verifier key")
        if len(raw) != 33 or raw[:1] != _ED25519:
            raise NoteError("the verifier key is not an Ed25519 key")
        verifier = cls(_check_name(name), Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.id.hex() != hex_id.lower():
            raise NoteError("the verifier key's id does not match its key")
        return verifier


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(_check_name(name), Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key())

    def __str__(self) -> str:
        seed = self.private_key.private_bytes_raw()
        encoded = base64.b64encode(_ED25519 + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is PRIVATE+KEY+<name>+<key id>+<base64 key>")
        _, _, name, hex_id, encoded = parts
        raw = _b64(encoded, "signer key")
        if len(raw) != 33 or raw[:1] != _ED25519:
            raise NoteError("the signer key is not an Ed25519 key")
        signer = cls(_check_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.id.hex() != hex_id.lower():
            raise NoteError("the signer key's id does not match its key")
        return signer

    def sign(self, text: str) -> str:
        """``text`` (ending in a newline) as a signed note."""
        _check_text(text)
        signature = self.private_key.sign(text.encode())
        encoded = base64.b64encode(self.verifier.id + signature).decode()
        return f"{text}\n{_DASH}{self.name} {encoded}\n"


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"the {what} is not base64") from None


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise NoteError("a note holds no control characters but newlines")


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, Verifier]:
    """The text of ``note`` and the known key that signed it; NoteError when no signature
    of a known key verifies (or one of a known key fails)."""
    if "\n\n" not in note:
        raise NoteError("not a signed note: no blank line before the signatures")
    cut = note.rindex("\n\n")
    text, signatures = note[: cut + 1], note[cut + 2 :]
    _check_text(text)
    lines = signatures.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or len(lines) > _MAX_SIGNATURES:
        raise NoteError("a signed note carries 1 to 16 signatures")
    known = {(v.name, v.id): v for v in verifiers}
    accepted: Verifier | None = None
    for line in lines:
        if not line.startswith(_DASH) or line.count(" ") != 2:
            raise NoteError("a signature line is '— <key name> <base64 signature>'")
        name, encoded = line[len(_DASH) :].split(" ")
        raw = _b64(encoded, "signature")
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue  # unknown keys are ignored (c2sp.org/signed-note)
        try:
            verifier.public_key.verify(raw[4:], text.encode())
        except InvalidSignature:
            raise NoteError(f"the signature of {name} ({raw[:4].hex()}) does not verify") from None
        accepted = verifier
    if accepted is None:
        names = ", ".join(f"{v.name}+{v.id.hex()}" for v in verifiers) or "none"
        raise NoteError(f"the note is signed by no known key (known: {names})")
    return text, accepted


# ------------------------------------------------------------------ the checkpoint body


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    at: datetime

    def text(self) -> str:
        at = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = base64.b64encode(self.root).decode()
        return f"{self.origin}\n{self.size}\n{r}\ntime {at}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint is origin, tree size and root hash, one per line")
        origin, size, encoded = lines[0], lines[1], lines[2]
        if not origin:
            raise NoteError("the checkpoint has no origin")
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError("the checkpoint's tree size is not a decimal number")
        root = _b64(encoded, "root hash")
        if len(root) != HASH_SIZE:
            raise NoteError("the checkpoint's root hash is not 32 bytes")
        at = datetime.fromtimestamp(0, UTC)
        for line in lines[3:-1]:
            if line.startswith("time "):
                try:
                    at = datetime.strptime(line[5:], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                except ValueError:
                    raise NoteError("the checkpoint's time is not YYYY-MM-DDTHH:MM:SSZ") from None
        return cls(origin, int(size), root, at)


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    note: str
    key: Verifier


def read_checkpoint(note: str, verifiers: list[Verifier]) -> SignedCheckpoint:
    """A checkpoint note checked against the known keys (NoteError otherwise)."""
    text, verifier = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != verifier.name:
        raise NoteError(
            f"the checkpoint's origin {checkpoint.origin!r} is not its signer's {verifier.name!r}"
        )
    return SignedCheckpoint(checkpoint, note, verifier)


def read_checkpoints(text: str, verifiers: list[Verifier]) -> list[SignedCheckpoint]:
    """Every checkpoint note in ``text`` (a file may hold several, one after another, as
    kept from the daily e-mails): each note ends with its signature lines."""
    notes: list[str] = []
    current: list[str] = []
    in_signatures = False
    for line in text.splitlines(keepends=True):
        if line.startswith(_DASH):
            in_signatures = True
        elif in_signatures:
            notes.append("".join(current))
            current, in_signatures = [], False
            if not line.strip():
                continue
        current.append(line)
    if current:
        notes.append("".join(current))
    found = [read_checkpoint(n, verifiers) for n in notes if n.strip()]
    if not found:
        raise NoteError("no checkpoint in the file")
    return found
