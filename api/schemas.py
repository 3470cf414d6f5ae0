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

from application.app import Tracker

MAX_TEXT = 20_000
MAX_ITEMS = 200
Text = Annotated[str, StringConstraints(strict=True, max_length=MAX_TEXT)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_MIRRORS: dict[type, type[BaseModel]] = {}


def _field_type(hint: Any) -> Any:
    """The pydantic type for one domain type hint."""
    origin = typing.get_origin(hint)
    if hint is str:
        return Text
    if hint is bool:
        return StrictBool
    if hint is int:
        return StrictInt
    if hint in (date, UUID, type(None)):
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
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            default = (
                f.default
                if f.default is not dataclasses.MISSING
                else (f.default_factory() if f.default_factory is not dataclasses.MISSING else ...)
            )
            if isinstance(default, tuple):
                default = list(default)
            fields[f.name] = (_field_type(hints[f.name]), default)
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
        return tuple(to_domain(v) for v in value)
    return value


def command_model(method_name: str) -> type[BaseModel]:
    """The body model of the use case ``Tracker.<method_name>``."""
    method = getattr(Tracker, method_name)
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    fields: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue  # self, ctx and the aggregate id come from the path and headers
        default = ... if param.default is inspect.Parameter.empty else param.default
        if isinstance(default, tuple):
            default = list(default)
        fields[name] = (_field_type(hints[name]), default)
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
