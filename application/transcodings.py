"""How the value types of the domain are stored: every type named, every type round-trips.

The JSON transcoder of ``eventsourcing`` handles str, int, float, bool, None, lists and
dicts; everything else needs a registered transcoding. Sequences come back as lists, so
dataclass values are rebuilt with tuples to compare equal to what was saved.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import values


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DataclassAsDict(Transcoding):
    """A frozen dataclass as a dict of its fields (which are transcoded in turn)."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        self._fields = tuple(f.name for f in dataclasses.fields(cls))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


VALUE_TYPES: tuple[type[Any], ...] = (
    values.Audit,
    values.Contact,
    values.Child,
    values.Incident,
    values.FamilyMember,
    values.AgencyInvolvement,
    values.ChronologyEntry,
    values.Participant,
    values.ReferralDetails,
)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_TYPES:
        transcoder.register(DataclassAsDict(cls))
