"""The outbox over HTTP: the webhook-subscription routes and the deliveries' page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.routes.outbox import StatusFilter
from application.keys import issue_key
from application.notifications import CHECKPOINT_TYPE, EVENT_TYPES
from application.outbox import STATUS_FILTERS, Outbox
from application.service import Safeguarding
from entrypoints import bootstrap
from scheduler.delivery import default_transports
from tests.e2e.conftest import PRINCIPALS
from tests.integration.application.outbox.helpers import (
    BOARD,
    MET,
    SLAM,
    MakeApp,
    partners_alerted_reminder,
)
from tests.support.clock import FakeClock
from tests.support.receivers import SmtpReceiver


@pytest.fixture
def api(make_app: MakeApp) -> Iterator[tuple[TestClient, Safeguarding, dict[str, str]]]:
    tracker = make_app(api_key_cache_seconds=0, projector_in_process=False)
    keys = {
        who: issue_key(tracker, principal_id=who, role=role, agency=agency, partnerships=parts)[0]
        for who, (role, agency, parts) in PRINCIPALS.items()
    }
    with TestClient(bootstrap.web_app(tracker.settings, app=tracker)) as client:
        yield client, tracker, keys


def test_the_rest_routes_subscribe_list_revoke_and_show_deliveries(
    api: tuple[TestClient, Safeguarding, dict[str, str]], clock: FakeClock, smtp: SmtpReceiver
) -> None:
    client, tracker, keys = api

    def auth(who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[who]}", **extra}

    path = "/api/v1/webhook-subscriptions"
    made = client.post(
        path,
        json={"url": "https://board.example.org/hooks"},
        headers=auth("staff", **{"Idempotency-Key": "sub-1"}),
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert (body["partnership"], body["agency"]) == ("LEW", "")
    assert made.headers["Location"] == f"{path}/{body['id']}"
    again = client.post(
        path,
        json={"url": "https://board.example.org/hooks"},
        headers=auth("staff", **{"Idempotency-Key": "sub-1"}),
    )
    assert (again.status_code, again.json()) == (201, body)
    reused = client.post(
        path,
        json={"url": "https://other.example.org/"},
        headers=auth("staff", **{"Idempotency-Key": "sub-1"}),
    )
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")

    police = client.post(
        path, json={"url": "https://police.example.org/"}, headers=auth("police_agency")
    )
    assert police.status_code == 201
    assert police.json()["agency"] == MET
    other_agency = client.post(
        path,
        json={"url": "https://police.example.org/", "agency": SLAM},
        headers=auth("police_agency"),
    )
    assert (other_agency.status_code, other_agency.json()["code"]) == (403, "forbidden")
    for who in ("analyst", "la", "scrutineer", "admin"):
        refused = client.post(path, json={"url": "https://example.org/"}, headers=auth(who))
        assert refused.status_code == 403, who
    bad = client.post(path, json={"url": "ftp://example.org/"}, headers=auth("staff"))
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["code"] == "invalid_webhook_url"
    unknown_field = client.post(
        path, json={"url": "https://a.example.org", "x": 1}, headers=auth("staff")
    )
    assert (unknown_field.status_code, unknown_field.json()["code"]) == (422, "validation_failed")
    assert client.post(path, json={"url": "https://a.example.org"}).status_code == 401

    listed = client.get(path, headers=auth("staff")).json()
    assert [s["id"] for s in listed] == [body["id"], police.json()["id"]]
    assert all("secret" not in s for s in listed)
    assert [s["id"] for s in client.get(path, headers=auth("police_agency")).json()] == [
        police.json()["id"]
    ]
    assert client.get(path, headers=auth("hil_staff")).json() == []
    assert client.delete(f"{path}/{body['id']}", headers=auth("hil_staff")).status_code == 404
    assert client.delete(f"{path}/{body['id']}", headers=auth("police_agency")).status_code == 404
    assert client.delete(f"{path}/nope", headers=auth("staff")).status_code == 422
    revoked = client.delete(f"{path}/{body['id']}", headers=auth("staff"))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert [s["id"] for s in client.get(path, headers=auth("staff")).json()] == [
        police.json()["id"]
    ]

    # deliveries: the partnership's, paged, with the backlog; not for other roles
    partners_alerted_reminder(tracker, clock)
    outbox = Outbox(tracker)
    outbox.collect()
    deliveries = client.get("/api/v1/deliveries?limit=1", headers=auth("staff"))
    assert deliveries.status_code == 200, deliveries.text
    page = deliveries.json()
    assert [(d["channel"], d["recipient"], d["status"]) for d in page["items"]] == [
        ("email", BOARD, "pending")
    ]
    assert page["next_after"] == page["items"][0]["id"]
    assert page["backlog"]["pending"] == 1
    rest = client.get(f"/api/v1/deliveries?after={page['next_after']}", headers=auth("staff"))
    assert rest.json()["items"] == []
    assert rest.json()["next_after"] is None
    transports = default_transports(tracker.settings)
    outbox.deliver_due(transports)
    transports.close()
    sent = client.get("/api/v1/deliveries?status=sent", headers=auth("admin")).json()
    assert [d["status"] for d in sent["items"]] == ["sent"]
    assert sent["items"][0]["attempts"] == 1
    assert "payload" not in sent["items"][0]
    # the admin role reads the outbox's state, not which case a message is about
    assert (sent["items"][0]["reference"], sent["items"][0]["stream_id"]) == ("", "")
    staff_sent = client.get("/api/v1/deliveries?status=sent", headers=auth("staff")).json()
    assert staff_sent["items"][0]["reference"].startswith("LEW-")
    assert (
        client.get("/api/v1/deliveries?status=failing", headers=auth("staff")).json()["items"] == []
    )
    assert client.get("/api/v1/deliveries", headers=auth("hil_staff")).json()["items"] == []
    for who in ("analyst", "mash", "la", "scrutineer"):
        assert client.get("/api/v1/deliveries", headers=auth(who)).status_code == 403, who
    wrong = client.get("/api/v1/deliveries?status=lost", headers=auth("staff"))
    assert (wrong.status_code, wrong.json()["code"]) == (422, "validation_failed")
    assert len(smtp.received()) == 1


def test_the_routes_status_filter_is_the_outboxs() -> None:
    assert tuple(s.value for s in StatusFilter) == STATUS_FILTERS


def test_a_subscriber_chooses_its_event_types_and_catches_up_from_a_position(
    api: tuple[TestClient, Safeguarding, dict[str, str]], clock: FakeClock
) -> None:
    client, tracker, keys = api
    staff = {"Authorization": f"Bearer {keys['staff']}"}
    path = "/api/v1/webhook-subscriptions"
    made = client.post(
        path,
        json={"url": "https://board.example.org/", "event_types": ["case.reminder_issued"]},
        headers=staff,
    )
    assert made.status_code == 201, made.text
    assert made.json()["event_types"] == ["case.reminder_issued"]
    everything = client.post(path, json={"url": "https://all.example.org/"}, headers=staff)
    assert everything.json()["event_types"] == []
    unknown = client.post(
        path, json={"url": "https://x.example.org/", "event_types": ["case.sent"]}, headers=staff
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_value")
    assert "case.sent" in unknown.json()["detail"]

    partners_alerted_reminder(tracker, clock)  # the referral, then its reminder
    Outbox(tracker).collect()
    one = client.get(f"{path}/{made.json()['id']}/events", headers=staff).json()
    assert [e["body"]["type"] for e in one["items"]] == ["case.reminder_issued"]
    every = client.get(f"{path}/{everything.json()['id']}/events", headers=staff).json()
    kinds = [e["body"]["type"] for e in every["items"]]
    assert kinds == ["case.serious_incident_referred", "case.reminder_issued"]
    first = every["items"][0]["position"]
    after = client.get(
        f"{path}/{everything.json()['id']}/events?since={first}", headers=staff
    ).json()
    assert after["items"] == every["items"][1:]
    assert after["next_since"] is None
    assert all(e["status"] == "pending" for e in every["items"])
    police = {"Authorization": f"Bearer {keys['police_agency']}"}
    assert client.get(f"{path}/{made.json()['id']}/events", headers=police).status_code == 404
    analyst = {"Authorization": f"Bearer {keys['analyst']}"}
    assert client.get(f"{path}/{made.json()['id']}/events", headers=analyst).status_code == 404


def test_the_openapi_document_lists_every_webhook_type_and_its_body(
    api: tuple[TestClient, Safeguarding, dict[str, str]],
) -> None:
    client, _, _ = api
    document = client.get("/openapi.json").json()
    # every event's type, and the verifiable log's signed checkpoints
    assert set(document["webhooks"]) == {*EVENT_TYPES.values(), CHECKPOINT_TYPE}
    scoping = document["webhooks"]["case.scoping_requested"]["post"]
    assert "`due_on`" in scoping["description"]
    assert "`period_from`" in scoping["description"]
    assert "webhook-signature" in scoping["description"]
    body = scoping["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/WebhookBody"}
    data = document["components"]["schemas"]["WebhookData"]
    assert {"reference", "partnership", "position", "link"} <= set(data["properties"])
