"""The dashboard in Dutch and English, over HTTP against the web stack (API, dashboard and a
worker on the real dev server): the browser's `Accept-Language` picks the language, the
office default (Dutch) holds without it, the switch on every page overrides both and is
remembered, and what the method refuses is said in the page's language. One browser test
(Debian's Chromium) switches the language from the page and saves screenshots of the
portfolio and a coalition page in both languages in tests/artifacts/."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from markupsafe import escape
from playwright.async_api import async_playwright, expect

from lemniscate import language
from lemniscate.coalitions import CoalitionRefused
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from tests.support.ports import free_ports
from tests.support.web_stack import KEYS, WebStack, start_taskforce

SLUG = "taal-walk"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module")
async def walked(web: WebStack) -> WebStack:
    """A coalition in round 2, with partners, actions and a journal to show."""
    await start_taskforce(web, SLUG)
    for step in walks.taskforce_to_execution()[:30]:
        await web.service.trigger(SLUG, step.trigger, step.payload, step.actor)
    return web


@contextlib.asynccontextmanager
async def _client(web: WebStack, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    """A coordinator's session sending only `headers` (no Accept-Language unless given)."""
    async with httpx.AsyncClient(transport=web.transport, base_url="http://web", headers=headers) as client:
        login = await client.post("/dashboard/login", data={"key": KEYS["coordinator"]["key"]})
        assert login.status_code == 303, login.text
        yield client


def _lang(page: httpx.Response) -> str:
    match = re.search(r'<html lang="([^"]+)">', page.text)
    assert match, page.text[:300]
    return match.group(1)


