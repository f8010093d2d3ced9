"""How the dashboard's pages and files travel (issue 16): HTML, CSS and JS are gzipped for a
browser that accepts it; the static files, linked by a fingerprint of their content, may be
kept for a year, and an address without the current fingerprint is revalidated; a journal
entry's payload reads as it was typed. Against the web app on the real dev server."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import escape
from temporalio.testing import WorkflowEnvironment

from lemniscate.dashboard import assets
from lemniscate.examples import walks
from tests.support.web import session_cookie, web_app

ANNA = {"key": "delivery-coordinator-key-1", "id": "anna", "role": "coordinator"}
SLUG = "delivery-walk"


async def test_pages_and_files_are_compressed_and_files_kept(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        await web.service.start(walks.taskforce_start(SLUG), walks.COORDINATOR)
        cookie = f"lemniscate_session={session_cookie(await web.log_in(ANNA['key']))}"
        gzipped = {"Cookie": cookie, "Accept-Encoding": "gzip"}
        page = await web.client.get(f"/dashboard/coalitions/{SLUG}", headers=gzipped)
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in page.headers["vary"].lower()
        assert page.headers["cache-control"] == "no-store"  # pages are still never kept
        sent = int(page.headers["content-length"])
        assert sent * 4 < len(page.content), (sent, len(page.content))  # httpx has unzipped it

        # Every static file the page links carries its fingerprint, and is kept for a year.
        linked = re.findall(r'(?:href|src)="(/dashboard/static/[^"]+)"', page.text)
        assert {link.split("?")[0] for link in linked} == {
            "/dashboard/static/dashboard.css",
            "/dashboard/static/dashboard.js",
            "/dashboard/static/favicon.svg",
        }
        for link in linked:
            name = link.split("?")[0].removeprefix(assets.URL_PREFIX)
            assert link == assets.static_url(name)
            response = await web.client.get(link, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, link
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable", link
            if name != "favicon.svg":  # under GZipMiddleware's minimum size
                assert response.headers["content-encoding"] == "gzip", link
                raw = (assets.STATIC / name).read_bytes()
                assert response.content == raw

        # An old fingerprint, none, or a file that is not there: asked again each time.
        for link in (
            "/dashboard/static/dashboard.css?v=000000000000",
            "/dashboard/static/dashboard.css",
            "/dashboard/static/nothing.css?v=000000000000",
        ):
            response = await web.client.get(link)
            assert response.headers["cache-control"] == "no-cache", link


async def test_the_journal_shows_a_payload_as_typed(dev_server: WorkflowEnvironment, tmp_path: Path) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        slug = f"{SLUG}-journal"
        await web.service.start(walks.taskforce_start(slug), walks.COORDINATOR)
        intent = "The alderman's wish: homes with care — één aanpak."
        await web.service.trigger(slug, "record_intent", {"intent": intent}, walks.COORDINATOR)
        cookie = f"lemniscate_session={session_cookie(await web.log_in(ANNA['key']))}"
        page = await web.client.get(f"/dashboard/coalitions/{slug}", headers={"Cookie": cookie})
        journal = page.text.split('id="journal"')[1]  # the messages' script block is JSON for a script
        # The raw JSON as typed (escaped for an element's text, where only &, < and > need it),
        # and the value in the list of what was recorded as autoescape writes any text.
        assert f'"intent": "{intent}"' in journal
        assert f"<dd>{escape(intent)}</dd>" in journal
        assert "\\u0027" not in journal and "\\u00e9" not in journal
