"""The dashboard as WCAG 2.1 AA asks (the Dutch government is bound to it), in Debian's
Chromium: axe-core finds no critical and no serious violation on the log-in, portfolio and
coalition pages, a form's own page and the journal's, with every panel open (its folded
forms loaded), at a laptop's width (1440 px) and a phone's (390 px),
in Dutch and in English; at 390 px nothing scrolls sideways. The keyboard: a skip link first,
the lemniscate figure one tab stop at most, a visible focus on every control, and after a
form is sent the focus on its announced result, a blocker a link into the form that resolves
it, and a step that cannot be undone held back until its consequence is ticked.

Each run writes axe's findings to tests/artifacts/axe-<language>-<width>.json and screenshots
of the portfolio and the coalition page beside them."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from lemniscate.dashboard.consequences import CONFIRM
from lemniscate.examples import walks
from tests.support.axe import ARTIFACTS, OPEN_PANELS, by_impact, run_axe, write_findings
from tests.support.dashboard_stack import submit
from tests.support.ports import free_ports
from tests.support.web import CHROMIUM_ARGS, served
from tests.support.web_stack import KEYS, WebStack, start_taskforce

WALKED = "axe-walk"  # in round 2, with partners placed, actions and a long journal
FRESH = "axe-fresh"  # just started: its steps are refused, its records open
CLOSED = "axe-closed"  # closed: its page holds the closing report
LOCALES = {"en": "en-GB", "nl": "nl-NL"}

# The focused element, and whether a person sees where the focus is: an outline, or a ring
# drawn as a box shadow (the inputs' own style).
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40),
    inFigure: Boolean(el.closest("figure.figure8")),
    row: Boolean(el.closest("[data-row]")),
    visible: outlined || style.boxShadow !== "none",
  };
}"""


@dataclass
class Site:
    base: str
    browser: Browser


@pytest.fixture(scope="module")
async def site(web: WebStack) -> AsyncIterator[Site]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install -y chromium"
    await start_taskforce(web, WALKED)
    for step in walks.taskforce_to_execution()[:30]:
        await web.service.trigger(WALKED, step.trigger, step.payload, step.actor)
    await start_taskforce(web, FRESH)
    await start_taskforce(web, CLOSED)
    handed = {"action": "A2", "fate": "handed_over", "to": "Gemeente Utrecht"}
    close = walks.Step("close", {"summary": "Closed with thanks.", "open_actions": [handed]})
    closing = [s for s in walks.taskforce_closing() if s.trigger != "close"]
    for step in [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle(), *closing, close]:
        await web.service.trigger(CLOSED, step.trigger, step.payload, step.actor)
    (port,) = free_ports(1)
    async with served(web.transport.app, port) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield Site(base, browser)
        finally:
            await browser.close()


async def _page(site: Site, lang: str, width: int) -> Page:
    # axe is injected as a script of the test's: the dashboard's CSP rightly refuses it.
    context = await site.browser.new_context(
        viewport={"width": width, "height": 900}, locale=LOCALES[lang], bypass_csp=True
    )
    return await context.new_page()


async def _log_in(page: Page, base: str, who: str = "coordinator") -> None:
    await page.fill("#key", KEYS[who]["key"])
    async with page.expect_navigation():
        await page.click("form[action='/dashboard/login'] button[type=submit]")


async def _announced(page: Page, selector: str, role: str) -> None:
    """A sent form's result is announced as `role` (alert, status), and the focus is on it."""
    result = page.locator(selector)
    await expect(result).to_have_attribute("role", role)
    await expect(result).to_be_focused()


SCREENSHOTS = ("portfolio", "coalition")


