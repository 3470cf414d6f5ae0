"""The audit trail: a case's history, the case as at any version or instant, the integrity
verdict, and the access log of every read of personal data (GraphQL and REST)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from application.service import Safeguarding
from domain.base import LONDON
from domain.case import Case
from domain.clocks import case_clocks
from tests.e2e.graphql.helpers import EVERYTHING_AN_ANALYST_MAY_ASK, walked, walked_among_others
from tests.support import tamper
from tests.support.clock import FakeClock
from tests.support.graph import Graph
from tests.support.people import CHILD_NAME

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


ACCESS = """query($id: ID) { accessLog(caseId: $id) { edges { node {
  principalId role partnership caseId reference fields requestId operation at } } } }"""


def test_every_read_of_personal_data_is_logged_and_the_log_cannot_be_changed(
    graph: Graph, clock: FakeClock
) -> None:
    case_id = walked_among_others(graph, clock)
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
    # the count of every page, not -1
    counted = graph.query(
        "scrutineer",
        "query($id: ID) { accessLog(caseId: $id, first: 1) { totalCount edges { cursor } } }",
        id=case_id,
    )["accessLog"]
    assert (counted["totalCount"], len(counted["edges"])) == (3, 1)
    others = graph.query("scrutineer", '{ accessLog(principalId: "la") { totalCount } }')[
        "accessLog"
    ]
    assert others["totalCount"] == 1


def _access_table(graph: Graph) -> str:
    from application.access import AccessLog

    return AccessLog(graph.tracker.datastore).access_table


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


def test_an_instant_before_year_one_in_utc_is_a_bad_argument_not_a_crash(graph: Graph) -> None:
    for field in (
        '{ accessLog(since: "0001-01-01T00:00:00+14:00") { edges { node { id } } } }',
        '{ accessLog(until: "9999-12-31T23:59:59-14:00") { edges { node { id } } } }',
    ):
        errors = graph.errors("scrutineer", field)
        assert [e["extensions"]["code"] for e in errors] == ["bad_argument"], field
