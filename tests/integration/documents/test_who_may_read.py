"""Who may have a case's documents (DESIGN §5), and the access log of every read of the
family's personal data, written before the document is handed out."""

from __future__ import annotations

import pytest

from application.access import AccessLog
from application.context import Principal
from application.errors import NotFoundError, NotPermittedError
from documents.formats import DocumentError, Format
from documents.service import Asked, Kind
from domain.errors import WrongCaseKindError
from domain.values import Role
from tests.integration.documents.conftest import Seeded
from tests.support.people import ANALYST, HIL_STAFF, SCRUTINEER, STAFF, agency
from tests.support.scenario import AGENCIES


def read(seeded: Seeded, who: Principal, kind: Kind, agency_: str | None = None) -> bytes:
    asked = Asked(who, "req-1", f"GET /api/v1/cases/{{id}}/documents/{kind.value}")
    return seeded.documents.case_document(
        asked, seeded.case_id, kind, Format.PDF, agency=agency_
    ).content()


def test_an_agency_gets_its_own_scoping_pack_and_no_other(seeded: Seeded) -> None:
    police = agency(AGENCIES[1])
    assert read(seeded, police, Kind.SCOPING_PACK).startswith(b"%PDF")
    assert read(seeded, police, Kind.SCOPING_PACK, AGENCIES[1]).startswith(b"%PDF")
    with pytest.raises(NotPermittedError):
        read(seeded, police, Kind.SCOPING_PACK, AGENCIES[0])
    with pytest.raises(NotPermittedError):
        read(seeded, police, Kind.RAPID_REVIEW_REPORT)
    with pytest.raises(NotFoundError):  # an agency asked nothing of this case
        read(seeded, agency("Imaginary Housing"), Kind.SCOPING_PACK)


def test_analysts_admins_and_other_partnerships_get_no_case_document(seeded: Seeded) -> None:
    admin = Principal("admin", Role.ADMIN, "", ("LEW",))
    for who in (ANALYST, admin):
        for kind in Kind:
            with pytest.raises(NotPermittedError):
                read(seeded, who, kind, AGENCIES[0])
    with pytest.raises(NotFoundError):
        read(seeded, HIL_STAFF, Kind.RAPID_REVIEW_REPORT)


def test_staff_name_the_agency_of_the_pack_they_want(seeded: Seeded) -> None:
    with pytest.raises(DocumentError) as refused:
        read(seeded, STAFF, Kind.SCOPING_PACK)
    assert refused.value.code == "agency_required"
    with pytest.raises(NotFoundError):
        read(seeded, STAFF, Kind.SCOPING_PACK, "Imaginary Housing")


def test_each_read_of_a_document_with_personal_data_is_in_the_access_log(seeded: Seeded) -> None:
    log = AccessLog(seeded.app.datastore)
    police = agency(AGENCIES[1])
    read(seeded, police, Kind.SCOPING_PACK)
    read(seeded, SCRUTINEER, Kind.RAPID_REVIEW_REPORT)
    read(seeded, STAFF, Kind.PANEL_LETTER)  # names no one: not a read of personal data
    entries = log.read(partnerships=["LEW"], case_id=str(seeded.case_id))
    assert [(e.principal_id, e.role, e.operation) for e in entries] == [
        (police.id, "agency", "GET /api/v1/cases/{id}/documents/scoping-pack"),
        (SCRUTINEER.id, "scrutineer", "GET /api/v1/cases/{id}/documents/rapid-review-report"),
    ]
    assert all(e.request_id == "req-1" and e.reference == "LEW-2026-0001" for e in entries)
    assert "family" in entries[0].fields
    assert "child" in entries[0].fields


def test_a_refused_read_writes_nothing_to_the_access_log(seeded: Seeded) -> None:
    with pytest.raises(NotPermittedError):
        read(seeded, agency(AGENCIES[1]), Kind.SCOPING_PACK, AGENCIES[0])
    log = AccessLog(seeded.app.datastore)
    assert log.read(partnerships=["LEW"], case_id=str(seeded.case_id)) == []


def test_a_practice_learning_referral_has_no_rapid_review_documents(seeded: Seeded) -> None:
    from application.acts import ReferPracticeLearning
    from tests.support.people import ctx, referral_details

    made = seeded.app.execute(
        ctx(),
        ReferPracticeLearning(
            partnership="LEW",
            area="Lewisham",
            received_on=seeded.app.today(),
            details=referral_details(),
            category="near_miss",
            learning="How the handover worked.",
        ),
    )
    with pytest.raises(WrongCaseKindError):
        seeded.documents.case_document(Asked(STAFF), made.id, Kind.RAPID_REVIEW_REPORT, Format.PDF)
