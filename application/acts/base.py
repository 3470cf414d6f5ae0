"""What an act is: the one declaration everything else about it is derived from.

An act of the safeguarding process (``AlertPartners``, ``ReturnScoping``...) is a frozen
dataclass: its fields are what the act says, with their types (``Annotated[str,
OneOf(...)]`` for a field drawn from a vocabulary), and its class attributes say who may
perform it (``roles``), on whose behalf (``acting_for``: the field naming the agency or
partner acted for), its REST ``path`` and ``title``, and a valid ``example``; its docstring
is its description. What each field means comes from application/acts/fields.py, unless the
act says more particularly in ``field_notes``. From that declaration come the REST route,
the request model with its field descriptions and OpenAPI example (api/routes/commands.py,
api/schemas.py), the permission check (application/policy.py), the role table in the
README (``python -m application.acts``) and the command path of the application
(application/service.py).

An act's name is its class name in snake case (``AlertPartners`` -> ``alert_partners``),
and it is also the name of the domain command method that performs it: ``perform`` calls
``case.alert_partners(audit=..., **act.payload())`` unless an act says otherwise. So adding
an act is one declaration here plus the domain method and its event.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from uuid import UUID

from domain.base import AuditedAggregate
from domain.calendar import WorkingDayCalendar
from domain.case import Case
from domain.errors import EffectiveDateOutOfRangeError
from domain.review import Review
from domain.timescales import Timescales
from domain.values import Audit, Role, refuse_control_characters

if TYPE_CHECKING:
    from application.config import Partnerships
    from application.context import Principal

# Who may perform an act (DESIGN §5): partnership staff may perform every act; others
# join them for the acts that are theirs.
STAFF = frozenset({Role.PARTNERSHIP})
AGENCIES = frozenset({Role.AGENCY, Role.PARTNERSHIP})  # referrals; scoping for their own agency
PARTNERS = frozenset({Role.PARTNER, Role.PARTNERSHIP})  # their own decision and approval
MEDIATORS = frozenset({Role.SCRUTINEER, Role.PARTNERSHIP})  # the scrutineer mediates

EARLIEST_DATE = date(1990, 1, 1)  # before any act this process records
_WORD = re.compile(r"(?<!^)(?=[A-Z])")


def body(**fields: Any) -> dict[str, Any]:
    """An act's example: a valid request body, as an agency system would send it."""
    return fields


def notes(**fields: str) -> dict[str, str]:
    """An act's ``field_notes``: what each named field means in this act."""
    return fields


class Env(Protocol):
    """What an act may consult while it is performed (the application provides it)."""

    @property
    def calendar(self) -> WorkingDayCalendar: ...

    @property
    def partnerships(self) -> Partnerships: ...

    def timescales(self, partnership: str) -> Timescales: ...

    def calendar_of(self, partnership: str) -> WorkingDayCalendar: ...

    def case(self, principal: Principal, case_id: UUID) -> Case: ...


