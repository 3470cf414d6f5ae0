"""Every field of every request has a description in the OpenAPI document, taken from the
act's declaration (application/acts/fields.py and the act's ``field_notes``): a new act or
field without one fails here, as does a description nothing uses any more."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from api.routes.commands import router
from api.schemas import command_model, mirror
from application.acts import (
    ACTS,
    Act,
    CaseAct,
    Creation,
    NotifyNationalPanel,
    RecordFamilyParticipation,
)
from application.acts.fields import ACT_FIELDS, VALUE_FIELDS
from domain import values

MIRRORED = {
    "Contact",
    "Child",
    "FamilyMember",
    "AgencyInvolvement",
    "ChronologyEntry",
    "ReferralDetails",
    "Incident",
    "Participant",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The OpenAPI document of the command routes, as the web app serves them."""
    app = FastAPI()
    app.include_router(router)
    return app.openapi()


def request_schema(document: dict[str, Any], act: type[Act]) -> dict[str, Any]:
    if issubclass(act, Creation):
        path = f"/api/v1{act.path}"
    else:
        path = f"/api/v1/{act.collection}/{{aggregate_id}}/{act.path}"
    body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return resolve(document, body["schema"])


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref: str | None = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def refs(schema: Any) -> Iterator[str]:
    """The names of the component schemas ``schema`` refers to, at any depth."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[1]
            else:
                yield from refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from refs(item)


def nested_schemas(document: dict[str, Any]) -> set[str]:
    """The component schemas the request bodies nest, at any depth (value types, enums)."""
    schemas = document["components"]["schemas"]
    nested: set[str] = set()
    todo = [name for act in ACTS for name in refs(request_schema(document, act)["properties"])]
    while todo:
        name = todo.pop()
        if name not in nested:
            nested.add(name)
            todo += refs(schemas[name])
    return nested


@pytest.mark.parametrize("act", ACTS, ids=[a.act_name for a in ACTS])
def test_every_body_field_of_every_act_has_a_description(
    document: dict[str, Any], act: type[Act]
) -> None:
    properties = request_schema(document, act)["properties"]
    assert set(properties) == {f.name for f in act.body_fields()}
    undescribed = [n for n, p in properties.items() if not p.get("description", "").strip()]
    assert undescribed == []


def test_every_field_of_every_model_a_request_nests_has_a_description(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    nested = nested_schemas(document)
    # the walk reached the value types, as their request models (the rest are enums)
    assert nested >= {f"{name}Input" for name in MIRRORED}
    for name in sorted(nested):
        properties = schemas[name].get("properties", {})
        assert ("enum" in schemas[name]) != bool(properties), name
        undescribed = [n for n, p in properties.items() if not p.get("description", "").strip()]
        assert undescribed == [], name


def test_an_acts_note_replaces_the_generic_description_for_that_act_alone(
    document: dict[str, Any],
) -> None:
    notified = request_schema(document, NotifyNationalPanel)["properties"]["on"]
    assert notified["description"] == NotifyNationalPanel.field_notes["on"]
    assert "notified the national Panel" in notified["description"]
    participation = request_schema(document, RecordFamilyParticipation)["properties"]["on"]
    assert participation["description"] == ACT_FIELDS["on"]


def test_every_note_names_a_field_of_its_act() -> None:
    stray = {
        act.act_name: sorted(set(act.field_notes) - {f.name for f in act.body_fields()})
        for act in ACTS
    }
    assert {name: fields for name, fields in stray.items() if fields} == {}


def test_every_generic_description_of_an_acts_field_is_used() -> None:
    """A description whose field was renamed or removed does not linger."""
    used = {f.name for act in ACTS for f in act.body_fields() if f.name not in act.field_notes}
    assert sorted(set(ACT_FIELDS) - used) == []


def test_every_description_of_a_value_types_field_is_used(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    types = {  # each request model (ChildInput) by the value type it mirrors (Child)
        name.removesuffix("Input"): getattr(values, name.removesuffix("Input"))
        for name in nested_schemas(document)
        if "properties" in schemas[name]
    }
    assert set(types) == MIRRORED
    fields = {name: {f.name for f in dataclasses.fields(cls)} for name, cls in types.items()}
    typed = {key for key in VALUE_FIELDS if "." in key}
    assert sorted(k for k in typed if k.split(".")[1] not in fields.get(k.split(".")[0], ())) == []
    by_name = {
        f for name, names in fields.items() for f in names if f"{name}.{f}" not in VALUE_FIELDS
    }
    assert sorted(set(VALUE_FIELDS) - typed - by_name) == []


def test_a_field_without_a_description_is_refused_when_its_model_is_built() -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Undescribed(CaseAct):  # no title: not registered among the acts
        on: date
        mystery: str

    with pytest.raises(LookupError, match=r"Undescribed\.mystery"):
        command_model(Undescribed)

    @dataclasses.dataclass(frozen=True)
    class Oddity:
        name: str
        quirk: str

    with pytest.raises(LookupError, match=r"Oddity\.quirk"):
        mirror(Oddity)
