"""The Case aggregate on its own: corrections, stages, replay and the hash chain."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.case import Case
from domain.chain import GENESIS, hash_of
from domain.errors import (
    AuditMissingError,
    CorrectionNotAllowedError,
    EffectiveDateInFutureError,
    InvalidValueError,
    WrongStageError,
)
from domain.values import Audit, Incident
from tests.support.people import (
    CHILD_NAME,
    audit_on,
    new_serious_incident,
    referral_details,
    serious_harm,
)

TODAY = date(2027, 1, 4)


def new_case() -> Case:
    return new_serious_incident(TODAY, incident=serious_harm(date(2027, 1, 1)))


def test_a_misspelt_name_is_corrected_by_a_new_fact_with_its_reason() -> None:
    case = new_case()
    case.correct_details(
        audit=audit_on(TODAY), what="child.name", new_value="Quillon Marchbank", reason="Typo"
    )
    assert case.child is not None
    assert case.child.name == "Quillon Marchbank"
    first, correction = case.collect_events()
    assert first.details.child.name == CHILD_NAME  # type: ignore[attr-defined]  # history kept
    assert correction.reason == "Typo"  # type: ignore[attr-defined]


def test_a_corrected_date_of_birth_must_be_a_past_date() -> None:
    case = new_case()
    case.correct_details(
        audit=audit_on(TODAY), what="child.date_of_birth", new_value="2018-05-01", reason="Records"
    )
    assert case.child is not None
    assert case.child.date_of_birth == date(2018, 5, 1)
    with pytest.raises(EffectiveDateInFutureError):
        case.correct_details(
            audit=audit_on(TODAY), what="child.date_of_birth", new_value="2030-01-01", reason="x"
        )
    with pytest.raises(InvalidValueError, match="must be a date"):
        case.correct_details(
            audit=audit_on(TODAY), what="child.date_of_birth", new_value="soon", reason="x"
        )


@pytest.mark.parametrize(
    "what", ["reference", "partnership", "child.shoe_size", "decision", "kind"]
)
def test_what_is_not_a_detail_of_the_referral_cannot_be_corrected(what: str) -> None:
    case = new_case()
    with pytest.raises(CorrectionNotAllowedError):
        case.correct_details(audit=audit_on(TODAY), what=what, new_value="x", reason="-")
    assert case.version == 1


def test_replaying_the_events_rebuilds_the_same_state_and_chain() -> None:
    case = new_case()
    case.alert_partners(audit=audit_on(TODAY), on=TODAY, recipients=["police", "icb"])
    case.correct_details(
        audit=audit_on(TODAY), what="incident.location", new_value="Park", reason="Police report"
    )
    events = case.collect_events()

    replayed = None
    for e in events:
        replayed = e.mutate(replayed)
    assert isinstance(replayed, Case)
    assert vars(replayed) == vars(case)
    assert [e.prev_hash for e in events] == [GENESIS, events[0].hash, events[1].hash]
    assert all(hash_of(e) == e.hash for e in events)


def test_every_event_says_who_acted() -> None:
    case = new_case()
    with pytest.raises(AuditMissingError):
        case.alert_partners(
            audit=Audit(actor_id="", role="", recorded_at=audit_on(TODAY).recorded_at),
            on=TODAY,
            recipients=["police"],
        )


def test_the_stage_names_the_last_milestone_reached() -> None:
    case = new_case()
    assert case.stage == "referred"
    case.alert_partners(audit=audit_on(TODAY), on=TODAY, recipients=["police"])
    assert case.stage == "partners_alerted"
    case.recommend_criteria(audit=audit_on(TODAY), on=TODAY, recommendation="met", rationale="r")
    assert case.stage == "recommendation_made"
    case.close_case(audit=audit_on(TODAY), on=TODAY, reason="Duplicate")
    assert case.stage == "closed"
    case.reopen_case(audit=audit_on(TODAY), on=TODAY, reason="Not a duplicate after all")
    assert case.stage == "recommendation_made"


def test_a_care_leavers_death_is_notified_with_no_rapid_review() -> None:
    case = new_serious_incident(
        TODAY,
        details=referral_details(care_leaver=True),
        incident=Incident(kind="death", occurred_on=date(2027, 1, 1)),
    )
    a = audit_on(TODAY)
    for p in ("local_authority", "police", "icb"):
        case.record_partner_decision(audit=a, on=TODAY, partner=p, decision="met", rationale="-")
    case.decide_criteria(audit=a, on=TODAY, outcome="met", rationale="-")
    case.notify_national_panel(
        audit=a, on=TODAY, notified_by="DCS", secretary_of_state_and_ofsted=True
    )
    with pytest.raises(WrongStageError, match="with no rapid review"):
        case.start_rapid_review(audit=a, on=TODAY, meeting_on=date(2027, 1, 15))


def test_a_no_harm_incident_is_not_a_serious_incident() -> None:
    with pytest.raises(InvalidValueError, match="refer no-harm incidents for practice learning"):
        Case.refer_serious_incident(
            id=uuid4(),
            audit=audit_on(TODAY),
            reference="R",
            partnership="LEW",
            area="Lewisham",
            received_on=TODAY,
            aware_on=None,
            details=referral_details(),
            incident=Incident(kind="no_harm", occurred_on=TODAY),
        )
