"""Every act is declared once, and everything else about it is derived from that declaration."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections import defaultdict
from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest

from api.schemas import command_kwargs, command_model
from application.acts import (
    ACTS,
    CASE_ACTS,
    CREATIONS,
    REVIEW_ACTS,
    Act,
    AlertPartners,
    CloseCase,
    Creation,
    HoldMeeting,
    ReturnScoping,
    SubjectAct,
)
from application.acts.catalogue import replace_table
from application.errors import NotPermittedError
from application.policy import authorise
from domain.values import Contact, Participant
from tests.support.people import LA, MASH, STAFF, agency

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("domain", "application", "projections", "api", "scheduler", "entrypoints")


def test_every_act_has_a_name_path_title_example_and_description_of_its_own() -> None:
    # 38 of the first release, 7 closing the process gaps (#17), 3 telling people (#15)
    assert len(ACTS) == 48
    assert len({a.act_name for a in ACTS}) == len(ACTS)
    assert len({(a.collection, a.path) for a in ACTS}) == len(ACTS)
    assert set(ACTS) == {*CASE_ACTS, *REVIEW_ACTS, *CREATIONS}
    for act in ACTS:
        assert act.title, act.act_name
        assert act.example, act.act_name
        assert act.__doc__, act.act_name
        assert act.roles, act.act_name


@pytest.mark.parametrize("act", ACTS, ids=[a.act_name for a in ACTS])
def test_the_domain_method_of_the_acts_name_takes_exactly_its_fields(act: type[Act]) -> None:
    """The act is performed by the aggregate's command method of the same name, whose
    keyword arguments are the act's fields (one name per act across the layers)."""
    assert issubclass(act, SubjectAct | Creation)
    method = getattr(act.aggregate, act.act_name)
    params = {n: p for n, p in inspect.signature(method).parameters.items() if n != "self"}
    given = {f.name for f in act.body_fields()} | {"audit"}
    if issubclass(act, Creation):
        given |= {"id", "reference"}
    required = {n for n, p in params.items() if p.default is inspect.Parameter.empty}
    assert given <= set(params), sorted(given - set(params))
    assert required <= given, sorted(required - given)


@pytest.mark.parametrize("act", ACTS, ids=[a.act_name for a in ACTS])
def test_each_example_is_a_valid_request_body_of_its_act(act: type[Act]) -> None:
    body = command_model(act).model_validate(act.example)
    ids = {act.id_field: uuid4()} if act.id_field is not None else {}
    performed = act(**ids, **command_kwargs(body))
    assert performed.payload().keys() == {f.name for f in act.body_fields()}


def test_an_acts_sequences_are_tuples_as_its_events_store_them() -> None:
    act = AlertPartners(case_id=uuid4(), on=date(2026, 12, 23), recipients=["police", "icb"])
    assert act.recipients == ("police", "icb")
    assert act.payload() == {"on": date(2026, 12, 23), "recipients": ("police", "icb")}
    meeting = HoldMeeting(
        case_id=uuid4(),
        on=date(2026, 12, 23),
        format="video",
        participants=[Participant("P", "Head", "CSC", "local_authority")],
        immediate_action_taken=False,
        recommendation="h_no_further_action",
        rationale="r",
    )
    assert isinstance(meeting.participants, tuple)
    assert meeting.criteria == ()


def test_the_vocabulary_of_a_field_becomes_the_request_models_enum() -> None:
    schema = command_model(AlertPartners).model_json_schema()
    recipients = schema["properties"]["recipients"]
    assert recipients["type"] == "array"
    assert recipients["maxItems"] == 200
    choices = schema["$defs"]["AlertRecipient"]["enum"]
    assert choices == ["local_authority", "police", "icb", "lfp_chair"]


def test_the_permission_check_reads_the_declaration() -> None:
    case_id = uuid4()
    authorise(STAFF, AlertPartners(case_id=case_id, on=date(2026, 12, 23), recipients=["icb"]))
    with pytest.raises(NotPermittedError, match="the agency role may not alert_partners"):
        authorise(MASH, AlertPartners(case_id=case_id, on=date(2026, 12, 23), recipients=["icb"]))
    police = agency("Metropolitan Police")
    returned = ReturnScoping(
        case_id=case_id,
        on=date(2026, 12, 23),
        agency="Metropolitan Police",
        completed_by=Contact("X", "Metropolitan Police"),
        involvement=False,
    )
    authorise(police, returned)
    with pytest.raises(NotPermittedError, match="may not return_scoping for Metropolitan Police"):
        authorise(agency("Imaginary Academy"), returned)
    with pytest.raises(NotPermittedError, match="the partner role may not close_case"):
        authorise(LA, CloseCase(case_id=case_id, on=date(2026, 12, 23), reason="r"))


def test_the_readme_table_of_acts_is_made_from_the_declarations() -> None:
    readme = (ROOT / "README.md").read_text()
    assert replace_table(readme) == readme, (
        "README.md's table of acts is stale: run .venv/bin/python -m application.acts README.md"
    )


def test_no_act_is_named_by_a_string_in_more_than_two_files_of_the_product() -> None:
    """An act is found by its declaration, not by string tables spread over the layers."""
    names = {a.act_name for a in ACTS}
    files: dict[str, set[str]] = defaultdict(set)
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and node.value in names:
                    files[str(node.value)].add(str(path.relative_to(ROOT)))
    assert {n: sorted(f) for n, f in files.items() if len(f) > 2} == {}


def test_an_act_is_frozen() -> None:
    act = CloseCase(case_id=uuid4(), on=date(2026, 12, 23), reason="r")
    with pytest.raises(dataclasses.FrozenInstanceError):
        act.reason = "other"  # type: ignore[misc]
