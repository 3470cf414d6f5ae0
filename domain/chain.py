"""Hash chain over each aggregate's events.

Every event stores ``prev_hash`` (the hash of its predecessor in the stream, or GENESIS) and
``hash`` (the SHA-256 of its own canonical form, which includes ``prev_hash``). Altering,
removing or reordering a stored event therefore breaks the chain at that event.

The canonical form is independent of storage: it is computed from the event's field
values, so the same event hashes the same whether it was just created or decoded from
SQLite or PostgreSQL, encrypted or not (tuples and lists, enum members and their string
values, are the same value here).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

GENESIS = "0" * 64

# Fields that are not part of what an event says (``hash`` is the result).
_EXCLUDED = frozenset({"hash"})

# A value type's field added after events holding that type were stored (see ``later``).
LATER = "later"
_ALWAYS = object()

# Per dataclass type: each field's name, and its default when it is hashed only when set.
_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def later(default: Any) -> Any:
    """A dataclass field added to a value type after events holding it were stored: left
    out of the canonical form while it holds ``default``, so an event stored before the
    field existed (decoded with the default) keeps the hash it was recorded with."""
    return dataclasses.field(default=default, metadata={LATER: True})


def plain(value: Any) -> Any:
    """``value`` as JSON-able plain data with one spelling per value."""
    t = type(value)
    if t in _SCALARS:
        return value
    if t is date:
        return {"$d": value.isoformat()}
    if t is datetime:
        return {"$dt": value.isoformat()}
    if t is UUID:
        return {"$u": value.hex}
    if t is tuple or t is list:
        return [plain(v) for v in value]
    spec = _FIELDS.get(t)
    if spec is not None:
        fields = {}
        for n, default in spec:
            v = getattr(value, n)
            if default is _ALWAYS or v != default:
                fields[n] = plain(v)
        return {"$" + t.__name__: fields}
    return _plain_other(value)


def _plain_other(value: Any) -> Any:
    """The slower, general cases (and the first sight of each dataclass type)."""
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, bool | int | float | str):
        return plain(type(value).__mro__[-2](value))  # a subclass: as its builtin base
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, UUID):
        return {"$u": value.hex}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _FIELDS[type(value)] = tuple(
            (f.name, f.default if f.metadata.get(LATER) else _ALWAYS)
            for f in dataclasses.fields(value)
        )
        return plain(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        if isinstance(value, set | frozenset):
            items.sort(key=lambda x: json.dumps(x, sort_keys=True))
        return items
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(
        plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def fingerprint(value: Any) -> str:
    """SHA-256 hex of the canonical form of any plain value (commands, payloads)."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def event_hash(event_type: str, fields: Mapping[str, Any]) -> str:
    """The hash of an event of ``event_type`` whose attributes are ``fields``.

    ``fields`` includes originator id, version, timestamp and prev_hash; ``hash`` itself is
    ignored if present.
    """
    body = {k: v for k, v in fields.items() if k not in _EXCLUDED}
    return fingerprint({"type": event_type, "fields": body})


def hash_of(event: object) -> str:
    """Recompute the hash of a (possibly decoded) event object."""
    return event_hash(type(event).__qualname__, vars(event))
