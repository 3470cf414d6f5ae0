"""Partnership configuration: who the partnerships are, their areas, their timescales and
who hears of a clock's reminder or breach.

``[partnerships.X.letterhead]`` and ``[partnerships.X.signatories]`` head and sign the
letters the documents feature renders (documents/); ``templates`` names a folder whose
files replace the built-in document templates of the same name; ``[national_panel]`` is
whom the covering letter to the national Panel is addressed to (seed 001 appendix v).

``[partnerships.X.recipients]`` names the addresses of the people the notification rules
tell (``local_authority``, ``police``, ``icb``: the lead representatives; ``lfp_chair``,
``scrutineer``, ``strategic_partners``); ``[partnerships.X.notifications]`` replaces the
default rule of an event type (``case.dissent_shared = ["lead_representatives"]``; see
``application/notifications.py``).

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

from application.notifications import DEFAULT_RULES, RECIPIENT_ROLES, TYPES, Audience
from domain.timescales import StartFact, Timescales


class ConfigurationError(Exception):
    """The partnerships file is missing, malformed or names an unknown setting."""


class UnknownPartnershipError(Exception):
    code = "unknown_partnership"


class UnknownAreaError(Exception):
    code = "unknown_area"


@dataclass(frozen=True)
class Letterhead:
    """What heads the partnership's letters and forms: its address, and whom to contact."""

    address: tuple[str, ...] = ()
    contact: str = ""  # a person or team, e.g. "the Partnership's Business Manager"
    telephone: str = ""
    email: str = ""
    secure_email: str = ""  # where scoping forms are returned (default: email)


@dataclass(frozen=True)
class Signatory:
    name: str = ""
    title: str = ""


# Seed 001: the scoping letter is signed by the Chair of the Learning From Practice Group;
# appendix v names no signatory (the strategic lead sends it, seed 001 "The Rapid Review").
DEFAULT_SIGNATORIES = {
    "scoping_letter": Signatory(title="Chair of the Learning From Practice Group"),
    "panel_letter": Signatory(title="Strategic Safeguarding Partnership Lead"),
}


@dataclass(frozen=True)
class NationalPanel:
    """Whom the covering letter of a rapid review is addressed to (seed 001 appendix v)."""

    addressee: tuple[str, ...] = (
        "Edward Timpson CBE, Chair",
        "Child Safeguarding Practice Review Panel",
        "Sanctuary Buildings",
        "20 Great Smith Street",
        "London",
        "SW1P 3BT",
    )
    salutation: str = "Edward Timpson CBE"


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
    letterhead: Letterhead = Letterhead()
    signatories: dict[str, Signatory] = field(
        default_factory=lambda: dict(DEFAULT_SIGNATORIES), hash=False
    )
    templates: Path | None = None  # a folder of document templates replacing the built-in ones
    # [partnerships.X.recipients]: role (application/notifications.py) -> its addresses
    recipients: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # [partnerships.X.notifications]: event type -> the audiences told (replacing the default)
    notifications: dict[str, tuple[Audience, ...]] = field(default_factory=dict, hash=False)
    # who receives each signed checkpoint of the log (the independent scrutineer); when
    # none are configured, the partnership's ``contacts`` do
    scrutineer_contacts: tuple[str, ...] = ()

    def rule(self, event_type: str) -> tuple[Audience, ...]:
        """Who is told of ``event_type`` by e-mail: this partnership's rule, else the
        default (application/notifications.py)."""
        if event_type in self.notifications:
            return self.notifications[event_type]
        return DEFAULT_RULES.get(event_type, ())

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
    national_panel: NationalPanel = NationalPanel()

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


def is_address(value: str) -> bool:
    """Whether ``value`` is one e-mail address, as the partnerships file takes them."""
    return bool(_ADDRESS.match(value))


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
    | {"letterhead", "signatories", "templates"}  # the documents' (documents/)
    | {"recipients", "notifications"}  # the messages' (application/notifications.py)
    | {"scrutineer_contacts"}  # who receives the log's signed checkpoints
)