async def _overflow(page: Page) -> int:
    """How far the page reaches past the viewport's width (0 when nothing scrolls sideways)."""
    reach = "() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    return int(await page.evaluate(reach))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_axe_finds_nothing_serious(site: Site, lang: str, width: int) -> None:
    page = await _page(site, lang, width)
    findings: dict[str, list[dict[str, Any]]] = {}
    overflow: dict[str, int] = {}

    await page.goto(f"{site.base}/dashboard/")
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    findings["login"] = await run_axe(page)
    overflow["login"] = await _overflow(page)
    await _log_in(page, site.base)

    pages = (
        ("portfolio", "/dashboard/"),
        ("coalition", f"/dashboard/coalitions/{WALKED}"),
        ("closed", f"/dashboard/coalitions/{CLOSED}"),
        ("form", f"/dashboard/coalitions/{WALKED}/forms/record_interview"),
        ("journal", f"/dashboard/coalitions/{WALKED}/journal"),
    )
    for label, path in pages:
        await page.goto(site.base + path)
        await page.evaluate(OPEN_PANELS)
        findings[label] = await run_axe(page)
        overflow[label] = await _overflow(page)
        if label in SCREENSHOTS:  # the two pages the artefacts show a change by; a shot is slow
            await page.screenshot(path=str(ARTIFACTS / f"a11y-{label}-{lang}-{width}.png"), full_page=True)
        if label == "coalition":  # the partner grid and table, in full page a needle in a haystack
            await page.locator("#partners").screenshot(
                path=str(ARTIFACTS / f"a11y-partners-{lang}-{width}.png")
            )
        if label == "closed":
            await page.locator("#closing-report").screenshot(
                path=str(ARTIFACTS / f"a11y-closing-report-{lang}-{width}.png")
            )
    await page.context.close()

    write_findings(f"{lang}-{width}", findings, overflow)
    serious = {
        label: [f"{v['impact']} {v['id']} x{v['nodes']}: {v['targets']}" for v in found]
        for label, found in findings.items()
        if by_impact(found)["critical"] or by_impact(found)["serious"]
    }
    assert not serious, serious
    assert overflow == dict.fromkeys(overflow, 0), overflow  # no sideways scrolling


@pytest.mark.browser
async def test_the_keyboard_reaches_the_rows_past_the_figure(site: Site) -> None:
    page = await _page(site, "en", 1440)
    await page.goto(f"{site.base}/dashboard/")
    await _log_in(page, site.base)

    # The first Tab stop is the skip link, and it leads past the header into the page.
    await page.keyboard.press("Tab")
    first = await page.evaluate(_FOCUS)
    assert first and first["text"] == "Skip to content", first
    await page.keyboard.press("Enter")
    assert await page.evaluate("() => document.activeElement.id") == "main"

    # From the top to the first coalition row: the figure is one stop at most, and every
    # stop shows where the focus is.
    await page.goto(f"{site.base}/dashboard/")
    stops: list[dict[str, Any]] = []
    while not (stops and stops[-1]["row"]):
        await page.keyboard.press("Tab")
        stop = await page.evaluate(_FOCUS)
        assert stop, stops
        stops.append(stop)
        assert len(stops) < 80, stops
    (ARTIFACTS / "tab-stops-portfolio.json").write_text(json.dumps(stops, indent=2), "utf-8")
    assert sum(s["inFigure"] for s in stops) <= 1, stops
    assert all(s["visible"] for s in stops), [s for s in stops if not s["visible"]]

    # On a coalition page with every panel open: each of its first 150 stops shows its focus.
    await page.goto(f"{site.base}/dashboard/coalitions/{WALKED}")
    await page.evaluate(OPEN_PANELS)
    unseen = []
    for _ in range(150):
        await page.keyboard.press("Tab")
        stop = await page.evaluate(_FOCUS)
        if stop and not stop["visible"]:
            unseen.append(stop)
    assert unseen == [], unseen
    await page.context.close()


@pytest.mark.browser
async def test_after_a_form_is_sent_the_focus_is_on_its_result(site: Site) -> None:
    page = await _page(site, "en", 1440)
    await page.goto(f"{site.base}/dashboard/")
    await _log_in(page, site.base)
    await page.goto(f"{site.base}/dashboard/coalitions/{FRESH}")

    # A refused step: the refusal is an alert, and the focus is on it.
    await submit(page, "form-map_domain")
    await _announced(page, "#form-map_domain [data-refusal]", "alert")

    # The blocker leads to the form that resolves it, loaded into the page, the focus in it.
    await page.locator('[data-step="map_domain"] .resolve[data-open="record-record_intent"]').click()
    await expect(page.locator("#record-record_intent")).to_have_attribute("open", "")
    fields = page.locator("#form-record_intent").locator("input:not([type=hidden]), select, textarea")
    await expect(fields.first).to_be_focused()

    # A record that is kept: the confirmation is a status message, and the focus is on it.
    await page.locator('#form-record_intent [name="intent"]').fill("Homes with care, together.")
    await submit(page, "form-record_intent")
    await _announced(page, "[data-done]", "status")

    # A step that cannot be undone is folded away under the main steps, and held back in the
    # page until its consequence is ticked.
    await page.locator("#next-steps .turns > summary").click()
    dissolve = page.locator("#form-dissolve")
    await dissolve.locator('[name="reason"]').fill("Nobody had time.")
    await dissolve.locator("button[type=submit]").click()
    await expect(dissolve.locator(f'[data-error-for="{CONFIRM}"]')).to_be_visible()
    await expect(dissolve.locator(f'[name="{CONFIRM}"]')).to_be_focused()
    assert "/triggers/" not in page.url
    await page.context.close()
