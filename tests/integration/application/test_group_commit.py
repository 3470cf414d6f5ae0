"""Group commit (application/groupcommit.py): concurrent commands of one process share an
append transaction, and each is still accepted or refused on its own -- a stale expected
version exactly as a single commit refuses it -- with notification ids in commit order.

The appends are held (``GroupCommit.hold``) until every one is waiting, so they go in one
group; the tests count the groups written to know they did."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from application.acts import (
    AlertPartners,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferSeriousIncident,
)
from application.context import CommandResult
from application.errors import VersionConflictError
from application.groupcommit import GroupCommit
from application.service import Safeguarding
from tests.support.clock import FakeClock
from tests.support.people import MASH, ctx, referral_details, serious_harm
from tests.support.scenario import refer

DAY = date(2026, 12, 23)


def group_of(app: Safeguarding) -> GroupCommit:
    found = getattr(app.recorder, "group_commit", None)
    assert isinstance(found, GroupCommit)
    return found


def referral(child: str) -> ReferSeriousIncident:
    return ReferSeriousIncident(
        partnership="LEW",
        area="Lewisham",
        received_on=DAY,
        details=referral_details(child),
        incident=serious_harm(date(2026, 12, 20)),
    )


def recommend(case_id: UUID) -> RecommendCriteria:
    return RecommendCriteria(case_id=case_id, on=DAY, recommendation="met", rationale="-")


def together(app: Safeguarding, *commands: Callable[[], Any]) -> list[Any]:
    """Run ``commands`` in threads whose first appends all go in one group; each one's
    result or the exception it raised."""
    group = group_of(app)
    results: list[Any] = [None] * len(commands)

    def run(i: int) -> None:
        try:
            results[i] = commands[i]()
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    with group.hold():
        before = group.groups
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while group.waiting() < len(commands):
            assert time.monotonic() < deadline, "the appends did not all arrive"
            time.sleep(0.005)
    for t in threads:
        t.join(timeout=60)
    # the held appends went as one group (retries, if any, in later ones)
    assert group.groups > before
    return results


def stored_versions(app: Safeguarding, case_id: UUID) -> list[int]:
    return [e.originator_version for e in app.recorder.select_events(case_id)]


@pytest.fixture
def grouped(make_tracker: Callable[..., Safeguarding]) -> Safeguarding:
    return make_tracker(group_commit=True)


def test_group_commit_is_on_by_default_and_can_be_turned_off(
    make_tracker: Callable[..., Safeguarding],
) -> None:
    assert getattr(make_tracker().recorder, "group_commit", None) is not None
    assert getattr(make_tracker(group_commit=False).recorder, "group_commit", None) is None


def test_appends_waiting_together_commit_in_one_transaction(
    grouped: Safeguarding, clock: FakeClock
) -> None:
    cases = [refer(grouped, clock) for _ in range(6)]
    group = group_of(grouped)
    before = group.groups
    results = together(
        grouped,
        *(
            lambda c=c: grouped.execute(
                ctx(), AlertPartners(case_id=c, on=DAY, recipients=["police"])
            )
            for c in cases
        ),
    )
    assert all(isinstance(r, CommandResult) for r in results), results
    assert group.groups == before + 1
    assert [r.version for r in results] == [2] * 6
    # one transaction: the six appends took consecutive ids
    positions = sorted(r.position for r in results)
    assert positions == list(range(positions[0], positions[0] + 6))


@pytest.mark.parametrize("group_commit", [True, False], ids=["grouped", "single"])
def test_a_stale_expected_version_is_refused_alone_as_a_single_commit_refuses_it(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock, group_commit: bool
) -> None:
    """A process whose cached copy of a case is stale accepts an expected version the
    store has moved past: the append meets the store's version check, and the command is
    refused with the current version -- in a group, while the other command in the same
    transaction commits."""
    this = make_tracker(group_commit=True)
    other = make_tracker(group_commit=group_commit)
    case_id = refer(this, clock)
    assert this.case(MASH, case_id).version == 1  # cached here at version 1
    other.execute(ctx(), AlertPartners(case_id=case_id, on=DAY, recipients=["police"]))
    events_before = this.recorder.max_notification_id()

    if group_commit:
        stale, fresh = together(
            this,
            lambda: this.execute(ctx(expected_version=1), recommend(case_id)),
            lambda: this.execute(ctx(MASH), referral("Another Child")),
        )
        assert isinstance(fresh, CommandResult)
    else:
        try:
            stale = this.execute(ctx(expected_version=1), recommend(case_id))
        except Exception as e:
            stale = e
    assert isinstance(stale, VersionConflictError), stale
    assert stale.current_version == 2
    assert stored_versions(this, case_id) == [1, 2]
    recorded = this.recorder.select_notifications(start=(events_before or 0) + 1, limit=100)
    assert all(n.originator_id != case_id for n in recorded)


def test_two_commands_on_one_case_in_one_group_are_both_recorded_one_after_the_other(
    grouped: Safeguarding, clock: FakeClock
) -> None:
    """Both decided on version 1; in one group the second append meets the first one's
    event at version 2 and is refused alone, then decided again on fresh state."""
    case_id = refer(grouped, clock)
    grouped.case(MASH, case_id)
    alert, recommended = together(
        grouped,
        lambda: grouped.execute(
            ctx(), AlertPartners(case_id=case_id, on=DAY, recipients=["police"])
        ),
        lambda: grouped.execute(ctx(), recommend(case_id)),
    )
    assert isinstance(alert, CommandResult)
    assert isinstance(recommended, CommandResult)
    assert sorted([alert.version, recommended.version]) == [2, 3]
    assert stored_versions(grouped, case_id) == [1, 2, 3]


def test_a_retried_idempotency_key_in_the_same_group_records_once(
    grouped: Safeguarding, clock: FakeClock
) -> None:
    results = together(
        grouped,
        *(
            lambda: grouped.execute(ctx(MASH, idempotency_key="same-key"), referral("Once"))
            for _ in range(3)
        ),
    )
    assert all(isinstance(r, CommandResult) for r in results), results
    assert len({r.id for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False, True, True]
    cases = [
        n
        for n in grouped.recorder.select_notifications(start=1, limit=1000)
        if n.topic.endswith("SeriousIncidentReferred")
    ]
    assert len(cases) == 1


def test_a_reader_following_the_log_passes_over_nothing_while_groups_commit(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    """Two processes' worth of writers, each grouping its own commands, and a reader
    tailing the log by position: it sees every event, none appearing behind one it has
    already passed (notification ids are issued in commit order)."""
    writers = [make_tracker(group_commit=True), make_tracker(group_commit=True)]
    reader = make_tracker()
    stop = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def tail() -> None:
        position = 0
        while True:
            finished = stop.is_set()
            batch = reader.recorder.select_notifications(start=position + 1, limit=500)
            seen.extend(n.id for n in batch)
            if batch:
                position = batch[-1].id
            elif finished:
                return

    def write(app: Safeguarding, n: int) -> None:
        try:
            case_id = app.execute(ctx(MASH), referral(f"Child {n}")).id
            app.execute(ctx(), AlertPartners(case_id=case_id, on=DAY, recipients=["police"]))
            app.execute(ctx(), recommend(case_id))
            for partner in ("local_authority", "police", "icb"):
                app.execute(
                    ctx(),
                    RecordPartnerDecision(
                        case_id=case_id, on=DAY, partner=partner, decision="met", rationale="-"
                    ),
                )
        except BaseException as e:
            errors.append(e)

    follower = threading.Thread(target=tail)
    follower.start()
    threads = [threading.Thread(target=write, args=(writers[n % 2], n)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    stop.set()
    follower.join(timeout=60)

    assert errors == []
    stored = reader.recorder.select_notifications(start=1, limit=10_000)
    assert seen == [n.id for n in stored]
    assert len([n for n in stored if n.topic.startswith("domain.case:")]) == 8 * 6
    assert sum(group_of(w).appends for w in writers) >= 8 * 6