def _recipients(code: str, raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{code}: recipients must be a table of role = [addresses]")
    for role in raw:
        if role not in RECIPIENT_ROLES:
            known = ", ".join(RECIPIENT_ROLES)
            raise ConfigurationError(f"{code}: unknown recipients role {role!r} (known: {known})")
    return {role: _addresses(code, f"recipients.{role}", v) for role, v in raw.items()}


def _notifications(code: str, raw: Any) -> dict[str, tuple[Audience, ...]]:
    """``case.scoping_requested = [...]`` reads as TOML's nested table ``case``."""
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{code}: notifications must be a table of type = [audiences]")
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    rules: dict[str, tuple[Audience, ...]] = {}
    audiences = {a.value for a in Audience}
    for event_type, value in flat.items():
        if event_type not in TYPES:
            raise ConfigurationError(f"{code}: notifications: unknown event type {event_type!r}")
        if not isinstance(value, list) or not all(v in audiences for v in value):
            known = ", ".join(sorted(audiences))
            raise ConfigurationError(
                f"{code}: notifications.{event_type} must list audiences (of: {known})"
            )
        rules[event_type] = tuple(Audience(v) for v in dict.fromkeys(value))
    return rules


def _closures(code: str, value: Any) -> tuple[date, ...]:
    if not isinstance(value, list) or not all(
        isinstance(d, date) and not isinstance(d, datetime) for d in value
    ):
        raise ConfigurationError(f"{code}: closures must be a list of dates (2026-12-29, ...)")
    return tuple(sorted(set(value)))


def _strings(code: str, what: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{code}: {what} must be a list of lines")
    return tuple(value)


def _table(code: str, what: str, raw: Any, known: set[str], lines: str = "") -> dict[str, Any]:
    """A sub-table of text settings (``lines``: the one that is a list of lines), refusing
    names it does not know."""
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{code}: {what} must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigurationError(f"{code}: unknown {what} setting {key!r}")
        if key == lines:
            values[key] = _strings(code, f"{what}.{key}", value)
        elif isinstance(value, str):
            values[key] = value
        elif isinstance(value, dict) and not lines:
            values[key] = value  # a nested table (signatories.<letter>), checked by the caller
        else:
            raise ConfigurationError(f"{code}: {what}.{key} must be text")
    return values


def _letterhead(code: str, raw: Any) -> Letterhead:
    fields = {f.name for f in dataclasses.fields(Letterhead)}
    return Letterhead(**_table(code, "letterhead", raw, fields, lines="address"))


def _signatories(code: str, raw: Any) -> dict[str, Signatory]:
    table = _table(code, "signatories", raw, set(DEFAULT_SIGNATORIES))
    found = dict(DEFAULT_SIGNATORIES)
    for letter, value in table.items():
        found[letter] = Signatory(**_table(code, f"signatories.{letter}", value, {"name", "title"}))
    return found


def _templates(code: str, raw: Any, base: Path | None) -> Path | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigurationError(f"{code}: templates must name a folder")
    folder = Path(raw)
    if not folder.is_absolute() and base is not None:
        folder = base / folder
    if not folder.is_dir():
        raise ConfigurationError(f"{code}: templates folder not found: {folder}")
    return folder


def _national_panel(raw: Any) -> NationalPanel:
    if raw is None:
        return NationalPanel()
    known = {"addressee", "salutation"}
    return NationalPanel(**_table("national_panel", "national_panel", raw, known, "addressee"))


def parse_partnerships(data: dict[str, Any], base: Path | None = None) -> Partnerships:
    """The partnerships of a parsed file; relative template folders are under ``base``."""
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
            letterhead=_letterhead(code, raw.get("letterhead", {})),
            signatories=_signatories(code, raw.get("signatories", {})),
            templates=_templates(code, raw.get("templates"), base),
            closures=_closures(code, raw.get("closures", [])),
            recipients=_recipients(code, raw.get("recipients", {})),
            notifications=_notifications(code, raw.get("notifications", {})),
            scrutineer_contacts=_addresses(
                code, "scrutineer_contacts", raw.get("scrutineer_contacts", [])
            ),
        )
    return Partnerships(result, _national_panel(data.get("national_panel")))


def load_partnerships(path: Path) -> Partnerships:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigurationError(f"partnerships file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigurationError(f"{path}: {e}") from None
    return parse_partnerships(data, path.parent)
