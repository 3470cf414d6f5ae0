"""Stored events to domain events, a batch at a time, for the projection engine.

The same events the application's mapper would make (decrypted, decompressed, transcoded,
upcast, constructed), made faster for a log read in batches: a batch's JSON is parsed in
one call, dates and datetimes that repeat are parsed once each, and plain dataclasses are
built without their ``__init__``. Only the hash-chained case and review streams are read
models' input (``CHAINED_TOPICS``): API keys, idempotency records and counters are not.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Transcoding,
    TranscodingNotRegisteredError,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

from application.service import Safeguarding
from application.transcodings import DataclassAsDict, DateAsISO

CHAINED_TOPICS = ("domain.case:", "domain.review:")

Row = tuple[int, Any, int, str, bytes]  # position, originator id, version, topic, state


@dataclass(frozen=True)
class Applied:
    """One domain event with its position in the log."""

    position: int
    event: Any


class Decoder:
    """Stored events to domain events exactly as the application's mapper makes them
    (decrypt, decompress, transcode, construct), a batch at a time: a batch's JSON is parsed
    in one call (the parser shares the keys' strings across its events), and dates and
    datetimes, which repeat, are parsed once each."""

    def __init__(self, app: Safeguarding) -> None:
        mapper = app.mapper
        self.cipher = mapper.cipher
        self.compressor = mapper.compressor
        self.transcoder = mapper.transcoder
        self._classes: dict[tuple[str, type], tuple[Any, Callable[[Any], Any], int]] = {}
        self._json: json.JSONDecoder | None = None
        t = self.transcoder
        if (
            isinstance(t, JSONTranscoder)
            and type(t).decode is JSONTranscoder.decode
            and type(t)._decode_obj is JSONTranscoder._decode_obj
        ):
            self._json = json.JSONDecoder(object_hook=_object_hook(t.names))

    def decode_tolerant(
        self, rows: Sequence[Row]
    ) -> tuple[list[Applied], list[tuple[Row, Exception]]]:
        """``decode``, but a row that cannot be decoded is returned apart with its error
        (the batch is decoded at once; only when that fails, one row at a time)."""
        try:
            return self.decode(rows), []
        except Exception as e:
            if len(rows) == 1:
                return [], [(rows[0], e)]
        applied: list[Applied] = []
        failed: list[tuple[Row, Exception]] = []
        for row in rows:
            try:
                applied.extend(self.decode([row]))
            except Exception as e:
                failed.append((row, e))
        return applied, failed

    def decode(self, rows: Sequence[Row]) -> list[Applied]:
        states: list[bytes] = []
        for r in rows:
            state = r[4]
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            states.append(state)
        if self._json is not None:
            dicts = self._json.decode((b"[" + b",".join(states) + b"]").decode("utf8"))
        else:
            dicts = [self.transcoder.decode(state) for state in states]
        applied = []
        for (position, originator_id, version, topic, _), d in zip(rows, dicts, strict=True):
            key = (topic, type(originator_id))
            found = self._classes.get(key)
            if found is None:
                cls = resolve_topic(topic)
                convert = find_id_convertor(cls, cast(Hashable, key[1]))
                found = (cls, convert, getattr(cls, "class_version", 1))
                self._classes[key] = found
            cls, convert, class_version = found
            d["originator_id"] = convert(originator_id)
            d["originator_version"] = version
            from_version = d.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(d)
                from_version += 1
            event = object.__new__(cls)
            object.__setattr__(event, "__dict__", d)
            applied.append(Applied(position, event))
        return applied


def _object_hook(names: dict[str, Transcoding]) -> Callable[[dict[str, Any]], Any]:
    """The JSON transcoder's ``_decode_obj``, with ISO dates and datetimes memoised."""
    decoders: dict[str, Callable[[Any], Any]] = {n: t.decode for n, t in names.items()}
    for name, kind, parse in (
        ("datetime_iso", DatetimeAsISO, datetime.fromisoformat),
        ("date_iso", DateAsISO, date.fromisoformat),
    ):
        if type(names.get(name)) is kind:
            decoders[name] = _memoised(parse)
    for name, t in names.items():
        if type(t) is DataclassAsDict:
            decoders[name] = _dataclass(t)

    def hook(d: dict[str, Any]) -> Any:
        if len(d) == 2:
            try:
                name = d["_type_"]
                data = d["_data_"]
            except KeyError:
                return d
            try:
                decode = decoders[name]
            except KeyError as e:
                msg = (
                    f"Data serialized with name '{name}' is not deserializable. Please "
                    "register a custom transcoding for this type."
                )
                raise TranscodingNotRegisteredError(msg) from e
            return decode(data)
        return d

    return hook


def _dataclass(t: DataclassAsDict) -> Callable[[Any], Any]:
    """``DataclassAsDict.decode`` without the call to ``__init__`` when that only sets the
    fields (a plain dataclass: no ``__post_init__``, no slots) and every field is there."""
    cls = t.type
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    plain = (
        not hasattr(cls, "__post_init__")
        and "__slots__" not in cls.__dict__
        and all(f.init for f in fields)
    )
    if not plain:
        return t.decode

    def decode(data: Any) -> Any:
        if type(data) is not dict or data.keys() != names:
            return t.decode(data)
        for v in data.values():
            if isinstance(v, list):
                data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
                break
        obj: Any = object.__new__(cls)
        obj.__dict__.update(data)
        return obj

    return decode


def _memoised(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    seen: dict[str, Any] = {}

    def decode(data: Any) -> Any:
        assert isinstance(data, str)
        value = seen.get(data)
        if value is None:
            if len(seen) >= 100_000:
                seen.clear()
            value = seen[data] = parse(data)
        return value

    return decode
