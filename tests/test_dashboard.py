"""The web dashboard in a real headless Chromium (Debian's `chromium`, driven by Playwright,
no downloaded browser) against the running stack: a real Temporal dev server, a real worker,
and the API app with the dashboard mounted, served by uvicorn on a free port.

A coordinator starts a coalition and walks it through round 1 by filling the generated
forms, sees the page and the server reject a form with the same sentence, sees a refused
step change nothing, and sees the portfolio follow; an auditor sees everything and no form;
a partner gets only its own organisation's records. Screenshots of both pages are written to
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from lemniscate.dashboard.forms import decode, fields, form_values
from lemniscate.examples import walks
from lemniscate.states.describe import method_description
from tests.support.axe import OPEN_PANELS
from tests.support.dashboard_stack import (
    KEYS,
    SEEDED,
    Stack,
    dashboard_stack,
    interview_form,
    journal_length,
    logged_in,
    record,
    step,
    submit,
)
from tests.support.web_stack import ENGLISH

ARTIFACTS = Path(__file__).parent / "artifacts"
WALKED = "dash-walk"  # started and walked from the page by the coordinator


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment
) -> AsyncIterator[Stack]:
    async with dashboard_stack(tmp_path_factory.mktemp("dashboard"), dev_server) as running:
        yield running


@pytest.mark.slow
@pytest.mark.browser
async def test_coordinator_walks_round_one_from_the_page(stack: Stack) -> None:
    page, errors = await logged_in(stack, "coordinator")

    # Start a coalition from the portfolio, with two partners added as repeated rows.
    await page.click("[data-open=start]")
    start = page.locator("#form-start")
    for name, value in {
        "id": WALKED,
        "name": "Dashboard walk",
        "task.title": "A walk",
        "task.programme": "Dashboard",
        "initiators": "Gemeente",
        "coordinator": "anna",
    }.items():
        await start.locator(f'[name="{name}"]').fill(value)
    for index, partner in enumerate(("Aedes", "Woonbond")):
        await start.locator("[data-path=partners] > fieldset > [data-add]").click()
        await start.locator(f'[name="partners.{index}.name"]').fill(partner)
    await submit(page, "form-start")
    await expect(page.locator("h1")).to_have_text("Dashboard walk")
    await expect(page.locator(".badge[data-state]")).to_have_text("Own intent and partners' interests")

    # The page and the server reject an empty form with the same sentence.
    await page.locator('[data-record="record_intent"] summary').click()
    await page.locator("#form-record_intent button[type=submit]").click()
    in_page = page.locator('#form-record_intent [data-error-for="intent"]')
    await expect(in_page).to_be_visible()
    client_says = await in_page.inner_text()
    assert client_says == "Field required"  # pydantic's words, as the API and the CLI say
    await page.eval_on_selector("#form-record_intent", "f => f.removeAttribute('data-validate')")
    await submit(page, "form-record_intent")
    from_server = page.locator('#form-record_intent [data-error-for="intent"]')
    await expect(from_server).to_have_text(client_says)
    await expect(page.locator("#form-record_intent [data-form-alert]")).to_have_text(
        "Check the marked fields."
    )
    assert "/forms/record_intent?held=" in page.url  # sent back as a GET: a reload posts nothing

    # A refused step shows the guard's sentences and changes nothing.
    await page.goto(f"{stack.base}/dashboard/coalitions/{WALKED}")
    before = await journal_length(stack, WALKED)
    await submit(page, "form-map_domain")
    refusal = page.locator("#form-map_domain [data-refusal]")
    await expect(refusal).to_contain_text("Refused — nothing changed.")
    await expect(refusal).to_contain_text("The initiator's own intent is not recorded yet (record_intent).")
    await expect(refusal).to_contain_text("2 of 2 prospective partners have no interview: Aedes, Woonbond")
    assert await journal_length(stack, WALKED) == before
    await expect(page.locator(".badge[data-state]")).to_have_text("Own intent and partners' interests")

    # A record the method refuses for its content: the sentence names the field.
    await page.goto(f"{stack.base}/dashboard/coalitions/{WALKED}")
    await page.locator('[data-record="add_partner"] summary').click()
    await page.locator('#form-add_partner [name="name"]').fill("Aedes")
    await submit(page, "form-add_partner")
    await expect(page.locator("#form-add_partner [data-refusal]")).to_contain_text(
        "name: Aedes is already a partner of this coalition."
    )
    await expect(page.locator('#form-add_partner [data-path="name"]')).to_have_class(
        re.compile("field--invalid")
    )
    await page.reload()  # asks for the page again: the same refusal, nothing posted
    await expect(page.locator("#form-add_partner [data-refusal]")).to_contain_text("already a partner")
    await expect(page.locator('#form-add_partner [name="name"]')).to_have_value("Aedes")
    await page.goto(f"{stack.base}/dashboard/coalitions/{WALKED}")

    # Round 1, step by step, from the forms.
    await record(
        page,
        "record_intent",
        {"intent": "The municipality wants homes with care.", "__reason": "agreed with the alderman"},
    )
    for partner in ("Aedes", "Woonbond"):
        await record(page, "record_interview", interview_form(partner), {"partner": partner})
    await step(page, "map_domain", "Map the coalition's domain")
    await record(
        page,
        "map_topic",
        {"topic": "Homes for older people"},
        tick=[("partners", "Aedes"), ("partners", "Woonbond")],
    )
    await step(page, "plan_collaboration", "Own plan for the collaboration")
    for partner, influence in (("Aedes", "high"), ("Woonbond", "low")):
        await record(
            page,
            "place_partner",
            {"placement.role": "core partner"},
            {
                "partner": partner,
                "placement.execution_power": "substantial",
                "placement.interest": "high",
                "placement.influence": influence,
            },
        )
    await expect(page.locator('[data-cell="high-high"]')).to_contain_text("Aedes")
    await expect(page.locator('[data-cell="low-high"]')).to_contain_text("Woonbond")
    await step(page, "prepare_exploration_meeting", "Organise the exploration meeting")
    await record(
        page,
        "plan_meeting",
        {"on": "2027-03-04"},
        {"kind": "exploration"},
        [("invitees", "Aedes"), ("invitees", "Woonbond"), ("inviters", "Gemeente")],
    )
    await step(page, "hold_exploration_meeting", "Partners share interests and needs")
    await expect(page.locator(".chips .chip").first).to_have_text("round 2 · zij · step 5")
    await expect(page.locator(".node--here")).to_have_attribute("data-state", "sharing_interests")
    journal = page.locator("#journal")
    await expect(journal.locator(".timeline__item").first).to_contain_text("Hold exploration meeting")
    await page.screenshot(path=str(ARTIFACTS / "dashboard-coalition.png"), full_page=True)
    await journal.locator("[data-whole-journal]").click()
    await expect(page.locator("#journal")).to_contain_text("agreed with the alderman")

    # The portfolio follows (visibility is eventually consistent: reload until it does).
    deadline = time.monotonic() + 20
    row = page.locator(f'[data-row="{WALKED}"]')
    while True:
        await page.goto(f"{stack.base}/dashboard/?programme=Dashboard")
        if "Sharing interests" in (await row.inner_text() if await row.count() else ""):
            break
        assert time.monotonic() < deadline, await page.content()
        await asyncio.sleep(0.5)
    await expect(page.locator('[data-count-for="2:sharing_interests"]')).to_have_text("1")
    await expect(page.locator('[data-kpi="total"]')).to_have_text("1")
    assert await page.locator(".coalition-dot").count() == 1
    await page.goto(f"{stack.base}/dashboard/")
    await expect(page.locator(f'[data-row="{SEEDED}"]')).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "dashboard-portfolio.png"), full_page=True)
    assert errors == []


@pytest.mark.browser
async def test_auditor_reads_everything_and_gets_no_form(stack: Stack) -> None:
    page, errors = await logged_in(stack, "auditor")
    await expect(page.locator(f'[data-row="{SEEDED}"]')).to_be_visible()
    assert await page.locator("#form-start").count() == 0
    await page.goto(f"{stack.base}/dashboard/coalitions/{SEEDED}")
    await expect(page.locator("h1")).to_have_text("Taskforce Wonen en Zorg")
    # Steps with their blockers are shown to read; no form but the log-out button's.
    await expect(page.locator("[data-step]").first).to_be_visible()
    assert await page.locator("form[data-validate]").count() == 0
    assert await page.locator('form[action*="/triggers/"]').count() == 0
    await expect(page.locator("#actions")).to_contain_text("Ambassador network in every region")
    await expect(page.locator("[data-temporal-link]")).to_have_attribute(
        "href", f"http://127.0.0.1:{stack.ui_port}/namespaces/default/workflows/coalition%2F{SEEDED}"
    )
    # Posting anyway, with the auditor's session, is refused and changes nothing.
    before = await journal_length(stack, SEEDED)
    response = await page.request.post(
        f"{stack.base}/dashboard/coalitions/{SEEDED}/triggers/record_intent",
        form={"intent": "an auditor's intent"},
    )
    assert response.status == 403
    assert await journal_length(stack, SEEDED) == before
    await page.screenshot(path=str(ARTIFACTS / "dashboard-auditor.png"), full_page=True)
    assert errors == []


@pytest.mark.browser
async def test_partner_gets_only_its_own_records(stack: Stack) -> None:
    page, errors = await logged_in(stack, "aedes", width=420)  # and the layout holds on a phone
    await page.goto(f"{stack.base}/dashboard/coalitions/{SEEDED}")
    assert await page.locator('form[action*="/triggers/"] [data-trigger="elaborate_content"]').count() == 0
    offered = await page.locator("[data-record]").evaluate_all("els => els.map(e => e.dataset.record)")
    assert set(offered) <= {
        "record_interview",
        "update_agenda",
        "commit",
        "record_constituency_support",
        "join_communication_coalition",
        "correct_record",  # its own interview and commitment
    }
    assert "commit" in offered
    await page.locator('[data-record="commit"] summary').click()  # loads the form into the page
    await expect(page.locator('#form-commit [name="partner"]')).to_be_visible()
    options = await page.locator('#form-commit [name="partner"] option').all_text_contents()
    assert options == ["Aedes"]
    await record(page, "commit", {"statement": "Aedes builds the homes."})
    await expect(page.locator("#actions")).to_contain_text("Aedes builds the homes.")
    assert errors == []


# Fills every input of a form with awkward values (blank, spaces, too long, not a date, not a
# number, a line without a colon), then asks the page's own checker what is wrong and returns
# that with the values the form would post.
_FILL_AND_CHECK = """(form) => {
  const awkward = ["", "  ", "x".repeat(201), "2027-02-30", "abc", "Aedes: yes\\nno colon",
                   "ok", "-3", "2027-05-01", "VNG\\nAedes"];
  for (const add of form.querySelectorAll("[data-add]")) add.click();
  let i = 0;
  for (const el of form.elements) {
    if (!el.name || el.name.startsWith("__")) continue;
    i += 1;
    if (el.type === "checkbox") el.checked = i % 3 === 0;
    else if (el.tagName === "SELECT") el.selectedIndex = i % el.options.length;
    else el.value = awkward[i % awkward.length];
  }
  return {errors: check(form, directFields(form), {}), values: [...new FormData(form)]};
}"""


@pytest.mark.slow
@pytest.mark.browser
async def test_page_and_server_find_the_same_mistakes_in_every_form(stack: Stack) -> None:
    schemas = {t["name"]: t["payload_schema"] for t in method_description()["triggers"]}
    schemas["start"] = method_description()["start"]["payload_schema"]
    page, errors = await logged_in(stack, "coordinator")
    checked = 0
    for url in ("/dashboard/", f"/dashboard/coalitions/{SEEDED}"):
        await page.goto(stack.base + url)
        await page.evaluate(OPEN_PANELS)  # every folded form fetched into the page
        for form in await page.locator("form[data-validate]").all():
            trigger = (await form.get_attribute("id") or "").removeprefix("form-")
            found = await form.evaluate(_FILL_AND_CHECK)
            _, on_server = decode(fields(schemas[trigger]), form_values(found["values"]))
            assert found["errors"] == on_server, trigger
            checked += bool(on_server)
    assert checked >= 20  # most forms had something wrong, and both sides said the same

    # A rule across fields, that only the method's model knows, is shown above the form.
    await page.goto(f"{stack.base}/dashboard/coalitions/{SEEDED}")
    before = await journal_length(stack, SEEDED)
    await page.locator('[data-record="add_action"] summary').click()
    form = page.locator("#form-add_action")
    await form.locator('[name="title"]').fill("Both owned and unowned")
    await form.locator('[name="owner"]').select_option("VNG")
    await form.locator('[name="explicitly_unassigned"]').check()
    await submit(page, "form-add_action")
    await expect(page.locator("#form-add_action [data-form-general]")).to_have_text(
        "give an owner or mark the action explicitly unassigned, not both"
    )
    await expect(page.locator("#form-add_action [data-form-alert]")).to_be_hidden()
    assert await journal_length(stack, SEEDED) == before
    assert errors == []


# Without a browser: the session, the posting rules, the portfolio's pages.


@pytest.mark.browser
async def test_sessions_and_origin_checks(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base, headers=ENGLISH) as client:
        assert (await client.get("/dashboard/")).status_code == 303
        assert "/dashboard" not in json.dumps((await client.get("/openapi.json")).json())
        wrong = await client.post("/dashboard/login", data={"key": "not-a-key"})
        assert wrong.status_code == 401 and "That key is not known" in wrong.text
        login = await client.post(
            "/dashboard/login", data={"key": KEYS["coordinator"]["key"], "next": "https://elsewhere.example/"}
        )
        assert login.status_code == 303 and login.headers["location"] == "/dashboard/"
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert KEYS["coordinator"]["key"].lower() not in cookie  # a signed actor, not the key
        assert (await client.get("/dashboard/")).status_code == 200
        cross = await client.post(
            f"/dashboard/coalitions/{SEEDED}/triggers/record_intent",
            data={"intent": "x"},
            headers={"Origin": "https://evil.test"},
        )
        assert cross.status_code == 403
        await client.post("/dashboard/logout")
        assert (await client.get("/dashboard/")).status_code == 303


@pytest.mark.browser
async def test_portfolio_pages_through_every_coalition(stack: Stack) -> None:
    slugs = [f"dash-page-{n}" for n in range(3)]
    for slug in slugs:
        await stack.service.start(walks.taskforce_start(slug, programme="Paging"), walks.COORDINATOR)
    async with httpx.AsyncClient(base_url=stack.base, headers=ENGLISH) as client:
        await client.post("/dashboard/login", data={"key": KEYS["auditor"]["key"]})
        deadline = time.monotonic() + 20
        while (
            len(re.findall(r'data-row="', (await client.get("/dashboard/?programme=Paging")).text)) < 3
        ):  # visibility catches up
            assert time.monotonic() < deadline
            await asyncio.sleep(0.3)
        seen: list[str] = []
        url: str | None = "/dashboard/?programme=Paging&size=2"
        while url is not None:
            text = (await client.get(url)).text
            seen += re.findall(r'data-row="([^"]+)"', text)
            following = re.search(r'href="([^"]+)" rel="next"', text)
            url = html.unescape(following.group(1)) if following else None
        assert sorted(seen) == slugs
