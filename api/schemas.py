"""Request and response models, derived from the domain so there is one source of truth.

The domain's value dataclasses (Contact, Child, Incident...) are mirrored as strict pydantic
models (unknown fields refused, text bounded, no silent coercion of booleans or numbers), and
each command's body model is built from the signature of its use case on ``Tracker``: the
keyword arguments after ``ctx`` and the id. A request therefore cannot drift from the
use case it calls.
"""

import collections.abc
import dataclasses
import inspect
import types
import typing
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Union
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    create_model,
)

from application.service import Safeguarding
from domain import values as v

MAX_TEXT = 20_000
MAX_ITEMS = 200
Text = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_MIRRORS: dict[type, type[BaseModel]] = {}

# Fields whose text is one of the domain's vocabularies: validated (and documented in the
# OpenAPI schema) as that enum. Keyed by use case or value type, then field name.
ENUM_FIELDS: dict[str, dict[str, type[StrEnum]]] = {
    "alert_partners": {"recipients": v.AlertRecipient},
    "recommend_criteria": {"recommendation": v.CriteriaOutcome},
    "record_partner_decision": {"partner": v.SafeguardingPartner, "decision": v.CriteriaOutcome},
    "conclude_mediation": {"outcome": v.CriteriaOutcome},
    "decide_criteria": {"outcome": v.CriteriaOutcome},
    "refer_to_learning_from_practice": {"meeting": v.LfpMeeting},
    "hold_meeting": {
        "format": v.MeetingFormat,
        "criteria": v.RapidReviewCriterion,
        "recommendation": v.Recommendation,
    },
    "approve_report": {"partner": v.SafeguardingPartner},
    "consider_learning_referral": {"outcome": v.LearningOutcome},
    "refer_practice_learning": {"category": v.LearningCategory},
    "commission_review": {"review_type": v.ReviewType},
    "appoint_reviewer": {"role": v.ReviewerRole},
    "send_pre_publication_copy": {"recipients": v.PrePublicationRecipient},
    "disseminate_learning": {"format": v.DisseminationFormat},
    "Incident": {"kind": v.IncidentKind, "abuse_or_neglect": v.AbuseOrNeglect},
    "Participant": {"represents": v.SafeguardingPartner},
}


def _with_enum(hint: Any, enum: type[StrEnum] | None) -> Any:
    """``hint`` with its text replaced by ``enum`` (inside lists and optionals too)."""
    if enum is None:
        return hint
    if hint is str:
        return enum
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return Union[tuple(_with_enum(a, enum) for a in args)]  # noqa: UP007
    if origin in (tuple, list, collections.abc.Sequence, collections.abc.Iterable):
        return list[_with_enum(args[0], enum)]  # type: ignore[misc]
    return hint


def _field_type(hint: Any) -> Any:
    """The pydantic type for one domain type hint."""
    origin = typing.get_origin(hint)
    if hint is str:
        return Text
    if hint is bool:
        return StrictBool
    if hint is int:
        return StrictInt
    if hint in (date, UUID, type(None)) or (isinstance(hint, type) and issubclass(hint, StrEnum)):
        return hint
    if hint is Any:
        return Union[StrictBool, StrictInt, Text, None]  # noqa: UP007 - runtime union
    if dataclasses.is_dataclass(hint):
        return mirror(typing.cast(type, hint))
    if origin in (Union, types.UnionType):
        args = tuple(_field_type(a) for a in typing.get_args(hint))
        return Union[args]  # noqa: UP007
    if origin in (tuple, list, collections.abc.Sequence, collections.abc.Iterable):
        item = typing.get_args(hint)[0]
        return Annotated[list[_field_type(item)], Field(max_length=MAX_ITEMS)]  # type: ignore[misc]
    raise TypeError(f"no request type for {hint!r}")


def mirror(cls: type) -> type[BaseModel]:
    """A strict pydantic model with the fields of domain dataclass ``cls``."""
    model = _MIRRORS.get(cls)
    if model is None:
        hints = typing.get_type_hints(cls)
        enums = ENUM_FIELDS.get(cls.__name__, {})
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            default = (
                f.default
                if f.default is not dataclasses.MISSING
                else (f.default_factory() if f.default_factory is not dataclasses.MISSING else ...)
            )
            if isinstance(default, tuple):
                default = list(default)
            hint = _with_enum(hints[f.name], enums.get(f.name))
            fields[f.name] = (_field_type(hint), default)
        model = create_model(cls.__name__, __base__=Strict, **fields)
        _MIRRORS[cls] = model
    return model


def to_domain(value: Any) -> Any:
    """Turn validated request data back into the domain's values (models to dataclasses,
    lists to tuples)."""
    if isinstance(value, BaseModel):
        cls = next(c for c, m in _MIRRORS.items() if isinstance(value, m))
        return cls(**{name: to_domain(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return tuple(to_domain(item) for item in value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def command_model(method_name: str) -> type[BaseModel]:
    """The body model of the use case ``Tracker.<method_name>``."""
    method = getattr(Safeguarding, method_name)
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    enums = ENUM_FIELDS.get(method_name, {})
    fields: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue  # self, ctx and the aggregate id come from the path and headers
        default = ... if param.default is inspect.Parameter.empty else param.default
        if isinstance(default, tuple):
            default = list(default)
        fields[name] = (_field_type(_with_enum(hints[name], enums.get(name))), default)
    title = "".join(part.title() for part in method_name.split("_")) + "Request"
    return create_model(title, __base__=Strict, **fields)


def command_kwargs(body: BaseModel) -> dict[str, Any]:
    return {name: to_domain(getattr(body, name)) for name in type(body).model_fields}


class CommandAnswer(BaseModel):
    """What every command answers."""

    id: UUID = Field(description="the case (or review) id")
    reference: str = Field(description="the human reference, e.g. LEW-2026-0007")
    version: int = Field(description="the version the case reached; send it as If-Match")
    position: int = Field(
        description="log position of the command's last event: hand it to a read to see "
        "your own write"
    )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    code: str
    instance: str = ""
    errors: list[dict[str, Any]] | None = None
    current_version: int | None = None


__all__ = [
    "MAX_ITEMS",
    "MAX_TEXT",
    "CommandAnswer",
    "Problem",
    "command_kwargs",
    "command_model",
    "mirror",
    "to_domain",
]
