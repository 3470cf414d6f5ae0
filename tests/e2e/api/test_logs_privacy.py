"""The logs are JSON lines that carry the request's ids and never a person's details.

The seed timetable runs through the REST API for an invented child and family, with refused
requests (bad bodies, malformed JSON, names in paths and query strings, an unexpected
error) along the way; every line written must parse as JSON, and none may contain the
child's or the family's name, date of birth, address or NHS number.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest

from application import logs
from application.acts.referral import REFERRAL_DETAILS
from projections import read_models
from projections.engine import Projector
from projections.store import ReadStore
from tests.e2e.conftest import Api
from tests.e2e.walk import (
    V1,
    approve_and_submit,
    body,
    decide,
    meet,
    ok,
    refer,
    return_scoping,
    scope,
)
from tests.support.people import CHILD_NAME, MOTHER_NAME

NHS_NUMBER = "943 476 5919"
ADDRESS = "1 Imaginary Row, London"
CHILD_BORN = "2019-04-02"
MOTHER_BORN = "1994-03-03"

# everything personal in the referral below (the examples' own invented people included)
PERSONAL = (
    CHILD_NAME,
    MOTHER_NAME,
    "Marchbanks",
    NHS_NUMBER,
    NHS_NUMBER.replace(" ", ""),
    ADDRESS,
    "Imaginary Row",
    CHILD_BORN,
    MOTHER_BORN,
    "Ada Referrer",
    "Dee Lead",
    "Sam Worker",
    "mash@example.org",
    "unexplained injuries",
)


def personal_details() -> dict[str, Any]:
    details: dict[str, Any] = copy.deepcopy(REFERRAL_DETAILS)
    details["child"] = {
        **details["child"],
        "name": CHILD_NAME,
        "date_of_birth": CHILD_BORN,
        "nhs_number": NHS_NUMBER,
        "address": ADDRESS,
    }
    details["family"] = [
        {
            "name": MOTHER_NAME,
            "relationship": "mother",
            "address": ADDRESS,
            "date_of_birth": MOTHER_BORN,
        }
    ]
    details["outline"] = "Admitted to hospital with unexplained injuries."
    return details


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """configure_logging into a buffer; the logging set-up of the process is restored."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buffer = io.StringIO()
    logs.configure_logging("INFO", stream=buffer)
    try:
        yield buffer
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    parsed = []
    for raw in buffer.getvalue().splitlines():
        line = json.loads(raw)  # every line is one JSON object
        assert isinstance(line, dict), raw
        assert {"time", "level", "logger", "message"} <= set(line), raw
        parsed.append(line)
    return parsed


def assert_nothing_personal(buffer: io.StringIO) -> None:
    text = buffer.getvalue()
    for value in PERSONAL:
        assert value not in text, f"{value!r} was logged"
        assert value.lower() not in text.lower(), f"{value!r} was logged"


def catch_up(api: Api) -> None:
    """The read models, brought up to date (as `tracker project` would)."""
    store = ReadStore(api.tracker.settings)
    try:
        projector = Projector(api.tracker, store, read_models(api.tracker))
        projector.setup()
        while projector.run_once():
            pass
    finally:
        store.close()


def access_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in lines(buffer) if line["logger"] == "tracker.api.access"]


def test_the_seed_timetable_logs_ids_and_no_personal_data(api: Api, captured: io.StringIO) -> None:
    case = refer(api, details=personal_details())
    decide(api, case)
    scope(api, case)
    return_scoping(api, case)
    meet(api, case)
    approve_and_submit(api, case)
    catch_up(api)
    view = ok(api.get(f"{V1}/cases/{case}"))  # personal data read (and access-logged)
    assert view["referral"]["child"]["name"] == CHILD_NAME
    r = api.client.get(
        f"{V1}/cases/{case}", headers={**api.headers("staff"), "X-Request-ID": "trace-me-1"}
    )
    assert r.status_code == 200
    graph = api.client.post(
        "/graphql",
        json={
            "query": "query ($id: ID) { case(id: $id) { personal { child { name } } } }",
            "variables": {"id": case},
        },
        headers=api.headers("scrutineer"),
    )
    assert CHILD_NAME in graph.text

    assert_nothing_personal(captured)
    access = access_lines(captured)
    assert len(access) >= 20
    for line in access:
        assert line["request_id"]
        assert line["principal_id"] in {
            "mash",
            "staff",
            "la",
            "police",
            "icb",
            "police_agency",
            "scrutineer",
        }
        assert isinstance(line["status"], int)
        assert isinstance(line["duration_ms"], int | float)
        assert line["level"] == "INFO"
    create = [a for a in access if a["route"] == f"{V1}/cases/serious-incidents"]
    assert len(create) == 1
    assert create[0]["status"] == 201
    assert create[0]["principal_id"] == "mash"
    on_case = [a for a in access if "{aggregate_id}" in a["route"] or "{case_id}" in a["route"]]
    assert len(on_case) >= 15
    assert all(a["case_id"] == case for a in on_case)
    assert {a["principal_id"] for a in on_case} >= {"staff", "la", "police", "icb"}
    traced = [a for a in access if a["request_id"] == "trace-me-1"]
    assert len(traced) == 1
    assert traced[0]["route"] == f"{V1}/cases/{{case_id}}"
    assert traced[0]["message"] == f"GET {V1}/cases/{{case_id}} 200 {traced[0]['duration_ms']}ms"
    assert any(a["route"] == "/graphql" and a["principal_id"] == "scrutineer" for a in access)


