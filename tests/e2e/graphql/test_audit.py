"""GraphQL over HTTP (a real uvicorn server, the ``gql`` client), on SQLite and PostgreSQL:
roles, privacy, suppression, isolation, replay, integrity, the access log, limits, cost."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from api.graph import schema as graph_schema
from application.acts import AgreeAction, CommissionReview
from application.generate import generate
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from domain.base import LONDON
from domain.case import Case
from domain.clocks import case_clocks
from projections import tracker as rm_tracker
from tests.support import tamper
from tests.support.clock import FakeClock
from tests.support.graph import Graph, graph_server
from tests.support.people import CHILD_NAME, MOTHER_NAME
from tests.support.scenario import refer, walk_to_panel_response

ROOT = Path(__file__).resolve().parents[3]

# Strings that identify the invented child and family: none may reach an analyst.
PERSONAL = (
    CHILD_NAME,
    MOTHER_NAME,
    "Marchbanks",
    "943 476 5919",
    "Imaginary Row",
    "2019-04-02",
    "unexplained injuries",
    "Ada Referrer",
)


@pytest.fixture
def graph(make_settings: Callable[..., Settings], clock: FakeClock) -> Iterator[Graph]:
    settings = make_settings(api_key_cache_seconds=0, projector_in_process=False)
    tracker = Safeguarding(settings, clock=clock)
    with graph_server(settings, tracker) as g:
        yield g
    tracker.close()


def walked(graph: Graph, clock: FakeClock) -> str:
    """The seed timetable walked to the Panel's response, projected; the case id."""
    case_id = walk_to_panel_response(graph.tracker, clock)
    graph.project()
    return str(case_id)


# --- roles -----------------------------------------------------------------------------------

ROOT_FIELDS: dict[str, str] = {
    "cases": "{ cases { totalCount } }",
    "case": "query($id: ID!) { case(id: $id) { reference } }",
    "deadlines": "{ deadlines { totalCount } }",
    "reviews": "{ reviews { totalCount } }",
    "actions": "{ actions { totalCount } }",
    "statistics": "{ statistics { cases { suppressed } } }",
    "readModels": "{ readModels { name lag } }",
    "caseHistory": "query($id: ID!) { caseHistory(caseId: $id, first: 1) { totalCount } }",
    "caseAsAt": "query($id: ID!) { caseAsAt(caseId: $id, version: 1) { version } }",
    "verifyCaseIntegrity": "query($id: ID!) { verifyCaseIntegrity(caseId: $id) { ok } }",
    "accessLog": "{ accessLog { edges { node { id } } } }",
}
READ_MODELS = {"cases", "case", "deadlines", "reviews", "actions", "statistics", "readModels"}
AUDIT_TRAIL = {"caseHistory", "caseAsAt", "verifyCaseIntegrity"}
# who -> the root fields it may query (everything else: forbidden)
ALLOWED: dict[str, set[str]] = {
    "staff": READ_MODELS | AUDIT_TRAIL,
    "la": READ_MODELS | AUDIT_TRAIL,
    "scrutineer": READ_MODELS | AUDIT_TRAIL | {"accessLog"},
    "analyst": READ_MODELS,
    "mash": set(),
    "admin": set(),
}


