"""The report of the rapid review (seed 001 appendix iv) for the seed scenario, read back
from the PDF and the DOCX and checked field by field against the events; rendered at an
earlier version it differs from the current one exactly where later events changed the
case."""

from __future__ import annotations

import difflib
from datetime import date

import pytest

from application.acts import CorrectDetails, HoldMeeting
from application.service import Safeguarding
from documents.formats import Format
from documents.layout import long_date
from documents.service import Kind
from domain.values import Participant
from entrypoints import bootstrap
from tests.integration.documents.conftest import ASKED, Seeded
from tests.support.clock import FakeClock
from tests.support.documents import flat, text_of
from tests.support.people import QUORATE, ctx
from tests.support.scenario import decide_met, notify_and_scope, refer, return_all_scoping


def report(seeded: Seeded, fmt: Format = Format.PDF, version: int | None = None) -> str:
    rendered = seeded.documents.case_document(
        ASKED, seeded.case_id, Kind.RAPID_REVIEW_REPORT, fmt, version=version
    )
    return text_of(rendered.content(), fmt)


CRITERIA = {
    "improvements_needed": "highlights or may highlight improvements needed to safeguard",
    "recurrent_themes": "highlights or may highlight recurrent themes",
    "agencies_working_together": "highlights or may highlight concerns regarding two or more",
    "panel_suggested_local_review": "is one which the Child Safeguarding Practice Review Panel",
    "single_agency_concern": "safeguarding partners have cause for concern about the actions",
    "no_agency_involvement_concern": "there has been no agency involvement",
    "more_than_one_area": "more than one local authority, police area",
    "institutional_setting": "the case may raise issues relating to safeguarding or promoting",
}
RECOMMENDATIONS = {
    "a_national_cspr": "a) Meets the criteria for a national Child Safeguarding Practice Review",
    "b_local_cspr": "b) Meets the criteria for a local Child Safeguarding Practice Review",
    "c_alternative_learning_review": "c) Does not meet the criteria but warrants an alternative",
    "d_consider_dhr_sar_mappa_other": "d) Warrants consideration of DHR, SAR, MAPPA SFO or other",
    "e_single_agency_review": "e) Warrants a Single-Agency Review",
    "f_multi_agency_audit": "f) Warrants a Multi-Agency Audit",
    "g_single_agency_audit": "g) Warrants a Single Agency Audit",
    "h_no_further_action": "h) Needs no Further Action",
    "i_learning_acted_upon": "i) The Rapid Review has identified learning that has been acted",
    "j_other": "j) Other",
}


def ticks(text: str, meeting: object) -> None:
    """Exactly the meeting's criteria and recommendation are ticked, every other box not."""
    criteria = set(getattr(meeting, "criteria", ()))
    for key, words in CRITERIA.items():
        assert f"{'☒' if key in criteria else '☐'} {words}" in text, key
    assert f"{'☒' if 'none_of_the_above' in criteria else '☐'} None of the above" in text
    for key, words in RECOMMENDATIONS.items():
        ticked = key == getattr(meeting, "recommendation", None)
        assert f"{'☒' if ticked else '☐'} {words}" in text, key


@pytest.mark.parametrize("fmt", [Format.PDF, Format.DOCX])
def test_the_report_shows_the_meeting_the_family_the_approvals_and_the_submission(
    seeded: Seeded, fmt: Format
) -> None:
    text = flat(report(seeded, fmt))
    referred = seeded.last("SeriousIncidentReferred")
    meeting = seeded.last("RapidReviewMeetingHeld")
    submitted = seeded.last("RapidReviewSubmitted")
    notified = seeded.last("NationalPanelNotified")
    expected = [
        "REPORT OF RAPID REVIEW DECISIONS AND RECOMMENDATIONS FOR SUBMISSION TO NATIONAL "
        "CHILD SAFEGUARDING PRACTICE REVIEW PANEL",
        f"Panel reference: {notified.panel_reference}",
        f"Name of Child: {referred.details.child.name}",
        f"Date of Rapid Review: {long_date(meeting.on)} (face to face)",
        *(f"{p.name} {p.role} {p.agency}" for p in meeting.participants),
        *(
            f"{m.name} {m.address} {m.relationship} {long_date(m.date_of_birth)}"
            for m in referred.details.family
        ),
        f"the incident that triggered this rapid review: {referred.details.outline}",
        # the meeting recorded no documentation (as before it could): what the case holds
        "The completed Referral of a Serious Incident Form that initiated the process "
        f"(received {long_date(referred.received_on)})",
        "The Local Authority Serious Incident Notification to Ofsted, DfE and the national "
        f"Panel ({long_date(notified.on)}, reference {notified.panel_reference})",
        "Copies of the completed Initial Scoping and Information Sharing Forms from involved "
        "agencies: "
        + "; ".join(
            f"{e.agency} (returned {long_date(e.on)})"
            for e in seeded.events()
            if type(e).__name__ == "ScopingReturned"
        ),
        "share any learning appropriately? ☒ Yes ☐ No",
        f"When will these be taken and by whom? {meeting.immediate_action_details}",
        f"the outcome should be summarised: {meeting.discussion}",
        f"Nature of harm: {meeting.nature_of_harm}",
        "If yes, please give details. ☐ Yes ☒ No",
        f"other review options must be considered. {meeting.rationale}",
        "Agreement of participants: unanimous",
        f"Date this form submitted to the National Panel: {long_date(submitted.on)}",
    ]
    for e in seeded.events():
        if type(e).__name__ == "RapidReviewReportApproved":
            partner = {"local_authority": "Local authority", "police": "Police"}.get(
                e.partner, "Integrated care board (ICB)"
            )
            expected.append(f"{partner} {e.approver} {long_date(e.on)}")
    for line in expected:
        assert flat(line) in text, line
    ticks(text, meeting)
    assert "Dissent recorded" not in text


