"""The tracker report of a partnership as at a day (seed 004 §6.1), in PDF and XLSX, read
through the read models: every open case and review, their clocks, the actions overdue by
owner agency; the read models' position and the event hash at it."""

from __future__ import annotations

from datetime import date

import pytest

from application.acts import AgreeAction, CommissionReview
from application.context import Principal
from application.errors import NotPermittedError
from application.service import Safeguarding
from documents.formats import DocumentError, Format
from documents.service import Asked
from entrypoints import bootstrap
from tests.support.clock import FakeClock
from tests.support.documents import flat, pdf_text, xlsx_rows
from tests.support.people import ANALYST, LA, SCRUTINEER, STAFF, agency, ctx
from tests.support.scenario import AGENCIES, decide_met, notify_and_scope, refer

AS_AT = date(2027, 1, 20)


@pytest.fixture
def reported(tracker: Safeguarding, clock: FakeClock) -> Safeguarding:
    """The seed case with its scoping sent and nothing returned, a review commissioned on
    it with an action overdue, as at Wed 20 Jan 2027; the read models caught up."""
    app = tracker
    case_id = refer(app, clock)
    decide_met(app, clock, case_id)
    notify_and_scope(app, clock, case_id)
    clock.set_day(date(2027, 1, 5))
    review = app.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 1, 5), case_ids=[case_id]
        ),
    )
    app.execute(
        ctx(),
        AgreeAction(
            review_id=review.id,
            on=date(2027, 1, 5),
            description="Joint training.",
            owner_agency="Metropolitan Police",
            due_on=date(2027, 1, 15),
        ),
    )
    clock.set_day(AS_AT)
    projector = bootstrap.projector(app)
    projector.setup()
    projector.catch_up()
    projector.store.close()
    return app


def report(app: Safeguarding, fmt: Format, who: Principal = STAFF) -> tuple[bytes, object]:
    rendered = bootstrap.documents(app).tracker_report(Asked(who), "LEW", AS_AT, fmt)
    return rendered.content(), rendered.stamp


def test_the_pdf_lists_every_open_case_review_overdue_clock_and_overdue_action(
    reported: Safeguarding,
) -> None:
    content, stamp = report(reported, Format.PDF)
    text = flat(pdf_text(content))
    for line in (
        "Tracker report: Lewisham Safeguarding Children Partnership As at 20 January 2027",
        "ensure no situations are lost",
        # the referrer not yet told, three scoping returns, the meeting and the action
        "Open cases Open reviews Clocks overdue Actions overdue 1 1 6 1",
        "LEW-2026-0001 Lewisham serious incident 2026-12-23 scoping met 2026-12-31",
        "referrer informed of the outcome 2027-01-07 5",
        "LEW-2026-0001 referrer informed of the outcome 2026-12-30 2027-01-07 9",
        "LEW-2026-0001 rapid review meeting held 2026-12-31 2027-01-18 2",
        "LEW-R-2027-0001 local cspr LEW-2026-0001 2027-01-05 in progress 2027-07-05 pending",
        "LEW-R-2027-0001 action completed A1 2027-01-05 2027-01-15 3",
        # by owner: due Fri 15 Jan, 3 working days overdue on Wed 20 Jan
        "Actions overdue, by owner agency Owner agency Review Action Due Working days "
        "overdue Metropolitan Police LEW-R-2027-0001 A1 2027-01-15 3",
    ):
        assert line in text, line
    for name in AGENCIES:  # each agency's scoping return is overdue since Mon 11 Jan
        assert f"scoping form returned {name} 2027-01-04 2027-01-11 7" in text, name
    assert "Quillon" not in text  # no names in the report
    assert stamp is not None
    assert f"log position {stamp.position}" in text  # type: ignore[attr-defined]


def test_the_workbook_has_a_sheet_per_section(reported: Safeguarding) -> None:
    content, _ = report(reported, Format.XLSX, SCRUTINEER)
    summary = xlsx_rows(content, 1)
    assert summary[1] == ["Tracker report", "Lewisham Safeguarding Children Partnership"]
    assert ["Open cases", "1"] in summary
    assert ["Overdue actions", "1"] in summary
    cases = xlsx_rows(content, 2)
    assert cases[0][:5] == ["Reference", "Area", "Kind", "Received", "Stage"]
    assert cases[1][0] == "LEW-2026-0001"
    assert cases[1][4] == "scoping"
    clocks = xlsx_rows(content, 3)
    assert sorted(r[2] for r in clocks[1:] if r[1] == "scoping form returned") == sorted(AGENCIES)
    actions = xlsx_rows(content, 5)
    assert actions[1][0] == "Metropolitan Police"
    assert actions[1][2] == "A1"


def test_the_same_day_and_position_give_the_same_bytes(reported: Safeguarding) -> None:
    for fmt in (Format.PDF, Format.XLSX):
        assert report(reported, fmt)[0] == report(reported, fmt, LA)[0]


def test_the_report_is_for_staff_partners_and_the_scrutineer(reported: Safeguarding) -> None:
    documents = bootstrap.documents(reported)
    for who in (ANALYST, agency(AGENCIES[0])):
        with pytest.raises(NotPermittedError):
            documents.tracker_report(Asked(who), "LEW", AS_AT, Format.PDF)
    with pytest.raises(NotPermittedError):
        documents.tracker_report(Asked(STAFF), "HIL", AS_AT, Format.PDF)
    with pytest.raises(DocumentError) as refused:
        documents.tracker_report(Asked(STAFF), "LEW", date(2027, 1, 21), Format.PDF)
    assert refused.value.code == "bad_argument"
