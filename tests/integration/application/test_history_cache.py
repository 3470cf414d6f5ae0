"""A case's history decodes each stored event once per process: an entry is kept by
(stream, version) with the stored bytes it came from, so nothing invalidates it, a newer
version is read and decoded fresh, and a row altered in the store is never answered from
what was kept (the stored rows are read on every request)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from application import history
from application.integrity import verify_stream
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.people import CHILD_NAME
from tests.support.scenario import decide_met, refer
from tests.support.tamper import overwrite_state, stored_state


@pytest.fixture
def plain_tracker(make_tracker: Callable[..., Safeguarding]) -> Safeguarding:
    """Neither compressed nor encrypted, so a stored name can be changed and still decode."""
    return make_tracker(compress=False, encrypt_at_rest=False)


def test_a_page_read_again_decodes_nothing_and_answers_the_same_entries(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = refer(tracker, clock)
    decide_met(tracker, clock, case_id)
    decoded = history.decoded_events(tracker)
    before = decoded.decoded
    first = history.history(tracker, case_id, limit=100)
    assert [e.version for e in first] == list(range(1, 8))
    assert decoded.decoded == before + 7

    again = history.history(tracker, case_id, limit=100)
    assert decoded.decoded == before + 7  # read from the store, decoded by no one
    assert all(a is b for a, b in zip(first, again, strict=True))
    # a later page, and the subject's first event, are served from the same entries
    assert history.history(tracker, case_id, after_version=3, limit=2) == first[3:5]
    assert decoded.decoded == before + 7


def test_a_newer_version_is_read_fresh_and_the_kept_ones_stay(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = refer(tracker, clock)
    decoded = history.decoded_events(tracker)
    first = history.history(tracker, case_id)
    assert len(first) == 1
    count = decoded.decoded

    decide_met(tracker, clock, case_id)  # six more events
    later = history.history(tracker, case_id)

    assert [e.version for e in later] == list(range(1, 8))
    assert later[0] is first[0]  # nothing invalidated the kept one
    assert decoded.decoded == count + 6  # only the new versions were decoded


def test_an_event_altered_in_the_store_is_decoded_again_and_still_fails_verification(
    plain_tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = refer(plain_tracker, clock)
    kept = history.history(plain_tracker, case_id)[0]
    state = stored_state(plain_tracker, case_id, 1)
    assert CHILD_NAME.encode() in state
    overwrite_state(plain_tracker, case_id, 1, state.replace(b"Quillon", b"Quillom"))

    shown = history.history(plain_tracker, case_id)[0]

    assert shown is not kept
    assert "Quillom" in str(shown.payload)
    assert "Quillon" in str(kept.payload)
    report = verify_stream(plain_tracker, case_id)  # from the stored rows, as ever
    assert not report.ok
    assert report.first_broken_version == 1