@pytest.mark.parametrize("fmt", [Format.PDF, Format.DOCX])
def test_a_meeting_not_unanimous_shows_its_dissent_legal_advice_and_please_state(
    tracker: Safeguarding, clock: FakeClock, fmt: Format
) -> None:
    app = tracker
    case_id = refer(app, clock)
    decide_met(app, clock, case_id)
    notify_and_scope(app, clock, case_id)
    return_all_scoping(app, clock, case_id)
    clock.set_day(date(2027, 1, 14))
    app.execute(
        ctx(),
        HoldMeeting(
            case_id=case_id,
            on=date(2027, 1, 14),
            format="video",
            participants=(*QUORATE, Participant("Ola Officer", "Probation officer", "Probation")),
            immediate_action_taken=False,
            immediate_action_details="A strategy meeting | by Friday *next* week.",
            criteria=["none_of_the_above"],
            documentation=["jar_minutes", "referral_form"],
            discussion="Line one of the discussion.\nLine two # not a heading.",
            nature_of_harm="Fractures.",
            legal_advice_sought=True,
            legal_advice_details="Counsel's advice on disclosure.",
            recommendation="d_consider_dhr_sar_mappa_other",
            recommendation_other="A Domestic Homicide Review referral.",
            rationale="The adults' histories.",
            unanimous=False,
            dissent="Police would have preferred a local CSPR.",
        ),
    )
    seeded = Seeded(app, case_id, bootstrap.documents(app))
    text = flat(report(seeded, fmt))
    meeting = seeded.last("RapidReviewMeetingHeld")
    for line in (
        "(video conference)",
        "Ola Officer Probation officer Probation",
        "share any learning appropriately? ☐ Yes ☒ No",
        "A strategy meeting | by Friday *next* week.",  # the value's markup stays text
        "Line one of the discussion. Line two # not a heading.",
        "If yes, please give details. ☒ Yes ☐ No Counsel's advice on disclosure.",
        "or other Please state: A Domestic Homicide Review referral.",
        "Agreement of participants: not unanimous Dissent recorded: Police would have "
        "preferred a local CSPR.",
        "Date this form submitted to the National Panel:",
        # the documentation as the meeting recorded it
        "Minutes of a Joint Agency Response meeting",
        "The completed Referral of a Serious Incident Form that initiated the process",
    ):
        assert line in text, line
    assert "Copies of the completed Initial Scoping" not in text
    ticks(text, meeting)
    assert "Local authority Date of approval" not in text  # approvals table is still blank
    assert "Date this form submitted to the National Panel: 1" not in text


def test_an_earlier_version_differs_exactly_where_later_events_changed_the_case(
    seeded: Seeded, clock: FakeClock
) -> None:
    app = seeded.app
    approved = seeded.last("RapidReviewReportApproved", partner="icb")
    clock.set_day(date(2027, 2, 8))
    app.execute(
        ctx(),
        CorrectDetails(
            case_id=seeded.case_id,
            what="child.name",
            new_value="Quillon Marchbanks-Ore",
            reason="Double-barrelled surname confirmed by the school.",
        ),
    )
    before, before_record = report(seeded, version=approved.originator_version).split(
        "Document record:"
    )
    now, now_record = report(seeded).split("Document record:")
    changed = {
        line
        for line in difflib.ndiff(before.splitlines(), now.splitlines())
        if line[:1] in "+-" and line[2:].strip()
    }
    submitted = seeded.last("RapidReviewSubmitted")
    assert changed == {
        "- Name of Child: Quillon Marchbanks",
        "+ Name of Child: Quillon Marchbanks-Ore",
        "- Date this form submitted to the National Panel:",
        f"+ Date this form submitted to the National Panel: {long_date(submitted.on)}",
    }
    # and each states the version it reflects, with that version's event hash
    last = seeded.events()[-1]
    assert f"version {approved.originator_version}," in before_record
    assert approved.hash in flat(before_record).replace(" ", "")
    assert f"version {last.originator_version}," in now_record
    assert last.hash in flat(now_record).replace(" ", "")
