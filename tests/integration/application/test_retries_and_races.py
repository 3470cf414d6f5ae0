"""Retries and races: idempotency keys, expected versions, concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest

from application.acts import (
    AlertPartners,
    DecideCriteria,
    InformReferrer,
    NotifyNationalPanel,
    RecommendCriteria,
    RecordPartnerDecision,
    ReferSeriousIncident,
    RequestScoping,
    ReturnScoping,
    StartRapidReview,
)
from application.context import CommandResult, Principal
from application.errors import IdempotencyKeyReusedError, VersionConflictError
from application.service import Safeguarding
from domain.case import Case
from domain.errors import AlreadyRecordedError
from domain.values import Contact, Role
from tests.support.clock import FakeClock
from tests.support.people import MASH, agency, ctx, referral_details, serious_harm
from tests.support.scenario import decide_met, refer

OTHER_STAFF = Principal("staff-lew-2", Role.PARTNERSHIP, "Lewisham", ("LEW",))


def refer_with_key(app: Safeguarding, key: str, child: str = "Quillon Marchbanks") -> CommandResult:
    return app.execute(
        ctx(MASH, idempotency_key=key),
        ReferSeriousIncident(
            partnership="LEW",
            area="Lewisham",
            received_on=date(2026, 12, 23),
            details=referral_details(child),
            incident=serious_harm(date(2026, 12, 20)),
        ),
    )


def test_a_retried_referral_with_the_same_key_records_one_case_and_returns_the_first_answer(
    tracker: Safeguarding,
) -> None:
    first = refer_with_key(tracker, "mash-7f3a")
    position = tracker.recorder.max_notification_id()

    again = refer_with_key(tracker, "mash-7f3a")

    assert again.replayed
    assert not first.replayed
    assert (again.id, again.reference, again.version, again.position) == (
        first.id,
        first.reference,
        first.version,
        first.position,
    )
    assert tracker.recorder.max_notification_id() == position


def test_the_same_key_with_different_content_is_refused_and_records_nothing(
    tracker: Safeguarding,
) -> None:
    refer_with_key(tracker, "mash-7f3a")
    position = tracker.recorder.max_notification_id()

    with pytest.raises(IdempotencyKeyReusedError, match="already used for a different"):
        refer_with_key(tracker, "mash-7f3a", child="Somebody Else")

    assert tracker.recorder.max_notification_id() == position


def test_keys_belong_to_their_principal(tracker: Safeguarding, clock: FakeClock) -> None:
    case_id = refer(tracker, clock)
    decide_met(tracker, clock, case_id)
    a = tracker.execute(
        ctx(idempotency_key="k1"), InformReferrer(case_id=case_id, on=date(2026, 12, 30))
    )
    with pytest.raises(AlreadyRecordedError, match="informing the referrer is already recorded"):
        # another principal's "k1" is a different key: the act is attempted and refused
        tracker.execute(
            ctx(OTHER_STAFF, idempotency_key="k1"),
            InformReferrer(case_id=case_id, on=date(2026, 12, 30)),
        )
    assert a.version == tracker.repository.get(case_id).version


def test_idempotency_keys_survive_a_restart(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    first_process = make_tracker()
    first = refer_with_key(first_process, "mash-restart")
    recorded = first_process.recorder.max_notification_id()
    first_process.close()

    second_process = make_tracker()
    again = refer_with_key(second_process, "mash-restart")

    assert again.replayed
    assert again.id == first.id
    assert again.position == first.position
    assert second_process.recorder.max_notification_id() == recorded


def test_a_stale_expected_version_is_refused_with_the_current_version(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = refer(tracker, clock)
    tracker.execute(
        ctx(), AlertPartners(case_id=case_id, on=date(2026, 12, 23), recipients=["police"])
    )

    with pytest.raises(VersionConflictError) as conflict:
        tracker.execute(
            ctx(expected_version=1),
            RecommendCriteria(
                case_id=case_id, on=date(2026, 12, 23), recommendation="met", rationale="-"
            ),
        )

    assert conflict.value.current_version == 2
    assert tracker.repository.get(case_id).version == 2


def test_a_current_expected_version_is_accepted(tracker: Safeguarding, clock: FakeClock) -> None:
    case_id = refer(tracker, clock)
    result = tracker.execute(
        ctx(expected_version=1),
        AlertPartners(case_id=case_id, on=date(2026, 12, 23), recipients=["police"]),
    )
    assert result.version == 2


def run_at_once(tasks: list[Callable[[], object]]) -> list[BaseException]:
    """Start every task behind one barrier so they really race; collect failures."""
    barrier = threading.Barrier(len(tasks))
    failures: list[BaseException] = []

    def run(task: Callable[[], object]) -> None:
        barrier.wait()
        try:
            task()
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return failures


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_ten_agencies_returning_scoping_to_one_case_at_once_record_ten_events(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    case_id = refer(tracker, clock)
    decide_met(tracker, clock, case_id)
    clock.set_day(date(2026, 12, 31))
    tracker.execute(
        ctx(), NotifyNationalPanel(case_id=case_id, on=date(2026, 12, 31), notified_by="DCS")
    )
    names = [f"Agency {n}" for n in range(10)]
    for name in names:
        tracker.execute(ctx(), RequestScoping(case_id=case_id, on=date(2026, 12, 31), agency=name))
    version: int = tracker.repository.get(case_id).version

    def return_for(name: str) -> Callable[[], object]:
        return lambda: tracker.execute(
            ctx(agency(name)),
            ReturnScoping(
                case_id=case_id,
                on=date(2026, 12, 31),
                agency=name,
                completed_by=Contact("Lead", name),
                involvement=False,
            ),
        )

    failures = run_at_once([return_for(n) for n in names])

    assert failures == []
    case: Case = tracker.repository.get(case_id)
    assert case.version == version + 10
    assert sorted(a for a, s in case.scoping.items() if s.returned_on) == sorted(names)


def test_concurrent_referrals_get_distinct_references(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    failures = run_at_once([lambda i=i: refer_with_key(tracker, f"k{i}") for i in range(6)])  # type: ignore[misc]

    assert failures == []
    refs: list[str] = sorted(
        tracker.repository.get(UUID(str(n.originator_id))).reference
        for n in tracker.recorder.select_notifications(start=1, limit=1000)
        if n.topic.endswith("SeriousIncidentReferred")
    )
    assert refs == [f"LEW-2026-{n:04d}" for n in range(1, 7)]


def test_references_number_each_partnership_and_year_separately(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    assert refer(tracker, clock)
    assert refer(tracker, clock)
    clock.set_day(date(2027, 1, 4))
    third = refer(tracker, clock, received=date(2027, 1, 4))
    assert tracker.repository.get(third).reference == "LEW-2027-0001"


def test_a_process_with_a_stale_copy_of_a_case_refreshes_it_instead_of_failing(
    make_tracker: Callable[..., Safeguarding], clock: FakeClock
) -> None:
    """Two processes on one store: each keeps its own cache and trusts it until the store's
    version check, or a refusal by the domain, says the copy may be stale."""
    first, second = make_tracker(), make_tracker()
    case_id = refer(first, clock)
    first.case_view(OTHER_STAFF, case_id)  # both processes now hold version 1
    second.case_view(OTHER_STAFF, case_id)

    # A write on stale state conflicts in the store and is decided again on fresh state.
    second.execute(
        ctx(), AlertPartners(case_id=case_id, on=date(2026, 12, 23), recipients=["police"])
    )
    made = first.execute(
        ctx(),
        RecommendCriteria(
            case_id=case_id, on=date(2026, 12, 23), recommendation="met", rationale="-"
        ),
    )
    assert made.version == 3

    # A refusal that only the stale copy would justify is not given.
    for partner in ("local_authority", "police", "icb"):
        second.execute(
            ctx(),
            RecordPartnerDecision(
                case_id=case_id,
                on=date(2026, 12, 23),
                partner=partner,
                decision="met",
                rationale="-",
            ),
        )
    decided = first.execute(
        ctx(), DecideCriteria(case_id=case_id, on=date(2026, 12, 23), outcome="met")
    )
    assert decided.version == 7

    # An If-Match naming the store's version is accepted even if the cache is behind.
    second.execute(
        ctx(), NotifyNationalPanel(case_id=case_id, on=date(2026, 12, 23), notified_by="DCS")
    )
    accepted = first.execute(
        ctx(expected_version=8),
        StartRapidReview(case_id=case_id, on=date(2026, 12, 23), meeting_on=date(2027, 1, 8)),
    )
    assert accepted.version == 9
    assert second.case_view(OTHER_STAFF, case_id).version == 9
