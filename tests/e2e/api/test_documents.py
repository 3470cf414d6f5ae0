"""The documents over HTTP, as agency systems, staff and analysts fetch them: formats by
``format=`` or ``Accept``, streaming exports, problem+json refusals, and the access log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from application.access import AccessLog
from application.keys import issue_key
from application.service import Safeguarding
from application.settings import Settings
from entrypoints import bootstrap
from tests.support.clock import FakeClock
from tests.support.documents import csv_rows, flat, pdf_text
from tests.support.scenario import AGENCIES, walk_to_panel_response

V1 = "/api/v1"
WHO = {
    "staff": ("partnership", "Lewisham Safeguarding Partnership"),
    "police_agency": ("agency", AGENCIES[1]),
    "csc_agency": ("agency", AGENCIES[0]),
    "scrutineer": ("scrutineer", "Independent scrutineer"),
    "analyst": ("analyst", ""),
    "admin": ("admin", ""),
}


@dataclass
class Served:
    client: TestClient
    app: Safeguarding
    keys: dict[str, str]
    case_id: UUID

    def get(self, path: str, as_: str = "staff", **params: Any) -> Any:
        accept = params.pop("accept", None)
        headers = {"Authorization": f"Bearer {self.keys[as_]}"}
        if accept:
            headers["Accept"] = str(accept)
        return self.client.get(path, params=params, headers=headers)


@pytest.fixture
def served(make_settings: Callable[..., Settings], clock: FakeClock) -> Iterator[Served]:
    """The seed scenario walked to the Panel's response, read models built, and the API on
    it with a key for each role (on SQLite and PostgreSQL)."""
    settings = make_settings(api_key_cache_seconds=0, projector_in_process=False)
    app = bootstrap.safeguarding(settings, clock=clock)
    case_id = walk_to_panel_response(app, clock)
    projector = bootstrap.projector(app)
    projector.setup()
    projector.catch_up()
    projector.store.close()
    keys = {
        who: issue_key(app, principal_id=who, role=role, agency=agency, partnerships=["LEW"])[0]
        for who, (role, agency) in WHO.items()
    }
    with TestClient(bootstrap.web_app(settings, app=app), raise_server_exceptions=False) as c:
        yield Served(c, app, keys, case_id)
    app.close()


def doc(served: Served, kind: str) -> str:
    return f"{V1}/cases/{served.case_id}/documents/{kind}"


def test_each_document_comes_as_pdf_or_docx_by_format_or_accept(served: Served) -> None:
    pdf = served.get(doc(served, "rapid-review-report"))
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    disposition = pdf.headers["content-disposition"]
    assert 'filename="LEW-2026-0001-rapid-review-report-v24.pdf"' in disposition
    assert pdf.headers["x-document-version"] == "24"
    last = served.app.latest(served.case_id)
    assert pdf.headers["x-document-event-hash"] == last.chain_head
    word = served.get(
        doc(served, "panel-letter"),
        accept="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert word.status_code == 200
    assert word.content.startswith(b"PK")
    again = served.get(doc(served, "panel-letter"), format="docx")
    assert again.content == word.content


def test_a_format_not_offered_is_refused_with_a_problem(served: Served) -> None:
    bad = served.get(doc(served, "panel-letter"), format="xlsx")
    assert bad.status_code == 422
    assert bad.json()["code"] == "unsupported_format"
    unacceptable = served.get(doc(served, "panel-letter"), accept="image/png")
    assert unacceptable.status_code == 406
    assert unacceptable.json()["code"] == "not_acceptable"
    unknown = served.get(doc(served, "birthday-card"))
    assert unknown.status_code == 422
    missing = served.get(f"{V1}/cases/{UUID(int=1)}/documents/panel-letter")
    assert missing.status_code == 404
    version = served.get(doc(served, "panel-letter"), version=99)
    assert version.status_code == 404


def test_an_earlier_version_is_fetched_by_version_or_instant(served: Served) -> None:
    meeting = served.get(doc(served, "rapid-review-report"), version=19)  # the meeting
    assert meeting.headers["x-document-version"] == "19"
    text = flat(pdf_text(meeting.content))
    assert "Date of Rapid Review: 14 January 2027 (face to face)" in text
    assert "Date this form submitted to the National Panel: Document record" in text
    at = datetime(2027, 1, 14, 23, tzinfo=UTC).isoformat()
    by_instant = served.get(doc(served, "rapid-review-report"), at=at)
    assert by_instant.headers["x-document-version"] == "19"
    assert by_instant.content == meeting.content


def test_an_agency_fetches_its_own_pack_and_not_another_s(served: Served) -> None:
    own = served.get(doc(served, "scoping-pack"), as_="police_agency")
    assert own.status_code == 200, own.text
    text = flat(pdf_text(own.content))
    assert f"Dear Named Representative of {AGENCIES[1]}," in text
    other = served.get(doc(served, "scoping-pack"), as_="police_agency", agency=AGENCIES[0])
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden"
    report = served.get(doc(served, "rapid-review-report"), as_="police_agency")
    assert report.status_code == 403
    log = AccessLog(served.app.datastore).read(partnerships=["LEW"])
    assert [(e.principal_id, e.operation) for e in log] == [
        ("police_agency", "GET /api/v1/cases/{id}/documents/scoping-pack")
    ]
    assert log[0].request_id == own.headers["x-request-id"]


def test_analysts_and_admins_get_no_case_document(served: Served) -> None:
    for who in ("analyst", "admin"):
        for kind in ("scoping-pack", "rapid-review-report", "panel-letter"):
            refused = served.get(doc(served, kind), as_=who, agency=AGENCIES[0])
            assert refused.status_code == 403, (who, kind)


def test_the_tracker_report_and_exports_come_as_their_formats(served: Served) -> None:
    report = served.get(f"{V1}/reports/tracker", partnership="LEW", on="2027-02-05")
    assert report.status_code == 200, report.text
    assert "Tracker report: Lewisham" in pdf_text(report.content)
    sheet = served.get(f"{V1}/reports/tracker", format="xlsx", as_="scrutineer")
    assert sheet.content.startswith(b"PK")
    assert served.get(f"{V1}/reports/tracker", as_="analyst").status_code == 403
    exported = served.get(f"{V1}/exports/deadlines", clock="scoping_returned")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(exported.content)
    assert rows[0][:4] == ["stream_id", "reference", "partnership", "clock"]
    assert sorted(r[4] for r in rows[1:]) == sorted(AGENCIES)
    workbook = served.get(
        f"{V1}/exports/tracker",
        accept="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert workbook.content.startswith(b"PK")


def test_bad_export_requests_are_refused_with_their_codes(served: Served) -> None:
    for params, status, code in (
        ({"colour": "red"}, 422, "unknown_filter"),
        ({"overdue": "perhaps"}, 422, "invalid_value"),
        ({"format": "pdf"}, 422, "unsupported_format"),
    ):
        answer = served.get(f"{V1}/exports/tracker", **params)
        assert answer.status_code == status, params
        assert answer.json()["code"] == code
    assert served.get(f"{V1}/exports/people").status_code == 404
    # one case is fewer than five: an analyst's export of it would be a count under 5
    small = served.get(f"{V1}/exports/tracker", as_="analyst")
    assert small.status_code == 403
    assert small.json()["code"] == "too_few_to_export"
    assert served.get(f"{V1}/exports/tracker", as_="police_agency").status_code == 403
