"""The scrutineer's reads of one case, as the application answers them: the case as it stood
at a version or an instant (``history.case_as_at``), and the case's integrity verdict, which
also catches a store that ends before what the read models saw (``integrity.CaseIntegrity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from uuid import UUID

import pytest

from application.errors import NotFoundError, NotPermittedError
from application.history import case_as_at, history
from application.integrity import CaseIntegrity
from application.service import Safeguarding
from domain.clocks import case_clocks
from tests.support.clock import FakeClock
from tests.support.people import ANALYST, HIL_STAFF, SCRUTINEER, STAFF
from tests.support.scenario import decide_met, refer
from tests.support.tamper import delete_event


def seven_event_case(app: Safeguarding, clock: FakeClock) -> UUID:
    case_id = refer(app, clock)  # Wed 23 Dec 2026
    decide_met(app, clock, case_id)  # alerted 23 Dec, recommended 24, decided Wed 30 Dec
    assert app.repository.get(case_id).version == 7
    return case_id


# --- a case as it stood ------------------------------------------------------------------


def test_a_case_at_a_version_is_its_state_then_with_the_clocks_of_that_day(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)

    first = case_as_at(tracker, SCRUTINEER, case_id, version=1)
    last = case_as_at(tracker, SCRUTINEER, case_id, version=7)

    assert first.case.version == 1
    assert first.case.decision is None
    assert first.as_of == date(2026, 12, 23)
    assert first.clocks == case_clocks(
        first.case, first.as_of, tracker.timescales("LEW"), tracker.calendar
    )
    assert last.case.version == 7
    assert last.case.decision == "met"
    assert last.as_of == date(2026, 12, 30)
    assert last.scoping == []


def test_a_case_at_an_instant_is_the_last_version_recorded_by_then(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)
    recorded = {e.version: e.recorded_at for e in history(tracker, case_id)}

    at_recommendation = case_as_at(tracker, STAFF, case_id, at=recorded[3])
    just_before_decisions = case_as_at(
        tracker, STAFF, case_id, at=recorded[4] - timedelta(microseconds=1)
    )
    # an instant without a zone is read as UTC
    naive = case_as_at(tracker, STAFF, case_id, at=recorded[3].astimezone(UTC).replace(tzinfo=None))

    assert at_recommendation.case.version == 3
    assert at_recommendation.as_of == date(2026, 12, 24)
    assert just_before_decisions.case.version == 3
    assert naive.case.version == 3


def test_no_such_version_and_nothing_recorded_by_then_are_not_found(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)
    first = history(tracker, case_id, limit=1)[0].recorded_at

    with pytest.raises(NotFoundError, match="has no version 8"):
        case_as_at(tracker, STAFF, case_id, version=8)
    with pytest.raises(NotFoundError, match="has no version recorded by then"):
        case_as_at(tracker, STAFF, case_id, at=first - timedelta(seconds=1))


def test_a_case_as_it_stood_is_for_full_readers_of_its_partnership_only(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)

    with pytest.raises(NotPermittedError):
        case_as_at(tracker, ANALYST, case_id, version=1)
    with pytest.raises(NotFoundError):
        case_as_at(tracker, HIL_STAFF, case_id, version=1)


# --- a case's integrity verdict ------------------------------------------------------------


@dataclass
class FakeReadSide:
    """What the read models would say of the case; every question asked is noted."""

    held_in: tuple[str, ...] = ("LEW",)
    seen: int | None = None
    asked: list[str] = field(default_factory=list)

    def holds(self, stream_id: UUID, partnerships: Sequence[str]) -> bool:
        self.asked.append("holds")
        return any(p in self.held_in for p in partnerships)

    def last_version_seen(self, stream_id: UUID) -> int | None:
        self.asked.append("last_version_seen")
        return self.seen


def test_an_intact_case_verifies_and_says_what_the_read_models_saw(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)

    verdict = CaseIntegrity(tracker, SCRUTINEER, FakeReadSide(seen=7)).verdict(case_id)

    assert verdict.stream_id == case_id
    assert verdict.ok
    assert verdict.events_checked == 7
    assert verdict.first_broken_version is None
    assert verdict.problem == ""
    assert verdict.last_version_stored == 7
    assert verdict.last_version_seen == 7


def test_a_store_that_ends_before_what_the_read_models_saw_lost_its_newest_events(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)
    delete_event(tracker, case_id, 7)  # the chain 1..6 is still whole

    verdict = CaseIntegrity(tracker, STAFF, FakeReadSide(seen=7)).verdict(case_id)

    assert not verdict.ok
    assert verdict.events_checked == 6
    assert verdict.first_broken_version == 7
    assert verdict.problem == (
        "the store ends at version 6 but the read models saw version 7: "
        "its newest events were removed"
    )
    assert verdict.last_version_stored == 6
    assert verdict.last_version_seen == 7


def test_a_broken_chain_is_reported_where_it_breaks_whatever_the_read_models_saw(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)
    delete_event(tracker, case_id, 3)

    verdict = CaseIntegrity(tracker, STAFF, FakeReadSide(seen=7)).verdict(case_id)

    assert not verdict.ok
    assert verdict.first_broken_version == 3
    assert "an event was removed" in verdict.problem
    assert verdict.last_version_stored == 7


def test_a_case_not_yet_projected_is_authorised_and_verified_from_the_store(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = seven_event_case(tracker, clock)
    unprojected = FakeReadSide(held_in=(), seen=None)

    verdict = CaseIntegrity(tracker, STAFF, unprojected).verdict(case_id)

    assert verdict.ok
    assert verdict.last_version_seen is None
    assert unprojected.asked == ["holds", "last_version_seen"]
    with pytest.raises(NotFoundError):
        CaseIntegrity(tracker, HIL_STAFF, FakeReadSide(held_in=())).verdict(case_id)


def test_only_full_readers_may_ask_and_are_refused_before_any_case_is_looked_at(
    tracker: Safeguarding,
) -> None:
    read_side = FakeReadSide()

    with pytest.raises(NotPermittedError, match="the analyst role verifies no case"):
        CaseIntegrity(tracker, ANALYST, read_side)

    assert read_side.asked == []
