"""The web tracker in real headless Chromium (Debian's ``chromium``, driven by Playwright
through ``executable_path``; no browser is downloaded), against a real uvicorn server over
a real store (SQLite; the sign-in and tracker flow on PostgreSQL too).

Every request the browser makes is routed through the test: one to any origin but the
server's is refused and remembered, and each test ends by asserting there was none. axe-core
is read from the file the set-up installed (``web/static/vendor/axe``) and run in the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    Route,
    sync_playwright,
)

from application.acts import AgreeAction, CommissionReview, ReferSeriousIncident
from application.service import Safeguarding
from application.settings import Settings
from tests.support.clock import FakeClock
from tests.support.graph import Graph, graph_server
from tests.support.people import HIL_STAFF, ctx, referral_details, serious_harm
from tests.support.scenario import refer, walk_to_panel_response

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "web" / "static" / "vendor" / "axe" / "axe.min.js"
TODAY = date(2027, 3, 3)  # a Wednesday: the walked case's clocks are long settled


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite unless a test asks for PostgreSQL too (``indirect`` parametrization)."""
    return str(request.param)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: scripts/test installs it with apt"
    with sync_playwright() as p:
        # root in a container has no user namespaces for Chromium's sandbox
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@dataclass
class Cases:
    walked: UUID  # the seed timetable to the Panel's response, with a review
    fresh: UUID  # referred today: its clocks are due this week
    hil: UUID  # another partnership's
    review: UUID


@dataclass
class Visit:
    """One browser context (one person's browser), its page, what it asked of other
    origins (refused), and what the page's console reported as errors."""

    site: Site
    context: BrowserContext
    page: Page
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> Page:
        response = self.page.goto(self.site.url + path)
        assert response is not None
        return self.page

    def text(self) -> str:
        return str(self.page.inner_text("body"))

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page as it stands (run through
        the DevTools protocol, which the page's Content-Security-Policy does not stop)."""
        self.page.evaluate(AXE.read_text())
        result: dict[str, Any] = self.page.evaluate("() => axe.run(document)")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def click(self, selector: str) -> Page:
        """Click what loads another page, and wait until it has loaded."""
        with self.page.expect_navigation():
            self.page.click(selector)
        return self.page

    def sign_in(self, who: str) -> None:
        self.go("/sign-in")
        self.page.fill("#key", self.site.keys[who])
        self.click("button[type=submit]")

    def cookie(self, name: str) -> dict[str, Any] | None:
        return next((dict(c) for c in self.context.cookies() if c["name"] == name), None)


@dataclass
class Site:
    graph: Graph
    clock: FakeClock
    cases: Cases
    chromium: Browser
    visits: list[Visit] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.graph.url

    @property
    def keys(self) -> dict[str, str]:
        return self.graph.keys

    @property
    def tracker(self) -> Safeguarding:
        return self.graph.tracker

    def visit(self, who: str | None = None) -> Visit:
        """A new browser (no cookies), signed in as ``who`` when given."""
        context = self.chromium.new_context(viewport={"width": 1280, "height": 900})
        visit = Visit(self, context, context.new_page())
        origin = self.url

        def route(r: Route) -> None:
            url = r.request.url
            if url == origin or url.startswith(origin + "/") or url.startswith("data:"):
                r.continue_()
            else:
                visit.outside.append(url)
                r.abort()

        context.route("**/*", route)

        def console(m: ConsoleMessage) -> None:
            # a page answered 403 or 404 says so in the console; its files must all load
            if m.type == "error" and not m.text.startswith("Failed to load resource"):
                visit.console_errors.append(m.text)

        def loaded(r: Response) -> None:
            if r.request.resource_type != "document" and r.status >= 400:
                visit.console_errors.append(f"{r.status} {r.url}")

        visit.page.on("console", console)
        visit.page.on("response", loaded)
        visit.page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
        self.visits.append(visit)
        if who is not None:
            visit.sign_in(who)
        return visit


def seed(tracker: Safeguarding, clock: FakeClock) -> Cases:
    """A walked case with a review and an overdue action, a case referred today, and a
    Hillingdon case; read models up to date, the clock at ``TODAY``."""
    walked = walk_to_panel_response(tracker, clock)
    clock.set_day(date(2027, 2, 10))
    review = tracker.execute(
        ctx(),
        CommissionReview(
            partnership="LEW", review_type="local_cspr", on=date(2027, 2, 10), case_ids=[walked]
        ),
    ).id
    tracker.execute(
        ctx(),
        AgreeAction(
            review_id=review,
            on=date(2027, 2, 10),
            description="Joint training on unexplained injuries",
            owner_agency="Metropolitan Police",
            due_on=date(2027, 3, 1),
        ),
    )
    fresh = refer(tracker, clock, TODAY)
    hil = tracker.execute(
        ctx(HIL_STAFF),
        ReferSeriousIncident(
            partnership="HIL",
            area="Hillingdon",
            received_on=TODAY,
            details=referral_details("Hillingdon Child"),
            incident=serious_harm(date(2027, 3, 1)),
        ),
    ).id
    clock.set_day(TODAY)
    return Cases(walked=walked, fresh=fresh, hil=hil, review=review)


@pytest.fixture
def site(
    make_settings: Callable[..., Settings], clock: FakeClock, chromium: Browser
) -> Iterator[Site]:
    settings = make_settings(api_key_cache_seconds=0, projector_in_process=False)
    tracker = Safeguarding(settings, clock=clock)
    with graph_server(settings, tracker) as graph:
        cases = seed(tracker, clock)
        graph.project()
        s = Site(graph, clock, cases, chromium)
        try:
            yield s
        finally:
            for v in s.visits:
                v.context.close()
        for v in s.visits:
            assert not v.outside, f"requests left the server's origin: {v.outside}"
            assert not v.console_errors, f"the browser console reported: {v.console_errors}"
    tracker.close()
