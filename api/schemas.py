"""Request and response models, derived from the domain and the acts' declarations.

The domain's value dataclasses (Contact, Child, Incident...) are mirrored as strict pydantic
models (unknown fields refused, text bounded, no silent coercion of booleans or numbers), and
each act's body model is built from its declaration (application/acts/): its fields but the
subject id, which comes from the path. A field marked ``OneOf(vocabulary)`` is validated and
documented as that enum. Every field carries its description (application/acts/fields.py,
or the act's own ``field_notes``). A request therefore cannot drift from the act it performs.
"""

import collections.abc
import dataclasses
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

from application.acts import Act
from application.acts.fields import act_field, value_field
from domain.values import OneOf

MAX_TEXT = 20_000
MAX_ITEMS = 200
Text = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_MIRRORS: dict[type, type[BaseModel]] = {}


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
    """The pydantic type for one domain type hint (``Annotated[..., OneOf(enum)]``: the
    text as that enum)."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        inner, *extras = typing.get_args(hint)
        vocabulary = next((e.vocabulary for e in extras if isinstance(e, OneOf)), None)
        return _field_type(_with_enum(inner, vocabulary))
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
        hints = typing.get_type_hints(cls, include_extras=True)
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            described = Field(_default(f), description=value_field(cls, f.name))
            fields[f.name] = (_field_type(hints[f.name]), described)
        # named apart from the domain type, which answers show under its own name
        model = create_model(f"{cls.__name__}Input", __base__=Strict, **fields)
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


def command_model(act: type[Act]) -> type[BaseModel]:
    """The body model of ``act``: its declared fields but the subject id (the path's); the
    field naming whom the act is performed for (``acting_for``) may be left out."""
    hints = typing.get_type_hints(act, include_extras=True)
    fields: dict[str, Any] = {}
    for f in act.body_fields():
        default = _default(f)
        kind = _field_type(hints[f.name])
        if f.name == act.acting_for and default is ...:
            # an agency's or partner's key may leave it out: the key's own (api/routes/commands)
            kind, default = Union[kind, None], None  # noqa: UP007
        described = Field(default, description=act_field(act, f.name))
        fields[f.name] = (kind, described)
    return create_model(act.__name__ + "Request", __base__=Strict, **fields)


def _default(f: "dataclasses.Field[Any]") -> Any:
    """A field's default as a request body spells it (a sequence as a list); ``...`` when
    it is required."""
    if f.default is not dataclasses.MISSING:
        default = f.default
    elif f.default_factory is not dataclasses.MISSING:
        default = f.default_factory()
    else:
        return ...
    return list(default) if isinstance(default, tuple) else default


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
    action_id: str | None = Field(
        None, description="the action the command agreed or completed (A<n>), else null"
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
