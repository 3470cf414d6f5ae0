"""Long lists without graphql-core's cost per field: a page of 500 history events or 100
cases is completed by a plan made once per list, not by resolving and completing each of
its thousands of fields one by one.

graphql-core resolves every field of every item through the resolver strawberry wraps it
in, then completes it (type checks, paths, error handling): about 60% of a 500-event
history read went there. A type opts in with ``fast = True`` in its class body (as a
``ClassVar``); its fields must then be plain attributes, or resolvers named in
``fast_resolvers`` that take only ``self`` and ``info`` and use nothing of ``info`` but
``info.context``. For a list of such items, ``FastExecutionContext`` collects the
selection once (aliases, fragments, ``@skip``/``@include`` as graphql-core does), reads
each item's fields directly and serialises each leaf with its type's own
``coerce_output_value``: the answer is exactly what the ordinary path gives.

Anything the plan does not cover falls back to the ordinary path, whole list at once: a
field with arguments, ``@defer``, an item of another class, a null where the schema says
non-null, an error raised by a resolver (which the ordinary path then reports where it
belongs). A fallback calls the opted-in resolvers again; theirs must be safe to repeat
(what they record, such as the access log's notes, is a set).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_enum_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Complete = Callable[[Any, Any], Any]  # (value, context) -> the completed value


class _NotFastError(Exception):
    """This list cannot be completed by the plan: take the ordinary path."""


class _Info:
    """What an opted-in resolver is given as ``info``: the request's context only."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


# leaf types whose coerce_output_value gives a value of this Python type back unchanged
_UNCHANGED: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}


# strawberry's Date and DateTime scalars serialise a value as its isoformat()
_ISO: dict[str, type] = {"Date": date, "DateTime": datetime}


def _leaf(leaf: GraphQLLeafType, required: bool) -> Complete:
    coerce = leaf.coerce_output_value
    same = _UNCHANGED.get(leaf.name)
    iso = _ISO.get(leaf.name)
    names: dict[Any, Any] = {}  # an enum's members and their names, as coerced once

    def complete(value: Any, ctx: Any) -> Any:
        if value is None:
            if required:
                raise _NotFastError  # graphql-core's error, with its path, on the ordinary path
            return None
        kind = type(value)
        if kind is same:
            return value
        if kind is iso:
            return value.isoformat()
        if enum:
            found = names.get(value)
            if found is not None:
                return found
        out = coerce(value)
        if out is None or out is Undefined:
            raise _NotFastError  # the ordinary path says why
        if enum:
            names[value] = out
        return out

    enum = is_enum_type(leaf)
    return complete


def _list(item: Complete, required: bool) -> Complete:
    def complete(value: Any, ctx: Any) -> Any:
        if value is None:
            if required:
                raise _NotFastError
            return None
        if not isinstance(value, list | tuple):
            raise _NotFastError
        return [item(v, ctx) for v in value]

    return complete


def _nullable(inner: Complete, required: bool) -> Complete:
    def complete(value: Any, ctx: Any) -> Any:
        if value is None:
            if required:
                raise _NotFastError
            return None
        return inner(value, ctx)

    return complete


def _field(get: Callable[[Any, Any], Any], sub: Complete) -> Complete:
    """A field of an item: read and completed in one call."""
    return lambda item, ctx: sub(get(item, ctx), ctx)


def _getter(field: Any, cls: type) -> Callable[[Any, Any], Any] | None:
    """How to read ``field`` (a strawberry field) of an item: its attribute, or its
    opted-in resolver called with the context."""
    if getattr(field, "permission_classes", None) or getattr(field, "extensions", None):
        return None
    resolver = field.base_resolver
    if resolver is None:
        attribute = attrgetter(field.python_name)
        return lambda item, ctx: attribute(item)
    if field.python_name not in getattr(cls, "fast_resolvers", ()):
        return None
    fn = resolver.wrapped_func
    return lambda item, ctx: fn(item, _Info(ctx))


def _constant(value: str) -> Callable[[Any, Any], Any]:
    return lambda item, ctx: value


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with lists of opted-in types completed by a plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[int, int], tuple[Sequence[Any], Complete | None]] = {}

    def complete_list_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, list | tuple) and len(result) > 1:
            plan = self._plan_of(return_type, field_details_list)
            if plan is not None:
                try:
                    return plan(result, info.context)
                except Exception:  # noqa: S110 - the ordinary path reports it
                    pass
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan_of(self, return_type: Any, field_details_list: Any) -> Complete | None:
        key = (id(return_type), id(field_details_list))
        found = self._plans.get(key)
        if found is None:  # kept with the list it was made for, so its id stays unique
            plan = self._plan(return_type, field_details_list)
            found = self._plans[key] = (field_details_list, plan)
        return found[1]

    def _plan(self, type_: GraphQLOutputType, field_details_list: Any) -> Complete | None:
        required = is_non_null_type(type_)
        inner: Any = type_.of_type if required else type_  # type: ignore[union-attr]
        if is_list_type(inner):
            item = self._plan(inner.of_type, field_details_list)
            return _list(item, required) if item is not None else None
        if is_leaf_type(inner):
            return _leaf(inner, required)
        if is_object_type(inner):
            made = self._object(inner, field_details_list)
            return _nullable(made, required) if made is not None else None
        return None  # an interface or union: the ordinary path decides the type

    def _object(self, type_: GraphQLObjectType, field_details_list: Any) -> Complete | None:
        definition = type_.extensions.get("strawberry-definition")
        cls = getattr(definition, "origin", None)
        if cls is None or not getattr(cls, "fast", False):
            return None
        # a generic's specialisation (Edge[HistoryEvent]) is a subclass strawberry made of
        # the class the items are instances of: the class that says ``fast`` itself
        cls = next(k for k in cls.__mro__ if "fast" in vars(k))
        grouped, deferred, _ = self.collect_subfields(type_, field_details_list)
        if deferred:
            return None
        fields: list[tuple[str, Complete]] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                fields.append((response_key, _constant(type_.name)))
                continue
            if any(d.node.arguments for d in details):
                return None
            field_def = type_.fields.get(name)
            field = field_def.extensions.get("strawberry-definition") if field_def else None
            if field_def is None or field is None:
                return None
            get = _getter(field, cls)
            sub = self._plan(field_def.type, details)
            if get is None or sub is None:
                return None
            fields.append((response_key, _field(get, sub)))

        def complete(item: Any, ctx: Any) -> dict[str, Any]:
            if not isinstance(item, cls):
                raise _NotFastError
            return {key: field(item, ctx) for key, field in fields}

        return complete