async def test_the_browser_s_language_picks_the_page_s(walked: WebStack) -> None:
    async with _client(walked, **{"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}) as dutch:
        portfolio = await dutch.get("/dashboard/")
        assert _lang(portfolio) == "nl" and portfolio.headers["content-language"] == "nl"
        assert "<h2>Per fase</h2>" in portfolio.text and "<h2>De lemniscaat</h2>" in portfolio.text
        assert "Per state" not in portfolio.text
        coalition = await dutch.get(f"/dashboard/coalitions/{SLUG}")
        assert _lang(coalition) == "nl"
        for heading in ("Volgende stappen", "Waar de coalitie staat", "Acties en toezeggingen", "Journaal"):
            assert f"<h2>{heading}</h2>" in coalition.text, heading
        journal = await dutch.get(f"/dashboard/coalitions/{SLUG}/journal")  # the whole of it
        assert "Verkenningsbijeenkomst houden" in journal.text  # the method's own words
    async with _client(walked, **{"Accept-Language": "en-GB,en;q=0.8"}) as english:
        portfolio = await english.get("/dashboard/")
        assert _lang(portfolio) == "en" and portfolio.headers["content-language"] == "en"
        assert "<h2>Per state</h2>" in portfolio.text and "Per fase" not in portfolio.text
        coalition = await english.get(f"/dashboard/coalitions/{SLUG}")
        journal = await english.get(f"/dashboard/coalitions/{SLUG}/journal")
        assert "<h2>Next steps</h2>" in coalition.text and "Hold exploration meeting" in journal.text


async def test_without_a_preference_the_office_default_holds(
    walked: WebStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(language.LANGUAGE_ENV, raising=False)
    async with _client(walked) as client:
        assert _lang(await client.get("/dashboard/")) == "nl"
        monkeypatch.setenv(language.LANGUAGE_ENV, "en")
        assert _lang(await client.get("/dashboard/")) == "en"
        # A language Lemniscate does not speak falls through to the office default too.
        assert _lang(await client.get("/dashboard/", headers={"Accept-Language": "fr-FR"})) == "en"


async def test_the_switch_overrides_the_browser_and_is_remembered(walked: WebStack) -> None:
    here = f"/dashboard/coalitions/{SLUG}"
    async with _client(walked, **{"Accept-Language": "nl"}) as client:
        page = await client.get(here)
        assert 'action="/dashboard/language"' in page.text and f'value="{here}"' in page.text
        switched = await client.post("/dashboard/language", data={"lang": "en", "next": here})
        assert switched.status_code == 303 and switched.headers["location"] == here  # post/redirect/get
        cookie = switched.headers["set-cookie"].lower()
        assert "lemniscate_language=en" in cookie and "samesite=lax" in cookie and "httponly" in cookie
        for path in (here, "/dashboard/"):  # remembered on every page, over the header
            assert _lang(await client.get(path)) == "en"
        # Another site cannot pick someone's language, and only dashboard paths are returned to.
        elsewhere = await client.post(
            "/dashboard/language",
            data={"lang": "nl", "next": "https://evil.test/"},
            headers={"Origin": "https://evil.test"},
        )
        assert elsewhere.headers["location"] == "/dashboard/" and "set-cookie" not in elsewhere.headers
        assert _lang(await client.get(here)) == "en"
        await client.post("/dashboard/language", data={"lang": "nl", "next": here})
        assert _lang(await client.get(here)) == "nl"


async def test_what_the_method_refuses_is_said_in_dutch(walked: WebStack) -> None:
    slug = "taal-refused"
    await start_taskforce(walked, slug)
    async with _client(walked, **{"Accept-Language": "nl"}) as client:
        # A missing field: refused, and said in Dutch next to the field and above the form.
        # (Sent back with a redirect, post/redirect/get: the page it lands on says it.)
        page = await client.post(
            f"/dashboard/coalitions/{slug}/triggers/record_intent", data={"intent": ""}, follow_redirects=True
        )
        assert [r.status_code for r in page.history] == [303] and page.status_code == 200
        assert re.search(r'data-error-for="intent"[^>]*>Dit veld is verplicht<', page.text), page.text
        assert "Controleer de gemarkeerde velden." in page.text
        # A guard: every reason the method gives, in Dutch on the page, under a Dutch heading.
        with pytest.raises(CoalitionRefused) as refused:
            await walked.service.trigger(slug, "map_domain", {}, COORDINATOR)
        page = await client.post(
            f"/dashboard/coalitions/{slug}/triggers/map_domain", data={}, follow_redirects=True
        )
        assert [r.status_code for r in page.history] == [303] and page.status_code == 200
        assert "Geweigerd — er is niets veranderd." in page.text
        assert "Refused — nothing changed." not in page.text
        for reason in refused.value.reasons:
            assert str(escape(language.translate(reason, "nl"))) in page.text, reason
        # The validation table the page's script uses is Dutch as well.
        assert "Controleer de gemarkeerde velden." in (await client.get(f"/dashboard/coalitions/{slug}")).text


class _Server(uvicorn.Server):
    """uvicorn inside the test's event loop, leaving signals to pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest.mark.browser
async def test_switching_language_in_the_browser(walked: WebStack) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install -y chromium"
    (port,) = free_ports(1)
    server = _Server(
        uvicorn.Config(walked.transport.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), serving.exception()
        await asyncio.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            # A Dutch civil servant's browser, at a laptop's width.
            context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
            page = await context.new_page()
            await page.goto(f"{base}/dashboard/")
            await expect(page.locator("html")).to_have_attribute("lang", "nl")
            await expect(page.locator("h1")).to_have_text("Vitale coalities in één oogopslag")
            await page.fill("#key", KEYS["coordinator"]["key"])
            await page.click("form[action='/dashboard/login'] button[type=submit]")
            await expect(page.locator("h2").first).to_have_text("De lemniscaat")
            await page.screenshot(path=str(ARTIFACTS / "dashboard-portfolio-nl.png"), full_page=True)
            await page.goto(f"{base}/dashboard/coalitions/{SLUG}")
            await expect(page.locator("#next-steps h2")).to_have_text("Volgende stappen")
            await page.screenshot(path=str(ARTIFACTS / "dashboard-coalition-nl.png"), full_page=True)

            # The switch: back on the same page, in English, and it stays so.
            async with page.expect_navigation():
                await page.click("[data-language=en]")
            assert page.url == f"{base}/dashboard/coalitions/{SLUG}"
            await expect(page.locator("html")).to_have_attribute("lang", "en")
            await expect(page.locator("#next-steps h2")).to_have_text("Next steps")
            await page.screenshot(path=str(ARTIFACTS / "dashboard-coalition-en.png"), full_page=True)
            await page.goto(f"{base}/dashboard/")
            await expect(page.locator("h2").first).to_have_text("The lemniscate")
            await page.screenshot(path=str(ARTIFACTS / "dashboard-portfolio-en.png"), full_page=True)
            await browser.close()
    finally:
        server.should_exit = True
        await serving
