"""The hash chain shows any altered, removed or reordered event; encryption hides names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from application.integrity import verify_all, verify_stream
from application.service import Safeguarding
from tests.conftest import TEST_KEY
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME, MOTHER_NAME
from tests.support.scenario import decide_met, refer
from tests.support.tamper import (
    all_table_bytes,
    delete_event,
    flip_byte,
    overwrite_state,
    stored_state,
    swap_versions,
)


@pytest.fixture
def plain_tracker(make_tracker: Callable[..., Safeguarding]) -> Safeguarding:
    """Neither compressed nor encrypted, so a byte can be changed and still decode."""
    return make_tracker(compress=False, encrypt_at_rest=False)


def seven_event_case(app: Safeguarding, clock: FakeClock):  # type: ignore[no-untyped-def]
    case_id = refer(app, clock)
    decide_met(app, clock, case_id)  # alert, recommendation, 3 decisions, decision
    assert app.repository.get(case_id).version == 7
    return case_id


def test_an_untouched_history_verifies(plain_tracker: Safeguarding, clock: FakeClock) -> None:
    case_id = seven_event_case(plain_tracker, clock)
    report = verify_stream(plain_tracker, case_id)
    assert report.ok
    assert report.events_checked == 7


def test_a_changed_name_in_a_stored_event_is_reported_at_that_event(
    plain_tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(plain_tracker, clock)
    state = stored_state(plain_tracker, case_id, 1)
    assert CHILD_NAME.encode() in state
    overwrite_state(plain_tracker, case_id, 1, state.replace(b"Quillon", b"Quillom"))

    report = verify_stream(plain_tracker, case_id)

    assert not report.ok
    assert report.first_broken_version == 1
    assert "version 1 was altered after it was recorded" in report.problem


def test_an_altered_last_event_is_reported(plain_tracker: Safeguarding, clock: FakeClock) -> None:
    case_id = seven_event_case(plain_tracker, clock)
    state = stored_state(plain_tracker, case_id, 7)
    overwrite_state(plain_tracker, case_id, 7, state.replace(b'"met"', b'"not_met"'))

    report = verify_stream(plain_tracker, case_id)

    assert report.first_broken_version == 7
    assert "altered" in report.problem


def test_a_deleted_event_is_reported_where_the_gap_is(
    plain_tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(plain_tracker, clock)
    delete_event(plain_tracker, case_id, 3)

    report = verify_stream(plain_tracker, case_id)

    assert report.first_broken_version == 3
    assert "expected version 3 but found 4: an event was removed" in report.problem


def test_reordered_events_are_reported(plain_tracker: Safeguarding, clock: FakeClock) -> None:
    case_id = seven_event_case(plain_tracker, clock)
    swap_versions(plain_tracker, case_id, 2, 3)

    report = verify_stream(plain_tracker, case_id)

    assert report.first_broken_version == 2
    assert "does not follow the event before it" in report.problem


def test_a_changed_byte_in_encrypted_state_is_reported(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    app = make_tracker(encryption_key=TEST_KEY)
    case_id = seven_event_case(app, clock)
    flip_byte(app, case_id, 4)

    report = verify_stream(app, case_id)

    assert report.first_broken_version == 4
    assert "cannot be decoded" in report.problem


def test_verify_all_reports_only_the_tampered_stream(
    plain_tracker: Safeguarding, clock: FakeClock
) -> None:
    good = seven_event_case(plain_tracker, clock)
    bad = refer(plain_tracker, clock)
    decide_met(plain_tracker, clock, bad)
    delete_event(plain_tracker, bad, 2)

    reports = {r.stream_id: r for r in verify_all(plain_tracker, batch=3)}

    assert reports[good].ok
    assert not reports[bad].ok
    assert reports[bad].first_broken_version == 2


def test_with_encryption_on_the_childs_name_is_not_in_the_stored_rows(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    app = make_tracker(encryption_key=TEST_KEY)
    seven_event_case(app, clock)
    stored = all_table_bytes(app)

    for secret in (CHILD_NAME, MOTHER_NAME, "943 476 5919", "Imaginary Row"):
        assert secret.encode() not in stored


def test_without_encryption_the_name_would_be_there(
    plain_tracker: Safeguarding, clock: FakeClock
) -> None:
    """The control for the test above: the search does find names stored in the clear."""
    seven_event_case(plain_tracker, clock)
    assert CHILD_NAME.encode() in all_table_bytes(plain_tracker)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_with_encryption_on_the_childs_name_is_not_in_the_database_files(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock, tmp_path: Path
) -> None:
    app = make_tracker(encryption_key=TEST_KEY, compress=False)
    seven_event_case(app, clock)
    app.close()

    files = list(tmp_path.glob("tracker.sqlite*"))
    assert files
    raw = b"".join(f.read_bytes() for f in files)
    assert b"Marchbanks" not in raw