def test_refused_requests_do_not_log_the_values_they_refuse(
    api: Api, captured: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = refer(api, details=personal_details())
    catch_up(api)
    details = personal_details()
    details["child"]["date_of_birth"] = CHILD_NAME  # not a date: 422 quoting the input
    details["family"][0]["date_of_birth"] = f"{MOTHER_NAME} {NHS_NUMBER}"
    bad = {
        "partnership": "LEW",
        "area": "Lewisham",
        "received_on": CHILD_NAME,
        "details": details,
        "incident": {"kind": CHILD_NAME, "occurred_on": CHILD_BORN},
    }
    r = api.post(f"{V1}/cases/serious-incidents", bad, as_="mash")
    assert r.status_code == 422
    r = api.client.post(
        f"{V1}/cases/serious-incidents",
        content=f'{{"name": "{CHILD_NAME}", '.encode(),
        headers={**api.headers("mash"), "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    r = api.post(
        f"{V1}/cases/{case}/partners-alerted",
        {"on": MOTHER_BORN, "recipients": [CHILD_NAME]},
    )
    assert r.status_code in (409, 422)
    r = api.client.get(
        f"{V1}/tracker", params={"partnership": MOTHER_NAME}, headers=api.headers("staff")
    )
    assert r.status_code == 403
    r = api.client.get(f"{V1}/cases/{CHILD_NAME}", headers=api.headers("staff"))
    assert r.status_code == 422
    r = api.client.get(f"{V1}/cases/{case}?child={CHILD_NAME}&address={ADDRESS}")
    assert r.status_code == 401
    r = api.client.post(
        "/graphql",
        json={"query": f'{{ case(reference: "{CHILD_NAME}") {{ reference }} }} {{ bad'},
        headers=api.headers("scrutineer"),
    )
    assert r.status_code in (200, 400)
    r = api.client.post(
        "/graphql",
        json={
            "query": "query ($id: ID) { case(id: $id) { reference } }",
            "variables": {"id": ADDRESS},
        },
        headers=api.headers("scrutineer"),
    )
    assert r.status_code == 200
    big = api.client.post(
        f"{V1}/cases/serious-incidents",
        content=json.dumps({"name": CHILD_NAME, "pad": "x" * 300_000}).encode(),
        headers={**api.headers("mash"), "Content-Type": "application/json"},
    )
    assert big.status_code == 413

    # an unexpected error whose message quotes the child: logged as its type and place only
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"cannot record {CHILD_NAME} born {CHILD_BORN}")

    monkeypatch.setattr(api.tracker, "execute", broken)
    r = api.post(f"{V1}/cases/{case}/partners-alerted", body("alert_partners"))
    assert r.status_code == 500

    assert_nothing_personal(captured)
    parsed = lines(captured)
    errors = [line for line in parsed if "exception" in line]
    assert errors
    assert any(e["exception"]["type"] == "builtins.RuntimeError" for e in errors)
    unexpected = next(e for e in errors if e["exception"]["type"] == "builtins.RuntimeError")
    assert unexpected["case_id"] == case
    assert unexpected["principal_id"] == "staff"
    assert unexpected["request_id"]
    access = access_lines(captured)
    assert {a["status"] for a in access} >= {201, 422, 400, 403, 401, 413, 500}
    by_status = {a["status"]: a for a in access}
    first_422 = next(a for a in access if a["status"] == 422)
    assert first_422["route"] == f"{V1}/cases/serious-incidents"
    assert first_422["principal_id"] == "mash"
    assert by_status[401].get("principal_id") is None
    assert by_status[401]["case_id"] == case
    # the 422 for a name in the path: no case id (it is not one), the template only
    assert any(
        a["route"] == f"{V1}/cases/{{case_id}}" and a["status"] == 422 and "case_id" not in a
        for a in access
    )


def test_the_uvicorn_configuration_writes_the_same_json_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logging.config.dictConfig(logs.uvicorn_log_config("info"))
        with logs.request_context(request_id="r-1", principal_id="p-1"):
            logs.bind(case_id="c-1", unknown="ignored")
            logging.getLogger("uvicorn.error").info("Started server process")
            logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /x?name=%s"', CHILD_NAME)
            logging.getLogger("tracker.scheduler").info(
                "ran", extra={"run_id": "host:1", "body": CHILD_NAME}
            )
        err = capsys.readouterr().err
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])
    written = [json.loads(raw) for raw in err.splitlines() if raw.startswith("{")]
    assert [w["message"] for w in written] == ["Started server process", "ran"]
    assert written[0]["request_id"] == "r-1"
    assert written[0]["principal_id"] == "p-1"
    assert written[0]["case_id"] == "c-1"
    assert written[1]["run_id"] == "host:1"
    assert "body" not in written[1]
    assert CHILD_NAME not in err
