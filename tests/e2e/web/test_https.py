"""Behind HTTPS the session cookie is also ``Secure`` (a browser never sends it over plain
HTTP); pages are never cached and carry their Content-Security-Policy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from entrypoints import bootstrap
from tests.e2e.conftest import Api


def sign_in(client: TestClient, key: str) -> str:
    client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        content=f"key={key}&csrf={client.cookies['srt_sign_in']}&next=/",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return str(answer.headers["set-cookie"])


def test_the_session_cookie_is_secure_over_https_only(api: Api) -> None:
    https = TestClient(api.client.app, base_url="https://tracker.example")
    cookie = sign_in(https, api.keys["staff"])
    assert "srt_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" in cookie
    plain = TestClient(api.client.app, base_url="http://127.0.0.1")
    assert "Secure" not in sign_in(plain, api.keys["staff"])


def test_pages_are_not_cached_and_allow_only_this_origin(api: Api) -> None:
    projector = bootstrap.projector(api.tracker)
    projector.setup()
    projector.catch_up()
    client = TestClient(api.client.app, base_url="https://tracker.example")
    sign_in(client, api.keys["staff"])
    page = client.get("/")
    projector.store.close()
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
