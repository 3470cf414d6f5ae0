"""The covering letter to the national Panel (seed 001 appendix v): addressed to the Panel
chair configured for the deployment, dated the day of submission, with the case and Panel
references, the conclusion in the letter's own wording and the three endorsements."""

from __future__ import annotations

import dataclasses

import pytest

from application.config import NationalPanel, Signatory
from documents.formats import Format
from documents.layout import long_date
from documents.service import Kind
from tests.integration.documents.conftest import ASKED, Seeded
from tests.support.documents import flat, text_of


def letter(seeded: Seeded, fmt: Format, version: int | None = None) -> str:
    rendered = seeded.documents.case_document(
        ASKED, seeded.case_id, Kind.PANEL_LETTER, fmt, version=version
    )
    return flat(text_of(rendered.content(), fmt))


@pytest.mark.parametrize("fmt", [Format.PDF, Format.DOCX])
def test_the_letter_states_the_conclusion_and_its_endorsement_in_the_seed_s_words(
    seeded: Seeded, fmt: Format
) -> None:
    text = letter(seeded, fmt)
    referred = seeded.last("SeriousIncidentReferred")
    notified = seeded.last("NationalPanelNotified")
    submitted = seeded.last("RapidReviewSubmitted")
    approvals = [e for e in seeded.events() if type(e).__name__ == "RapidReviewReportApproved"]
    for line in (
        "Lewisham Safeguarding Children Partnership 2 Example Road London SE6 0XX",
        f"Date: {long_date(submitted.on)}",
        "Edward Timpson CBE, Chair Child Safeguarding Practice Review Panel Sanctuary "
        "Buildings 20 Great Smith Street London SW1P 3BT",
        "Dear Edward Timpson CBE,",
        f"Decision of the Rapid Review of {referred.reference} (Panel reference "
        f"{notified.panel_reference}, notified on {long_date(notified.on)})",
        "I am writing to you in your capacity as Chair of the Child Safeguarding Practice "
        "Review Panel.",
        "received notification of a serious incident which may meet the criteria for a child "
        f"safeguarding practice review on {long_date(referred.received_on)}",
        "This Rapid Review included a representative from each of the Safeguarding Partners "
        "and concluded that the case meets the criteria for a local Child Safeguarding "
        "Practice Review.",
        "This decision has been endorsed by the three lead representatives for our "
        "Safeguarding Partnership:",
        "Yours sincerely Strategic Safeguarding Partnership Lead Lewisham Safeguarding "
        "Children Partnership Enc: Rapid Review Template",
    ):
        assert line in text, line
    for e in approvals:
        assert f"{e.approver}, {long_date(e.on)}" in text
    assert len(approvals) == 3


def test_before_the_third_approval_the_letter_says_whose_endorsement_it_awaits(
    seeded: Seeded,
) -> None:
    police = seeded.last("RapidReviewReportApproved", partner="police")
    text = letter(seeded, Format.PDF, version=police.originator_version)
    assert (
        "This decision awaits the endorsement of the lead representatives for our "
        "Safeguarding Partnership (Integrated care board (ICB)); endorsed so far:"
    ) in text
    assert f"Date: {long_date(police.on)}" in text  # not submitted yet: the version's day


def test_the_panel_chair_and_the_signatory_come_from_the_deployment_s_configuration(
    seeded: Seeded,
) -> None:
    app = seeded.app
    lew = app.partnerships.get("LEW")
    app.partnerships = dataclasses.replace(
        app.partnerships,
        by_code={
            **app.partnerships.by_code,
            "LEW": dataclasses.replace(
                lew,
                signatories={
                    **lew.signatories,
                    "panel_letter": Signatory("Rowan Example", "Independent Chair"),
                },
            ),
        },
        national_panel=NationalPanel(
            addressee=("Dr A. N. Other, Chair", "The Panel", "1 Example Street", "London"),
            salutation="Dr Other",
        ),
    )
    text = letter(seeded, Format.DOCX)
    assert "Dr A. N. Other, Chair The Panel 1 Example Street London" in text
    assert "Dear Dr Other," in text
    assert "Yours sincerely Rowan Example Independent Chair" in text
    assert "Edward Timpson" not in text
