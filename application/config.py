"""Partnership configuration: who the partnerships are, their areas, their timescales and
who hears of a clock's reminder or breach.

``contacts`` are the partnership's own addresses (every reminder, breach and digest goes to
them); ``[partnerships.X.agency_contacts]`` maps an agency's name, as the process records it
(the agency a scoping request was addressed to, an action's owner agency), to the addresses
that hear of that agency's own clocks. Agency names are matched ignoring case and spaces at
either end.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from domain.timescales import StartFact, Timescales


class ConfigurationError(Exception):
    """The partnerships file is missing, malformed or names an unknown setting."""


class UnknownPartnershipError(Exception):
    code = "unknown_partnership"


class UnknownAreaError(Exception):
    code = "unknown_area"


@dataclass(frozen=True)
class Partnership:
    code: str  # the reference prefix, e.g. "BHR" in BHR-2026-0007
    name: str
    local_authorities: tuple[str, ...]
    timescales: Timescales
    contacts: tuple[str, ...] = ()
    # agency name (as recorded) -> the addresses that hear of that agency's clocks
    agency_contacts: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # the partnership's own closure days (e.g. between Christmas and New Year): not working
    # days for its clocks, on top of the England & Wales bank holidays
    closures: tuple[date, ...] = ()

    def contacts_of_agency(self, agency: str) -> tuple[str, ...]:
        """The addresses configured for ``agency`` (ignoring case and outer spaces)."""
        wanted = agency.strip().casefold()
        if not wanted:
            return ()
        for name, addresses in self.agency_contacts.items():
            if name.strip().casefold() == wanted:
                return addresses
        return ()


@dataclass(frozen=True)
class Partnerships:
    by_code: dict[str, Partnership]

    def get(self, code: str) -> Partnership:
        try:
            return self.by_code[code]
        except KeyError:
            raise UnknownPartnershipError(f"unknown partnership {code!r}") from None

    def check_area(self, code: str, area: str) -> Partnership:
        p = self.get(code)
        if area not in p.local_authorities:
            areas = ", ".join(p.local_authorities)
            raise UnknownAreaError(f"{area!r} is not a local authority of {code} ({areas})")
        return p

    def timescales(self, code: str) -> Timescales:
        p = self.by_code.get(code)
        return p.timescales if p else Timescales()

    def closures(self, code: str) -> tuple[date, ...]:
        p = self.by_code.get(code)
        return p.closures if p else ()

    def __iter__(self) -> Any:
        return iter(self.by_code.values())


_TIMESCALE_FIELDS = {f.name: f for f in dataclasses.fields(Timescales)}
# The facts each configurable clock may count from (where the seeds word it differently).
_START_FACTS: dict[str, tuple[StartFact, ...]] = {
    "scoping_returned_from": (StartFact.REQUEST, StartFact.NOTIFICATION),
    "rapid_review_meeting_from": (StartFact.NOTIFICATION, StartFact.REFERRAL),
    "rapid_review_submission_from": (StartFact.NOTIFICATION, StartFact.AWARE),
}


def _timescales(code: str, raw: dict[str, Any]) -> Timescales:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _TIMESCALE_FIELDS:
            known = ", ".join(sorted(_TIMESCALE_FIELDS))
            raise ConfigurationError(f"{code}: unknown timescale {key!r} (known: {known})")
        if key.endswith("_meetings"):
            if not isinstance(value, list) or not all(isinstance(d, date) for d in value):
                raise ConfigurationError(f"{code}: {key} must be a list of dates")
            value = tuple(sorted(value))
        elif key.endswith("_first_meeting"):
            if not isinstance(value, date):
                raise ConfigurationError(f"{code}: {key} must be a date")
        elif key.endswith("_from"):
            allowed = _START_FACTS[key]
            if value not in {f.value for f in allowed}:
                choices = ", ".join(f.value for f in allowed)
                raise ConfigurationError(f"{code}: {key} must be one of: {choices}")
            value = StartFact(value)
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigurationError(f"{code}: {key} must be a whole number of days")
        values[key] = value
    t = Timescales(**values)
    if t.rapid_review_meeting_window_opens > t.rapid_review_meeting:
        raise ConfigurationError(f"{code}: the meeting window opens after it closes")
    return t


# One address, no display name: something@somewhere, nothing that could split a header.
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+$")


def _addresses(code: str, what: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ConfigurationError(f"{code}: {what} must be a list of e-mail addresses")
    for address in value:
        if not _ADDRESS.match(address):
            raise ConfigurationError(f"{code}: {what}: {address!r} is not an e-mail address")
    return tuple(dict.fromkeys(value))


def _agency_contacts(code: str, raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{code}: agency_contacts must be a table of agency = [addresses]")
    result: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for agency, value in raw.items():
        name = agency.strip()
        if not name:
            raise ConfigurationError(f"{code}: agency_contacts names an empty agency")
        if name.casefold() in seen:
            raise ConfigurationError(f"{code}: agency_contacts names {name!r} twice")
        seen.add(name.casefold())
        result[name] = _addresses(code, f"agency_contacts for {name!r}", value)
    return result


# What a [partnerships.CODE] table may hold; anything else is a mistake to report, not skip.
PARTNERSHIP_KEYS = frozenset(
    {"name", "local_authorities", "contacts", "agency_contacts", "timescales", "closures"}
)


def _closures(code: str, value: Any) -> tuple[date, ...]:
    if not isinstance(value, list) or not all(
        isinstance(d, date) and not isinstance(d, datetime) for d in value
    ):
        raise ConfigurationError(f"{code}: closures must be a list of dates (2026-12-29, ...)")
    return tuple(sorted(set(value)))


def parse_partnerships(data: dict[str, Any]) -> Partnerships:
    table = data.get("partnerships")
    if not isinstance(table, dict) or not table:
        raise ConfigurationError("no [partnerships.CODE] tables found")
    result: dict[str, Partnership] = {}
    for code, raw in table.items():
        if not code.isalnum() or not code.isupper():
            raise ConfigurationError(f"partnership code {code!r} must be upper-case letters")
        if not isinstance(raw, dict):
            raise ConfigurationError(f"{code}: must be a table")
        unknown = sorted(set(raw) - PARTNERSHIP_KEYS)
        if unknown:
            known = ", ".join(sorted(PARTNERSHIP_KEYS))
            raise ConfigurationError(f"{code}: unknown setting {unknown[0]!r} (known: {known})")
        areas = raw.get("local_authorities")
        if not isinstance(areas, list) or not areas or not all(isinstance(a, str) for a in areas):
            raise ConfigurationError(f"{code}: local_authorities must list at least one name")
        result[code] = Partnership(
            code=code,
            name=str(raw.get("name", code)),
            local_authorities=tuple(areas),
            timescales=_timescales(code, raw.get("timescales", {})),
            contacts=_addresses(code, "contacts", raw.get("contacts", [])),
            agency_contacts=_agency_contacts(code, raw.get("agency_contacts", {})),
            closures=_closures(code, raw.get("closures", [])),
        )
    return Partnerships(result)


def load_partnerships(path: Path) -> Partnerships:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigurationError(f"partnerships file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigurationError(f"{path}: {e}") from None
    return parse_partnerships(data)
