"""Every value type round-trips through the stored form, so hashes survive storage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from application.transcodings import register_domain_transcodings
from domain.case import Case
from domain.chain import hash_of
from domain.values import Audit
from tests.support.people import referral_details, serious_harm


def test_a_referral_event_decodes_to_an_equal_event_with_the_same_hash() -> None:
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    register_domain_transcodings(transcoder)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)
    audit = Audit(actor_id="a", role="agency", recorded_at=datetime(2026, 12, 23, 9, tzinfo=UTC))
    case = Case.refer_serious_incident(
        id=uuid4(),
        audit=audit,
        reference="LEW-2026-0001",
        partnership="LEW",
        area="Lewisham",
        received_on=date(2026, 12, 23),
        aware_on=None,
        details=referral_details(),
        incident=serious_harm(date(2026, 12, 20)),
    )
    [event] = case.collect_events()

    decoded = mapper.to_domain_event(mapper.to_stored_event(event))

    assert vars(decoded) == vars(event)
    assert hash_of(decoded) == event.hash == hash_of(event)  # type: ignore[attr-defined]
