"""Every page, as each role that signs in sees it: partnership staff, a partner, the
scrutineer and an analyst; what each sees and does not see, with axe-core's serious and
critical findings on every page (none), and no request to any other origin (the fixture)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from application.access import AccessLog
from tests.e2e.web.conftest import TODAY, Site, Visit
from tests.support.people import CHILD_NAME
from tests.support.scenario import refer

PAGES = ("/", "/deadlines", "/reviews", "/actions", "/statistics")


def accessible(visit: Visit, path: str) -> str:
    """Open ``path``, check it with axe-core, and answer its text."""
    visit.go(path)
    assert visit.axe() == [], path
    return visit.text()


def reference(site: Site, case_id: UUID) -> str:
    return str(site.tracker.repository.get(case_id).reference)


def test_partnership_staff_see_every_page_with_the_details_and_nothing_of_another_partnership(
    site: Site,
) -> None:
    visit = site.visit("staff")
    cases = site.cases
    walked, fresh, hil = (reference(site, c) for c in (cases.walked, cases.fresh, cases.hil))

    text = accessible(visit, "/")
    # from the keyboard: the first Tab reaches the skip link, which moves focus to the page
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("document.activeElement.textContent") == "Skip to main content"
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("document.activeElement.id") == "main-content"
    assert walked in text
    assert fresh in text
    assert hil not in text  # another partnership's case
    assert CHILD_NAME not in text  # the tracker names no one
    assert "Signed in as staff" in text
    assert "Access log" not in visit.page.inner_text("nav")

    # the next due first: the walked case's overdue clock, highlighted, before today's
    rows = visit.page.locator("#cases tbody tr")
    assert rows.count() == 2
    assert walked in rows.nth(0).inner_text()
    assert "1 overdue" in rows.nth(0).inner_text()
    assert "tracker-row--overdue" in (rows.nth(0).get_attribute("class") or "")
    assert "Partners alerted, due 4 March 2027" in rows.nth(1).inner_text()
    assert "tracker-row--overdue" not in (rows.nth(1).get_attribute("class") or "")

    text = accessible(visit, f"/cases/{site.cases.walked}")
    assert CHILD_NAME in visit.page.inner_text("#personal")
    assert "Panel responded" in visit.page.inner_text("#tracked")
    history = visit.page.locator("#history tbody tr")
    assert history.count() == len(list(site.tracker.events.get(site.cases.walked)))
    assert "SeriousIncidentReferred" in history.nth(0).inner_text()
    assert "The hash chain holds" in visit.page.inner_text("#integrity")
    # the timeline and its text equivalent
    svg = visit.page.locator("svg.tracker-chart")
    assert svg.get_attribute("role") == "img"
    assert visit.page.locator("#clocks tbody tr").count() >= 10
    assert "Scoping pack for Metropolitan Police" in visit.page.inner_text("#documents")
    assert "See the case as it stood" not in text  # the scrutineer's

    # the read of the child's details is in the access log, as GraphQL logs it
    log = AccessLog(site.tracker.datastore).read(partnerships=["LEW"])
    assert sorted((e.principal_id, e.operation, e.reference) for e in log) == [
        ("staff", "case.personal", walked),
        ("staff", "caseHistory", walked),  # who acted: the person, where an agency named one
    ]

    text = accessible(visit, "/deadlines")
    assert fresh in visit.page.inner_text("#week")
    assert "Partners alerted" in visit.page.inner_text("#week")
    text = accessible(visit, "/reviews")
    assert "Local cspr" in text or "Local CSPR" in text
    assert walked in visit.page.inner_text("#reviews")
    text = accessible(visit, "/actions")
    assert "Metropolitan Police: 1 overdue" in text
    assert "1 March 2027" in text
    text = accessible(visit, "/statistics")
    assert visit.page.locator("#timeliness tbody tr").count() > 5
    assert visit.page.locator("svg.tracker-chart").count() == 2

    # another partnership's case is not found, as on every surface
    visit.go(f"/cases/{site.cases.hil}")
    assert "no such case" in visit.text()
    assert visit.axe() == []
    # the scrutineer's pages are refused
    visit.go("/access-log")
    assert "the scrutineer's" in visit.text()


def test_a_partner_reads_the_case_and_its_history_but_not_the_scrutineers_pages(
    site: Site,
) -> None:
    visit = site.visit("la")
    for path in PAGES:
        accessible(visit, path)
    accessible(visit, f"/cases/{site.cases.walked}")
    assert CHILD_NAME in visit.page.inner_text("#personal")
    assert visit.page.locator("#history tbody tr").count() > 10
    visit.go(f"/cases/{site.cases.walked}/as-at?version=3")
    assert "the scrutineer's" in visit.text()


def test_the_scrutineer_replays_a_case_and_reads_the_access_log(site: Site) -> None:
    staff = site.visit("staff")
    staff.go(f"/cases/{site.cases.walked}")
    visit = site.visit("scrutineer")
    for path in PAGES:
        accessible(visit, path)
    text = accessible(visit, f"/cases/{site.cases.walked}")
    assert "See the case as it stood" in text

    accessible(visit, f"/cases/{site.cases.walked}/as-at")
    visit.page.fill("#version", "2")
    visit.click("form[aria-label='Choose the version or day'] button")
    assert visit.axe() == []
    snapshot = visit.page.inner_text("#snapshot")
    assert "Partners alerted" in snapshot
    assert "2 of " in snapshot
    assert "Not yet" in snapshot  # no decision at version 2

    text = accessible(visit, f"/cases/{site.cases.walked}/as-at?day=2027-01-04")
    assert "4 January 2027" in visit.page.inner_text("#snapshot")
    assert visit.page.locator("#clocks tbody tr").count() > 3

    text = accessible(visit, "/access-log")
    rows = visit.page.locator("#access tbody tr")
    whom = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("staff (partnership)" in r and "case.personal" in r for r in whom)
    assert any("scrutineer (scrutineer)" in r and "caseAsAt" in r for r in whom)


def test_an_analyst_sees_only_the_pseudonymised_views(site: Site) -> None:
    visit = site.visit("analyst")
    # the partnership has fewer than 5 cases: the tracker says it shows no count under 5
    # (as GraphQL refuses it), rather than the rows that would single them out
    visit.go("/")
    assert "fewer than 5" in visit.text()
    assert reference(site, site.cases.walked) not in visit.text()
    for day in range(1, 6):  # five more cases: the tracker can be shown
        refer(site.tracker, site.clock, date(2027, 2, day))
    site.clock.set_day(TODAY)
    site.graph.project()
    for path in PAGES:
        text = accessible(visit, path)
        assert CHILD_NAME not in text
    visit.go("/")
    assert reference(site, site.cases.walked) in visit.text()
    text = accessible(visit, f"/cases/{site.cases.walked}")
    assert CHILD_NAME not in text
    assert "Pseudonymised" in visit.page.inner_text("#pseudonymised")
    assert visit.page.locator("#history").count() == 0
    assert visit.page.locator("#documents").count() == 0
    # small counts are suppressed, as GraphQL suppresses them
    visit.go("/statistics")
    assert "fewer than 5" in visit.page.inner_text("#timeliness")
    # a document is refused, and nothing of the analyst's is in the access log
    visit.go(f"/cases/{site.cases.walked}/documents/rapid-review-report")
    assert "reads no case documents" in visit.text()
    log = AccessLog(site.tracker.datastore).read(partnerships=["LEW"])
    assert [e for e in log if e.principal_id == "analyst"] == []


@pytest.mark.parametrize("who", ["staff", "la"])
def test_a_case_document_downloads_through_the_page_and_is_logged(site: Site, who: str) -> None:
    visit = site.visit(who)
    visit.go(f"/cases/{site.cases.walked}")
    with visit.page.expect_download() as download:
        visit.page.click("text=PDF >> nth=0")
    path = download.value.path()
    assert path is not None
    assert path.read_bytes()[:5] == b"%PDF-"
    log = AccessLog(site.tracker.datastore).read(partnerships=["LEW"])
    assert any(e.principal_id == who and "scoping-pack" in e.operation for e in log)


def test_the_tracker_pages_through_every_case_and_filters_by_the_day_received(
    site: Site,
) -> None:
    for day in range(1, 27):  # 26 more cases, one a day from 1 February 2027
        refer(site.tracker, site.clock, date(2027, 2, day))
    site.clock.set_day(TODAY)
    site.graph.project()
    visit = site.visit("staff")
    text = accessible(visit, "/")
    assert "28 cases found" in text
    first = visit.page.locator("#cases tbody tr")
    assert first.count() == 25
    seen = {first.nth(i).locator("th").inner_text() for i in range(25)}
    visit.click("text=Next page")
    assert visit.axe() == []
    rest = visit.page.locator("#cases tbody tr")
    assert rest.count() == 3
    seen |= {rest.nth(i).locator("th").inner_text() for i in range(3)}
    assert len(seen) == 28  # every case once
    visit.click("text=First page")
    assert visit.page.locator("#cases tbody tr").count() == 25

    visit.page.fill("#received-from", "2027-02-10")
    visit.page.fill("#received-to", "2027-02-12")
    visit.click("text=Apply filters")
    assert "3 cases found" in visit.text()
    visit.go("/?received_from=2027-02-31")
    assert "Received from must be a real date" in visit.page.inner_text(".govuk-error-summary")
    assert visit.axe() == []