@dataclasses.dataclass(frozen=True, kw_only=True)
class Act:
    """One act of the process, as data. Concrete acts register themselves, in the order
    they are declared (the order of the REST routes and the README table)."""

    act_name: ClassVar[str]  # derived: the class name in snake case
    roles: ClassVar[frozenset[Role]] = STAFF
    acting_for: ClassVar[str | None] = None
    collection: ClassVar[str]  # cases or reviews: /api/v1/<collection>/...
    path: ClassVar[str]
    title: ClassVar[str]  # a few words: the REST route's summary
    example: ClassVar[dict[str, Any]]
    # what a field means in this act, where it differs from application/acts/fields.py's
    field_notes: ClassVar[dict[str, str]] = {}
    # the name an earlier release gave the act, for idempotency keys recorded under it
    stored_as: ClassVar[str | None] = None
    id_field: ClassVar[str | None] = None  # the field naming the subject (from the path)
    registry: ClassVar[list[type[Act]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.act_name = _WORD.sub("_", cls.__name__).lower()
        if "title" in cls.__dict__:
            Act.registry.append(cls)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            # whatever the surface (REST, the CLI, an import, the generator), no text of an
            # act carries a control character: it could stop the read side (PostgreSQL
            # refuses NUL) and it is never what a form meant
            refuse_control_characters(value, f.name)
            if isinstance(value, list):  # sequences are tuples, as the events store them
                object.__setattr__(self, f.name, tuple(value))

    @classmethod
    def describe(cls) -> str:
        """The declaration's docstring, as one line."""
        return " ".join((cls.__doc__ or cls.title).split())

    @classmethod
    def body_fields(cls) -> list[dataclasses.Field[Any]]:
        """The fields a request body carries: all but the subject id, which is the path's."""
        return [f for f in dataclasses.fields(cls) if f.name != cls.id_field]

    def payload(self) -> dict[str, Any]:
        """What the act says, without its subject: the domain method's keyword arguments,
        and what an idempotency key is bound to."""
        return {f.name: getattr(self, f.name) for f in self.body_fields()}

    def on_behalf_of(self) -> str | None:
        """The agency or safeguarding partner this act is performed for, if it names one."""
        return None if self.acting_for is None else str(getattr(self, self.acting_for))

    def check_dates(self, today: date) -> None:
        """Every date the act gives (its own, and its incident's) is within the years the
        process can have: not before 1990 (``0008-04-30`` is a typing slip), and not more
        than a year after ``today`` (a planned meeting or a due date); the domain's guards
        then refuse effective dates in the future. ``EffectiveDateOutOfRangeError``
        otherwise."""
        found = [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]
        incident = getattr(self, "incident", None)
        if incident is not None and isinstance(getattr(incident, "occurred_on", None), date):
            found.append(("incident.occurred_on", incident.occurred_on))
        latest = today + timedelta(days=366)
        for name, value in found:
            if isinstance(value, date) and not EARLIEST_DATE <= value <= latest:
                raise EffectiveDateOutOfRangeError(
                    f"{name} {value.isoformat()} is outside {EARLIEST_DATE.isoformat()} to "
                    f"{latest.isoformat()} (a year from today)"
                )

    def check(self, env: Env, principal: Principal) -> None:
        """Checks against the configuration or other records, before the act is authorised
        and decided (none by default)."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubjectAct(Act):
    """An act on an aggregate that exists: load it, let its command method decide."""

    aggregate: ClassVar[type[AuditedAggregate]]

    @property
    def subject_id(self) -> UUID:
        assert self.id_field is not None
        value: UUID = getattr(self, self.id_field)
        return value

    def perform(self, subject: Any, audit: Audit, env: Env) -> None:
        """Decide on ``subject``: its command method of this act's name records the event
        or refuses."""
        getattr(subject, self.act_name)(audit=audit, **self.payload())


@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseAct(SubjectAct):
    """An act on one case (``POST /api/v1/cases/{id}/<path>``)."""

    aggregate = Case
    collection = "cases"
    id_field = "case_id"
    case_id: UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewAct(SubjectAct):
    """An act on one review (``POST /api/v1/reviews/{id}/<path>``)."""

    aggregate = Review
    collection = "reviews"
    id_field = "review_id"
    review_id: UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class Creation(Act):
    """An act that begins a case or a review, numbered in its partnership's series of the
    year (``path`` is the whole path: ``/cases/serious-incidents``)."""

    aggregate: ClassVar[type[AuditedAggregate]]
    series_suffix: ClassVar[str] = ""  # reviews are numbered apart: LEW-R-2026-0001
    partnership: str

    def year(self) -> int:
        raise NotImplementedError

    def create(self, id: UUID, reference: str, audit: Audit) -> AuditedAggregate:
        """The new aggregate: its class's creation method of this act's name decides."""
        created: AuditedAggregate = getattr(self.aggregate, self.act_name)(
            id=id, audit=audit, reference=reference, **self.payload()
        )
        return created
