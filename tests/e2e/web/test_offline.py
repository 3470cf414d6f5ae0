"""The API's documentation and GraphiQL work with no internet: every file they load comes
from the server (the fixture refuses and remembers any other origin), and GraphiQL keeps
its headers editor, through which a key is sent."""

from __future__ import annotations

import httpx

from tests.e2e.web.conftest import Site


def test_swagger_ui_renders_the_api_from_local_files(site: Site) -> None:
    visit = site.visit()
    visit.go("/docs")
    visit.page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "Safeguarding Review Tracker" in visit.page.inner_text(".swagger-ui .info .title")
    assert visit.page.locator(".opblock").count() > 20  # every act's POST, the reads...
    # on a host other than localhost Swagger UI would fetch a badge from its online
    # validator, which these tests (on 127.0.0.1) would not see: it is switched off
    assert '"validatorUrl": null' in httpx.get(f"{site.url}/docs").text


def test_graphiql_runs_a_query_with_the_key_from_its_headers_editor(site: Site) -> None:
    visit = site.visit()
    visit.go("/graphql")
    visit.page.wait_for_selector(".graphiql-container .graphiql-editors", timeout=15_000)
    # the headers editor is there, with the header to fill in
    visit.page.click("button:has-text('Headers')")
    headers = visit.page.locator(".graphiql-editor-tool .graphiql-editor").last
    assert "Authorization" in headers.inner_text()
    # put the key in it, as a person would, and run the example query
    headers.click()
    visit.page.keyboard.press("Control+A")
    visit.page.keyboard.type(f'{{"Authorization": "Bearer {site.keys["staff"]}"}}')
    visit.page.click(".graphiql-execute-button")
    visit.page.wait_for_function(
        "() => document.querySelector('.graphiql-response')?.innerText.includes('totalCount')",
        timeout=15_000,
    )
    answer = visit.page.inner_text(".graphiql-response")
    assert '"totalCount": 2' in answer
    assert "unauthenticated" not in answer
