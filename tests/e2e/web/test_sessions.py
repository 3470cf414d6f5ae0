"""Signing in and out: the session is the server's (the browser holds a random token in an
HttpOnly, SameSite=Strict cookie), ends on sign-out, after idling, with a revoked key; the
forms are CSRF-safe; keys of roles without a web tracker are refused. The sign-in and
tracker flow also runs on PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from application.keys import key_id_of, revoke_key
from tests.e2e.web.conftest import Site
from tests.support.people import CHILD_NAME


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_staff_sign_in_see_the_tracker_and_sign_out(site: Site) -> None:
    visit = site.visit()
    visit.go(f"/cases/{site.cases.walked}")  # asks for a page: sent to sign in first
    assert visit.page.url.startswith(f"{site.url}/sign-in?next=")
    visit.page.fill("#key", "srt_000000000000_not-a-key")
    visit.click("button[type=submit]")
    assert "Enter a valid API key" in visit.page.inner_text(".govuk-error-summary")
    assert visit.axe() == []
    visit.page.fill("#key", site.keys["staff"])
    visit.click("button[type=submit]")
    assert visit.page.url == f"{site.url}/cases/{site.cases.walked}"  # back where it asked
    assert CHILD_NAME in visit.page.inner_text("#personal")

    cookie = visit.cookie("srt_session")
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain http on loopback; Secure behind HTTPS
    assert site.keys["staff"] not in str(visit.context.cookies())  # the key stays out

    visit.go("/")
    assert visit.page.locator("#cases tbody tr").count() == 2
    visit.page.select_option("#stage", "referred")
    visit.click("text=Apply filters")
    assert visit.page.locator("#cases tbody tr").count() == 1
    visit.click("text=Clear filters")
    visit.page.check("#overdue")
    visit.click("text=Apply filters")
    assert visit.page.locator("#cases tbody tr").count() == 1
    assert "overdue=yes" in visit.page.url

    visit.click("text=Sign out")
    assert "You have signed out" in visit.text()
    # the old token is dead on the server, not only forgotten by the browser
    answer = httpx.get(
        f"{site.url}/", cookies={"srt_session": str(cookie["value"])}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in")


def test_a_session_ends_after_idling_and_when_its_key_is_revoked(site: Site) -> None:
    visit = site.visit("staff")
    visit.go("/")
    assert "Cases" in visit.page.inner_text("h1")
    site.clock.advance(minutes=29)
    visit.go("/deadlines")
    assert visit.page.url == f"{site.url}/deadlines"
    site.clock.advance(minutes=31)  # 31 minutes since the last page
    visit.go("/deadlines")
    assert visit.page.url.startswith(f"{site.url}/sign-in")

    visit.sign_in("staff")
    visit.go("/")
    assert visit.page.url == f"{site.url}/"
    key_id = key_id_of(site.keys["staff"])
    assert key_id is not None
    revoke_key(site.tracker, key_id)
    visit.go("/")
    assert visit.page.url.startswith(f"{site.url}/sign-in")


def test_forms_refuse_other_origins_and_missing_tokens(site: Site) -> None:
    visit = site.visit("staff")
    token = str((visit.cookie("srt_session") or {})["value"])
    cookies = {"srt_session": token}
    # sign-out without the session's CSRF token, or from another site: refused, still signed in
    for headers, body in (
        ({}, "csrf=wrong"),
        ({"Origin": "https://attacker.example"}, "csrf=wrong"),
    ):
        refused = httpx.post(
            f"{site.url}/sign-out",
            content=body,
            cookies=cookies,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        assert refused.status_code == 400
    assert httpx.get(f"{site.url}/", cookies=cookies).status_code == 200
    # sign-in without the form's own token
    forged = httpx.post(
        f"{site.url}/sign-in",
        content=f"key={site.keys['staff']}&csrf=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert forged.status_code == 400
    assert "srt_session" not in forged.cookies
    # another path takes no form posts (the API's request guard: JSON only)
    other = httpx.post(
        f"{site.url}/api/v1/cases/serious-incidents",
        content="a=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert other.status_code == 415


@pytest.mark.parametrize("who", ["mash", "admin"])
def test_roles_without_a_web_tracker_are_refused(site: Site, who: str) -> None:
    visit = site.visit(who)
    assert visit.page.url.startswith(f"{site.url}/sign-in")
    assert "uses the API, not the web tracker" in visit.text()
    assert visit.cookie("srt_session") is None


def test_a_page_link_from_elsewhere_cannot_leave_the_site(site: Site) -> None:
    visit = site.visit()
    visit.go("/sign-in?next=//attacker.example/")
    visit.page.fill("#key", site.keys["staff"])
    visit.click("button[type=submit]")
    assert visit.page.url == f"{site.url}/"
