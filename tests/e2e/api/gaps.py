"""An API on a fake clock and the test's own partnerships file, for the process-gap tests:
Lewisham closes on Mon 5 Jan 2026, Hillingdon counts its rapid-review submission from the
day the local authority became aware."""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from application.keys import issue_key
from application.settings import Settings
from entrypoints import bootstrap
from tests.e2e.conftest import PRINCIPALS, Api
from tests.e2e.walk import V1, body, ok
from tests.support.clock import FakeClock

PARTNERSHIPS = """
[partnerships.LEW]
name = "Lewisham Safeguarding Children Partnership"
local_authorities = ["Lewisham"]
closures = [2026-01-05]

[partnerships.BHR]
name = "Barking, Havering and Redbridge Safeguarding Partnership"
local_authorities = ["Barking and Dagenham", "Havering", "Redbridge"]

[partnerships.HIL]
name = "Hillingdon Safeguarding Partnership"
local_authorities = ["Hillingdon"]

[partnerships.HIL.timescales]
rapid_review_meeting_window_opens = 12
rapid_review_meeting = 13
rapid_review_submission_from = "aware"
"""

RAPID_REVIEW_CLOCKS = {
    "scoping_sent",
    "scoping_returned",
    "rapid_review_meeting",
    "report_approval",
    "rapid_review_submission",
    "panel_response",
}


@dataclass
class GapsApi(Api):
    clock: FakeClock

    def on(self, day: date) -> None:
        self.clock.set_day(day, time(10, 0))

    def case(self, case_id: str, as_: str = "staff") -> dict[str, Any]:
        view: dict[str, Any] = ok(self.get(f"{V1}/cases/{case_id}", as_=as_))
        return view

    def clocks(self, case_id: str, as_: str = "staff") -> dict[str, dict[str, Any]]:
        """The case's clocks by key (``name`` or ``name:subject``), as the API gives them."""
        return {
            c["clock"] + (f":{c['subject']}" if c["subject"] else ""): c
            for c in self.case(case_id, as_)["clocks"]
        }


def gaps_api(
    tmp_path: Path, make_settings: Any, *, extra_hil_timescales: str = ""
) -> Generator[GapsApi, None, None]:
    toml = tmp_path / "partnerships.toml"
    toml.write_text(PARTNERSHIPS + extra_hil_timescales)
    settings: Settings = make_settings(
        api_key_cache_seconds=0, projector_in_process=True, partnerships_file=toml
    )
    clock = FakeClock(datetime(2025, 10, 6, 10, tzinfo=UTC))
    tracker = bootstrap.safeguarding(settings, clock=clock)
    keys = {
        who: issue_key(tracker, principal_id=who, role=role, agency=agency, partnerships=parts)[0]
        for who, (role, agency, parts) in PRINCIPALS.items()
    }
    app = bootstrap.web_app(settings, app=tracker)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield GapsApi(client, tracker, keys, clock)
    tracker.close()


def referral(**child: Any) -> dict[str, Any]:
    """The example referral (a serious harm on Sat 4 Oct 2025, received Mon 6 Oct) with the
    child's details changed by ``child``."""
    b = body("refer_serious_incident")
    details = copy.deepcopy(b["details"])
    details["child"].update(child)
    b["details"] = details
    return b
