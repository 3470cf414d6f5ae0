"""The scoping pack of each agency of the seed scenario (seed 001 appendices ii and iii),
its text read back from the PDF and the DOCX and checked field by field against the
events, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from application.acts import ReferSeriousIncident
from application.eventstore import position_of
from application.service import Safeguarding
from application.views import scoping_view
from documents.formats import Format
from documents.layout import long_date
from documents.service import Kind
from domain.clocks import ClockName, case_clocks
from domain.values import FamilyMember
from entrypoints import bootstrap
from tests.integration.documents.conftest import ASKED, Seeded
from tests.support.clock import FakeClock
from tests.support.documents import flat, text_of
from tests.support.people import MASH, ctx, referral_details, serious_harm
from tests.support.scenario import AGENCIES, RECEIVED, decide_met, notify_and_scope


def pack(seeded: Seeded, agency: str, fmt: Format, version: int | None = None) -> str:
    rendered = seeded.documents.case_document(
        ASKED, seeded.case_id, Kind.SCOPING_PACK, fmt, agency=agency, version=version
    )
    return flat(text_of(rendered.content(), fmt))


@pytest.mark.parametrize("fmt", [Format.PDF, Format.DOCX])
def test_each_agency_s_pack_carries_its_letter_its_section_1_and_its_answers(
    seeded: Seeded, fmt: Format
) -> None:
    app = seeded.app
    case = app.latest(seeded.case_id)
    referred = seeded.last("SeriousIncidentReferred")
    child, mother = referred.details.child, referred.details.family[0]
    for agency in AGENCIES:
        text = pack(seeded, agency, fmt)
        requested = seeded.last("ScopingRequested", agency=agency)
        returned = seeded.last("ScopingReturned", agency=agency)
        secured = seeded.last("AgencyRecordsSecured", agency=agency)
        # the submission date is the scoping clock's due day
        (clock,) = [
            c
            for c in case_clocks(case, app.today(), app.timescales("LEW"), app.calendar)
            if c.name is ClockName.SCOPING_RETURNED and c.subject == agency
        ]
        due = long_date(clock.due_on)
        assert clock.due_on == scoping_view(case, case.scoping[agency], []).due_on
        letter = [
            long_date(requested.on),
            f"To: Named Representative of {agency} ({requested.contact})",
            f"Our reference: {case.reference}",
            f"Dear Named Representative of {agency},",
            "Child Safeguarding Practice Review – Initial Scoping and Information Sharing",
            "1. Clarify whether your organisation had any involvement with the subject child",
            "3. Secure all records/files in relation to this case, ensuring that they are "
            "removed to a secure place where they are not accessible to agency personnel",
            "4. Keep your agency's submission in relation to this case separate from the case "
            "records/files.",
            "returned to us at the address included on the form within 5 working days. "
            f"In this case this will be {due}.",
            "please contact the Partnership Business Manager on 020 7946 0002",
            "Yours sincerely, Chair of the Learning From Practice Group",
        ]
        form = [
            "INITIAL SCOPING AND INFORMATION SHARING FORM FOR A RAPID REVIEW",
            f"within 5 working days, that is by {due}.",
            f"Records secured and kept separate: confirmed on {long_date(secured.on)}",
            f"Summary of Case: {referred.details.outline}",
            f"Incident: serious harm on {long_date(referred.incident.occurred_on)}",
            "Indicative time period to be looked at:",
            f"SUBJECT CHILD: {child.name}",
            f"National health number: {child.nhs_number}",
            f"D.O.B: {long_date(child.date_of_birth)}",
            f"Home Address: {child.address}",
            f"MOTHER: {mother.name} Also known as: D.O.B: {long_date(mother.date_of_birth)} "
            f"Home address: {mother.address}",
            "FATHER: Also known as: D.O.B: Home address: Previous addresses:",
            # section 2 as the agency returned it
            "Involvement with the subject child or family: ☒ Yes ☐ No",
            returned.summary,
            returned.analysis,
            f"{returned.completed_by.name} {returned.completed_by.agency}, "
            f"{returned.completed_by.title}",
            f"Date completed: {long_date(returned.on)}",
            f"no later than {clock.due_on:%A}, {long_date(clock.due_on)} at 5.00 pm",
        ]
        for expected in (*letter, *form):
            assert flat(expected) in text, (agency, expected)
        for other in AGENCIES:
            if other != agency:
                assert f"Representative of {other}" not in text


@pytest.mark.parametrize("fmt", [Format.PDF, Format.DOCX])
def test_a_pack_states_the_version_log_position_and_hash_it_reflects(
    seeded: Seeded, fmt: Format
) -> None:
    last = seeded.events()[-1]
    position = position_of(seeded.app.recorder, seeded.case_id, last.originator_version)
    text = pack(seeded, AGENCIES[0], fmt)
    reference = seeded.app.latest(seeded.case_id).reference
    assert (
        f"case {reference}, version {last.originator_version}, log position {position}, "
        f"event hash {last.hash}"
    ) in text


def test_a_pack_sent_before_the_agency_answered_leaves_sections_2_and_3_for_it(
    seeded: Seeded,
) -> None:
    agency = AGENCIES[1]
    requested = seeded.last("ScopingRequested", agency=agency)
    text = pack(seeded, agency, Format.PDF, version=requested.originator_version)
    assert "Records secured and kept separate: not yet confirmed" in text
    assert "Involvement with the subject child or family: ☐ Yes ☐ No" in text
    assert "Known to the service since 2024." not in text
    assert "Date completed: Background Information" in text  # left blank
    assert "SUBJECT CHILD: Quillon Marchbanks" in text  # section 1 filled in before it goes


def test_section_1_lists_each_family_member_with_also_known_as_and_previous_addresses(
    tracker: Safeguarding, clock: FakeClock
) -> None:
    details = referral_details()
    assert details.child is not None
    child = dataclasses.replace(
        details.child, also_known_as="Q.M.", previous_addresses=("9 Former Close, Leeds",)
    )
    family = (
        FamilyMember("Ysolde Marchbanks", "Mother", "1 Imaginary Row, London", date(1994, 3, 3),
                     also_known_as="Ysolde Ore", previous_addresses=("4 Old Lane, Leeds",)),
        FamilyMember("Ivo Marchbanks", "father", "7 Other Road, Croydon"),
        FamilyMember("Pell Marchbanks", "half-sister", "1 Imaginary Row, London",
                     date(2016, 5, 1)),
        FamilyMember("Rook Tallis", "mother's partner", "1 Imaginary Row, London"),
    )  # fmt: skip
    clock.set_day(RECEIVED)
    case_id = tracker.execute(
        ctx(MASH),
        ReferSeriousIncident(
            partnership="LEW",
            area="Lewisham",
            received_on=RECEIVED,
            details=dataclasses.replace(details, child=child, family=family),
            incident=serious_harm(date(2026, 12, 20)),
        ),
    ).id
    decide_met(tracker, clock, case_id)
    notify_and_scope(tracker, clock, case_id)
    rendered = bootstrap.documents(tracker).case_document(
        ASKED, case_id, Kind.SCOPING_PACK, Format.DOCX, agency=AGENCIES[0]
    )
    text = flat(text_of(rendered.content(), Format.DOCX))
    for line in (
        "SUBJECT CHILD: Quillon Marchbanks Also known as: Q.M.",
        "Previous addresses: 9 Former Close, Leeds",
        "MOTHER: Ysolde Marchbanks Also known as: Ysolde Ore D.O.B: 3 March 1994 Home "
        "address: 1 Imaginary Row, London Previous addresses: 4 Old Lane, Leeds",
        "FATHER: Ivo Marchbanks Also known as: D.O.B: Home address: 7 Other Road, Croydon",
        "SIBLINGS: Pell Marchbanks Also known as: D.O.B: 1 May 2016",
        "SIGNIFICANT ADULTS / OTHERS: Rook Tallis (mother's partner) Home address: 1 "
        "Imaginary Row, London",
        "Indicative time period to be looked at:",
        "Involvement with the subject child or family: ☐ Yes ☐ No",
    ):
        assert line in text, line
