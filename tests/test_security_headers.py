"""Every dashboard response carries the security headers (one middleware, so every page,
the problem pages and the redirects alike), pages are never stored, static files may be,
and the API's own routes are left alone. The origin check of the forms compares scheme,
host and port. Against the web app on the real dev server; the browser tests
(tests/test_dashboard.py) check that the policy blocks nothing the pages need."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.dashboard.headers import CONTENT_SECURITY_POLICY
from lemniscate.examples import walks
from tests.support.web import BASE, session_cookie, web_app

ANNA = {"key": "headers-coordinator-key-01", "id": "anna", "role": "coordinator"}
SLUG = "headers-walk"


def _assert_protected(response: httpx.Response, *, stored: bool = False) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    if stored:
        assert "no-store" not in headers.get("cache-control", "")
    else:
        assert headers["cache-control"] == "no-store"


async def test_every_dashboard_response_has_the_headers_and_pages_are_not_stored(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        await web.service.start(walks.taskforce_start(SLUG), walks.COORDINATOR)
        anonymous = await web.client.get("/dashboard/")
        assert anonymous.status_code == 303  # the redirect to log in
        _assert_protected(anonymous)
        _assert_protected(await web.client.get("/dashboard/login"))
        cookie = {"Cookie": f"lemniscate_session={session_cookie(await web.log_in(ANNA['key']))}"}
        for path in ("/dashboard/", f"/dashboard/coalitions/{SLUG}", "/dashboard/coalitions/nope"):
            response = await web.client.get(path, headers=cookie)
            assert response.status_code in (200, 404), path
            _assert_protected(response)
            # Nothing inline for the policy to block: the only scripts are the static file
            # and the JSON data block, and no element has a style attribute.
            assert " style=" not in response.text and "<style" not in response.text
            assert response.text.count("<script") == 2
            assert '<script type="application/json" id="messages">' in response.text
        _assert_protected(await web.client.get("/dashboard/static/dashboard.js"), stored=True)
        api = await web.client.get("/docs")
        assert "content-security-policy" not in api.headers  # Swagger UI runs inline script


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (BASE, True),
        ("http://dash.test:80", True),  # the default port, written out
        ("https://dash.test", False),  # another scheme is another origin
        ("http://dash.test:8080", False),
        ("http://evil.test", False),
        ("http://dash.test.evil.test", False),
        ("null", False),
        ("http://dash.test:notaport", False),
        ("http://dash.test/path", False),
    ],
)
async def test_forms_accept_only_their_own_origin(
    dev_server: WorkflowEnvironment, tmp_path: Path, origin: str, allowed: bool
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        cookie = session_cookie(await web.log_in(ANNA["key"]))
        response = await web.client.post(
            "/dashboard/coalitions",
            content="id=",
            headers={
                "Cookie": f"lemniscate_session={cookie}",
                "Origin": origin,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        if allowed:
            # Read, refused for its empty fields, and sent back to the form (post/redirect/get).
            assert response.status_code == 303 and "held=" in response.headers["location"]
        else:
            assert response.status_code == 403
            assert "posted from another site" in response.text
        _assert_protected(response)