def test_every_root_field_answers_exactly_the_roles_allowed_to_ask(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    for who, allowed in ALLOWED.items():
        for field, document in ROOT_FIELDS.items():
            variables = {"id": case_id} if "$id" in document else {}
            if field in allowed:
                data = graph.query(who, document, **variables)
                assert data[field] is not None, (who, field)
            else:
                errors = graph.errors(who, document, **variables)
                assert [e["extensions"]["code"] for e in errors] == ["forbidden"], (who, field)


def test_a_query_without_a_key_is_refused_and_a_bad_key_is_401(graph: Graph) -> None:
    answer = graph.post(None, "{ cases { totalCount } }").json()
    assert answer["errors"][0]["extensions"]["code"] == "unauthenticated"
    assert answer["data"] is None
    bad = graph.post(None, "{ cases { totalCount } }", Authorization="Bearer not-a-key")
    assert bad.status_code == 401
    ide = httpx.get(f"{graph.url}/graphql", headers={"Accept": "text/html"})
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()


# --- privacy -----------------------------------------------------------------------------------

EVERYTHING_AN_ANALYST_MAY_ASK = """
query($id: ID!) {
  cases(first: 100) { totalCount edges { node {
    id reference partnership area kind stage status incidentKind incidentOn lookedAfter ageBand
    decision receivedOn decidedOn notifiedOn submittedOn recommendation panelConcurs reviewType
    nextClock nextDueOn overdueCount lastActivity version
    deadlines { clock subject status dueOn startedOn stoppedOn workingDaysLate watchOnly }
    scoping { agency requestedOn dueOn returnedOn status workingDaysLate }
    reviews { reference reviewType commissionedOn actions { actionId ownerAgency status } }
    personal { child { name dateOfBirth nhsNumber address } family { name } referral incident }
  } } }
  case(id: $id) { reference ageBand personal { child { name } referral } }
  deadlines(first: 100) { edges { node { reference clock subject status } } }
  reviews { edges { node { reference caseIds actions { actionId ownerAgency } } } }
  actions { edges { node { actionId ownerAgency status } } }
  statistics(period: YEAR) { period cases { value suppressed } byStage { key count { value } } }
}
"""


def test_analysts_receive_no_personal_data_only_the_age_band_and_reference(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    data = graph.query("analyst", EVERYTHING_AN_ANALYST_MAY_ASK, id=case_id)
    text = json.dumps(data)
    for personal in PERSONAL:
        assert personal not in text
    node = data["cases"]["edges"][0]["node"]
    assert node["personal"] is None
    assert data["case"] == {"reference": "LEW-2026-0001", "ageBand": "5-9", "personal": None}
    # partnership staff asking the same see who the child is
    staff = graph.query("staff", EVERYTHING_AN_ANALYST_MAY_ASK, id=case_id)
    assert staff["case"]["personal"]["child"]["name"] == CHILD_NAME


def test_statistics_suppress_counts_under_five_for_analysts_only(
    graph: Graph, clock: FakeClock
) -> None:
    walked(graph, clock)
    document = """{ statistics { cases { value suppressed }
      byStage { key count { value suppressed } }
      timeliness { clock onTime { value suppressed } breached { value suppressed } }
      medianWorkingDaysToDecision { value suppressed over { value suppressed } } } }"""
    [analyst] = graph.query("analyst", document)["statistics"]
    assert analyst["cases"] == {"value": None, "suppressed": True}
    assert analyst["byStage"] == [
        {"key": "panel_responded", "count": {"value": None, "suppressed": True}}
    ]
    assert analyst["medianWorkingDaysToDecision"] == {
        "value": None,
        "suppressed": True,
        "over": {"value": None, "suppressed": True},
    }
    zero = {"value": 0, "suppressed": False}  # nothing to hide in an empty count
    alerted = next(t for t in analyst["timeliness"] if t["clock"] == "PARTNERS_ALERTED")
    assert alerted == {
        "clock": "PARTNERS_ALERTED",
        "onTime": {"value": None, "suppressed": True},
        "breached": zero,
    }
    [staff] = graph.query("staff", document)["statistics"]
    assert staff["cases"] == {"value": 1, "suppressed": False}
    assert staff["medianWorkingDaysToDecision"]["value"] == 3.0

    for day in range(5):  # five more cases: counts of 5 and more are shown
        refer(graph.tracker, clock, received=datetime(2027, 2, 1 + day).date())
    graph.project()
    [analyst] = graph.query("analyst", document)["statistics"]
    assert analyst["cases"] == {"value": 6, "suppressed": False}
    assert {"key": "referred", "count": {"value": 5, "suppressed": False}} in analyst["byStage"]


def test_nothing_crosses_partnerships(graph: Graph, clock: FakeClock) -> None:
    case_id = walked(graph, clock)
    hil = "hil_staff"
    assert graph.query(hil, "{ cases { totalCount } }")["cases"]["totalCount"] == 0
    assert graph.query(hil, "{ deadlines { totalCount } }")["deadlines"]["totalCount"] == 0
    assert graph.query(hil, ROOT_FIELDS["case"], id=case_id)["case"] is None
    assert graph.query(hil, "{ statistics { cases { value } } }")["statistics"] == []
    for field in AUDIT_TRAIL:
        errors = graph.errors(hil, ROOT_FIELDS[field], id=case_id)
        assert errors[0]["extensions"]["code"] == "not_found", field
    errors = graph.errors(hil, '{ cases(partnership: "LEW") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "forbidden"


# --- the audit trail ------------------------------------------------------------------------------

HISTORY = """query($id: ID!, $after: String) {
  caseHistory(caseId: $id, first: 10, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { version type recordedAt effectiveOn actorId role agency person requestId
                   idempotencyKey source prevHash hash payload } } } }"""


def test_case_history_pages_every_event_in_order_with_its_audit_and_hash(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    events: list[dict[str, Any]] = []
    after = None
    while True:
        page = graph.query("scrutineer", HISTORY, id=case_id, after=after)["caseHistory"]
        events += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    stored = list(graph.tracker.events.get(UUID(case_id)))
    assert page["totalCount"] == len(stored) == len(events)
    assert [e["version"] for e in events] == list(range(1, len(stored) + 1))
    for node, event in zip(events, stored, strict=True):
        assert node["type"] == type(event).__name__
        assert node["hash"] == event.hash  # type: ignore[attr-defined]
        assert node["prevHash"] == event.prev_hash  # type: ignore[attr-defined]
        assert node["actorId"] == event.audit.actor_id  # type: ignore[attr-defined]
        assert node["requestId"] == "test-request"
    assert events[0]["payload"]["details"]["child"]["name"] == CHILD_NAME
    assert events[1]["payload"]["recipients"] == ["icb", "lfp_chair", "local_authority", "police"]


SNAPSHOT = """query($id: ID!, $version: Int, $at: DateTime) {
  caseAsAt(caseId: $id, version: $version, at: $at) {
    version stage decision decidedOn notifiedOn submittedOn asOf recordedAt
    scoping { agency returnedOn }
    clocks { clock subject status dueOn stoppedOn workingDaysLate } } }"""


def expected_snapshot(tracker: Safeguarding, case: Case) -> dict[str, Any]:
    """What the case was at its version, rebuilt here by the library's own replay."""
    as_of = case.modified_on.astimezone(LONDON).date()
    clocks = case_clocks(case, as_of, tracker.timescales("LEW"), tracker.calendar)

    def day(d: Any) -> Any:
        return d.isoformat() if d else None

    return {
        "version": case.version,
        "stage": case.stage,
        "decision": case.decision,
        "decidedOn": day(case.decided_on),
        "notifiedOn": day(case.notified_on),
        "submittedOn": day(case.submitted_on),
        "asOf": as_of.isoformat(),
        "recordedAt": case.modified_on.isoformat(),
        "scoping": [
            {"agency": s.agency, "returnedOn": day(s.returned_on)} for s in case.scoping.values()
        ],
        "clocks": [
            {
                "clock": c.name.name,
                "subject": c.subject,
                "status": c.status.name,
                "dueOn": c.due_on.isoformat(),
                "stoppedOn": day(c.stopped_on),
                "workingDaysLate": c.working_days_late,
            }
            for c in clocks
        ],
    }


def test_case_as_at_every_version_equals_the_case_replayed_by_hand(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    stream = UUID(case_id)
    last: int = graph.tracker.repository.get(stream).version
    recorded = [e.timestamp for e in graph.tracker.events.get(stream)]  # type: ignore[attr-defined]
    stages = set()
    for version in range(1, last + 1):
        by_hand: Case = graph.tracker.repository.get(stream, version=version)
        got = graph.query("scrutineer", SNAPSHOT, id=case_id, version=version)["caseAsAt"]
        assert got == expected_snapshot(graph.tracker, by_hand), version
        stages.add(got["stage"])
        # at the instant it was recorded, and just after: the last version recorded by then
        # (several acts recorded in the same instant all stand at it)
        at = by_hand.modified_on
        standing = max(v for v, t in enumerate(recorded, 1) if t <= at)
        assert standing >= version
        for instant in (at, at + timedelta(microseconds=1)):
            got_at = graph.query("scrutineer", SNAPSHOT, id=case_id, at=instant.isoformat())
            assert got_at["caseAsAt"]["version"] == standing
    assert len(stages) > 8  # the walk passes through the stages
    errors = graph.errors("scrutineer", SNAPSHOT, id=case_id, version=last + 1)
    assert errors[0]["extensions"]["code"] == "not_found"
    before = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
    errors = graph.errors("scrutineer", SNAPSHOT, id=case_id, at=before)
    assert errors[0]["extensions"]["code"] == "not_found"
    errors = graph.errors(
        "scrutineer", "query($id: ID!) { caseAsAt(caseId: $id) { version } }", id=case_id
    )
    assert errors[0]["extensions"]["code"] == "bad_argument"


VERIFY = """query($id: ID!) { verifyCaseIntegrity(caseId: $id) {
  ok eventsChecked firstBrokenVersion problem lastVersionStored lastVersionSeenByReadModels } }"""


def test_tampering_with_a_stored_event_is_reported_with_the_first_broken_event(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    stream = UUID(case_id)
    whole = graph.query("scrutineer", VERIFY, id=case_id)["verifyCaseIntegrity"]
    assert whole["ok"] is True
    assert whole["firstBrokenVersion"] is None
    last = whole["lastVersionStored"]
    assert whole["eventsChecked"] == last == whole["lastVersionSeenByReadModels"]

    tamper.flip_byte(graph.tracker, stream, 7)
    broken = graph.query("scrutineer", VERIFY, id=case_id)["verifyCaseIntegrity"]
    assert broken["ok"] is False
    assert broken["firstBrokenVersion"] == 7
    assert "version 7" in broken["problem"]


def test_removing_the_newest_events_is_reported_from_what_the_read_models_saw(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    stream = UUID(case_id)
    last: int = graph.tracker.repository.get(stream).version
    tamper.delete_event(graph.tracker, stream, last)
    verdict = graph.query("staff", VERIFY, id=case_id)["verifyCaseIntegrity"]
    assert verdict["ok"] is False
    assert verdict["firstBrokenVersion"] == last
    assert verdict["lastVersionStored"] == last - 1
    assert verdict["lastVersionSeenByReadModels"] == last
    assert "removed" in verdict["problem"]


# --- the access log ----------------------------------------------------------------------

ACCESS = """query($id: ID) { accessLog(caseId: $id) { edges { node {
  principalId role partnership caseId reference fields requestId operation at } } } }"""


def test_every_read_of_personal_data_is_logged_and_the_log_cannot_be_changed(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    assert graph.query("scrutineer", ACCESS, id=case_id)["accessLog"]["edges"] == []
    # reads without personal data are not logged
    graph.query("staff", "query($id: ID!) { case(id: $id) { reference stage } }", id=case_id)
    graph.query("analyst", EVERYTHING_AN_ANALYST_MAY_ASK, id=case_id)
    assert graph.query("scrutineer", ACCESS, id=case_id)["accessLog"]["edges"] == []

    answer = graph.post(
        "staff",
        "query($id: ID!) { case(id: $id) { personal { child { name dateOfBirth } "
        "family { name } } } }",
        {"id": case_id},
        X_Request_ID="read-1",
    )
    assert answer.json()["data"]["case"]["personal"]["child"]["name"] == CHILD_NAME
    graph.query("scrutineer", HISTORY, id=case_id)
    graph.query(
        "la",
        "query($id: ID!) { caseAsAt(caseId: $id, version: 1) { personal { referral } } }",
        id=case_id,
    )

    log = [e["node"] for e in graph.query("scrutineer", ACCESS, id=case_id)["accessLog"]["edges"]]
    assert [(e["principalId"], e["operation"], e["fields"]) for e in log] == [
        ("staff", "case.personal", ["child.dateOfBirth", "child.name", "family.name"]),
        ("scrutineer", "caseHistory", ["payload", "person"]),
        ("la", "caseAsAt", ["referral"]),
    ]
    assert log[0]["requestId"] == "read-1"
    assert {e["reference"] for e in log} == {"LEW-2026-0001"}
    assert {e["caseId"] for e in log} == {case_id}
    assert log[0]["at"] == clock().isoformat()

    # append-only: the database itself refuses to change or remove a row
    log_store = graph.tracker.datastore
    for statement in ("UPDATE {t} SET principal_id = 'nobody'", "DELETE FROM {t}"):
        with (
            pytest.raises(Exception, match="append-only"),
            log_store.transaction(commit=True) as c,
        ):
            c.execute(statement.format(t=_access_table(graph)))
    assert len(graph.query("scrutineer", ACCESS, id=case_id)["accessLog"]["edges"]) == 3


def _access_table(graph: Graph) -> str:
    from application.access import AccessLog

    return AccessLog(graph.tracker.datastore).access_table


# --- safety ------------------------------------------------------------


def test_depth_alias_and_token_bombs_are_refused_with_a_clear_error(graph: Graph) -> None:
    deep = (
        "{ reviews { edges { node { cases { reviews { cases { reviews { cases { reviews { cases "
        "{ reference } } } } } } } } } } }"
    )
    errors = graph.errors("staff", deep)
    assert "exceeds maximum operation depth" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "invalid_query"

    aliases = "{ " + " ".join(f"a{i}: cases {{ totalCount }}" for i in range(40)) + " }"
    errors = graph.errors("staff", aliases)
    assert "aliases found" in errors[0]["message"].lower()

    tokens = "{ cases { " + "totalCount " * 3000 + "} }"
    answer = graph.post("staff", tokens).json()
    assert "token" in answer["errors"][0]["message"].lower()

    errors = graph.errors("staff", "{ cases(first: 1000) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "bad_argument"
    errors = graph.errors("staff", '{ cases(after: "not-a-cursor") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "bad_cursor"


def test_unexpected_errors_are_masked(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("SELECT secret FROM rm_tracker -- stack details")

    monkeypatch.setattr(rm_tracker, "cases", broken)
    answer = graph.post("staff", "{ cases { totalCount } }")
    assert answer.status_code == 200
    body = answer.text
    assert "secret" not in body
    assert "Traceback" not in body
    [error] = answer.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "internal_error"


# --- read models: pages, filters, cost, read-your-writes ------------------------------

PAGE = """query($first: Int!, $after: String, $order: CaseOrder!, $dir: Direction!,
                 $filter: CaseFilter) {
  cases(first: $first, after: $after, orderBy: $order, direction: $dir, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id reference receivedOn nextDueOn stage
      deadlines { clock status dueOn } scoping { agency status } reviews { reference } } } } }"""


@pytest.fixture
def national(graph: Graph) -> str:
    """An analyst spanning every partnership (as national analysts may)."""
    codes = [p.code for p in graph.tracker.partnerships]
    key = issue_key(graph.tracker, principal_id="national", role="analyst", partnerships=codes)[0]
    graph.keys["national"] = key
    return "national"


def test_pages_walk_every_case_once_in_order_and_filters_narrow(
    graph: Graph, national: str
) -> None:
    generate(graph.tracker, 60, seed=3)
    graph.project()
    for order, key in (("RECEIVED_ON", "receivedOn"), ("NEXT_DUE_ON", "nextDueOn")):
        for direction in ("ASC", "DESC"):
            seen: list[dict[str, Any]] = []
            after = None
            while True:
                page = graph.query(
                    national, PAGE, first=7, after=after, order=order, dir=direction
                )["cases"]
                seen += [e["node"] for e in page["edges"]]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert page["totalCount"] == 60
            assert len({n["id"] for n in seen}) == 60
            values = [n[key] or "9999-12-31" for n in seen]
            assert values == sorted(values, reverse=direction == "DESC")
    overdue = graph.query(
        national, PAGE, first=100, order="RECEIVED_ON", dir="ASC", filter={"overdue": True}
    )["cases"]
    today = graph.tracker.today().isoformat()
    assert overdue["totalCount"] == len(overdue["edges"])
    assert all(e["node"]["nextDueOn"] < today for e in overdue["edges"])
    closed = graph.query(
        national, PAGE, first=100, order="RECEIVED_ON", dir="ASC", filter={"status": ["CLOSED"]}
    )["cases"]
    assert all(e["node"]["stage"] == "closed" for e in closed["edges"])
    assert overdue["totalCount"] + closed["totalCount"] < 60


def test_a_page_of_100_cases_with_their_deadlines_costs_the_statements_of_a_page_of_10(
    graph: Graph, national: str
) -> None:
    generate(graph.tracker, 130, seed=5)
    graph.project()
    costs = {}
    for first in (10, 100):
        answer = graph.post(
            national, PAGE, {"first": first, "order": "RECEIVED_ON", "dir": "ASC"}
        ).json()
        assert "errors" not in answer, answer
        assert len(answer["data"]["cases"]["edges"]) == first
        assert sum(len(e["node"]["deadlines"]) for e in answer["data"]["cases"]["edges"]) > first
        costs[first] = answer["extensions"]["cost"]["readModelStatements"]
    # one COUNT, one page, one for every deadline of the page, one for its reviews
    assert costs == {10: 4, 100: 4}


def test_a_read_waits_for_the_position_a_command_returned(graph: Graph, clock: FakeClock) -> None:
    graph.project()
    position = graph.tracker.recorder.max_notification_id() or 0
    refer(graph.tracker, clock)
    after = graph.tracker.recorder.max_notification_id() or 0
    assert after > position
    # the projector catches up a moment later, while the read waits for it
    late = graph.project_later(0.5)
    started = time.monotonic()
    data = graph.query(
        "staff", "query($p: Int) { cases(afterPosition: $p) { totalCount } }", p=after
    )
    late.join()
    assert data["cases"]["totalCount"] == 1
    assert time.monotonic() - started >= 0.4
    # and by header
    answer = graph.post("staff", "{ cases { totalCount } }", X_After_Position=str(after)).json()
    assert answer["data"]["cases"]["totalCount"] == 1


def test_a_read_handed_a_position_not_reached_in_time_says_so(
    graph: Graph, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.graph import context

    monkeypatch.setattr(context, "READ_WAIT_SECONDS", 0.2)
    graph.project()
    refer(graph.tracker, clock)
    after = graph.tracker.recorder.max_notification_id() or 0
    errors = graph.errors(
        "staff", "query($p: Int) { cases(afterPosition: $p) { totalCount } }", p=after
    )
    assert errors[0]["extensions"]["code"] == "read_model_behind"


def test_the_committed_schema_file_is_the_schema_the_code_serves() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == graph_schema.schema.as_str().strip(), (
        "schema.graphql is stale: run `python -m api.graph.schema > schema.graphql`"
    )


def test_a_rest_read_of_a_case_with_personal_data_is_in_the_same_access_log(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked(graph, clock)
    answer = httpx.get(
        f"{graph.url}/api/v1/cases/{case_id}",
        headers={"Authorization": f"Bearer {graph.keys['la']}", "X-Request-ID": "rest-1"},
    )
    assert answer.status_code == 200
    assert answer.json()["referral"]["child"]["name"] == CHILD_NAME
    log = [e["node"] for e in graph.query("scrutineer", ACCESS, id=case_id)["accessLog"]["edges"]]
    assert [(e["principalId"], e["role"], e["fields"], e["requestId"]) for e in log] == [
        ("la", "partner", ["incident", "referral"], "rest-1")
    ]
    assert log[0]["operation"] == "GET /api/v1/cases/{id}"


def test_a_case_with_its_review_and_overdue_actions_by_owner_agency(
    graph: Graph, clock: FakeClock
) -> None:
    from datetime import date

    from tests.support.people import ctx

    case_id = walk_to_panel_response(graph.tracker, clock)
    clock.set_day(date(2027, 2, 10))
    review = graph.tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[case_id]
        ),
    ).id
    for owner, due in (("Police", date(2027, 3, 1)), ("ICB", date(2027, 5, 1))):
        graph.tracker.execute(
            ctx(),
            AgreeAction(
                review_id=review,
                on=date(2027, 2, 10),
                description="Act",
                owner_agency=owner,
                due_on=due,
            ),
        )
    clock.set_day(date(2027, 3, 2))
    graph.project()
    data = graph.query(
        "analyst",
        """query($id: ID!) {
          case(id: $id) { reviewType
            reviews { reference reviewType deadlines { clock status dueOn }
                      actions { actionId ownerAgency status dueOn } } }
          overdue: actions(filter: {status: [OVERDUE]}) {
            totalCount edges { node { reviewReference actionId ownerAgency dueOn } } }
          police: actions(filter: {ownerAgency: ["Police"]}) { totalCount }
          scoping: deadlines(filter: {clock: [SCOPING_RETURNED], agency: ["SLaM NHS Trust"]}) {
            edges { node { subject status workingDaysLate } } }
        }""",
        id=str(case_id),
    )
    [r] = data["case"]["reviews"]
    assert data["case"]["reviewType"] == r["reviewType"] == "local_cspr"
    assert r["actions"] == [
        {"actionId": "A1", "ownerAgency": "Police", "status": "OVERDUE", "dueOn": "2027-03-01"},
        {"actionId": "A2", "ownerAgency": "ICB", "status": "OPEN", "dueOn": "2027-05-01"},
    ]
    assert [(d["clock"], d["status"]) for d in r["deadlines"]] == [
        ("ACTION_DUE", "BREACHED"),  # A1, due 1 March
        ("ACTION_DUE", "PENDING"),  # A2, due 1 May
        ("REVIEW_PUBLICATION", "PENDING"),
    ]
    assert data["overdue"] == {
        "totalCount": 1,
        "edges": [
            {
                "node": {
                    "reviewReference": "LEW-R-2027-0001",
                    "actionId": "A1",
                    "ownerAgency": "Police",
                    "dueOn": "2027-03-01",
                }
            }
        ],
    }
    assert data["police"]["totalCount"] == 1
    assert [e["node"] for e in data["scoping"]["edges"]] == [
        {"subject": "SLaM NHS Trust", "status": "MET_LATE", "workingDaysLate": 1}
    ]
