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
import contextlib
import html
import json
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyRing
from lemniscate.api.server import service_factory
from lemniscate.cli.web import create_app
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService, PortfolioFilter, PortfolioRow
from lemniscate.dashboard import portfolio
from lemniscate.dashboard.forms import decode, fields, form_values
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Actor
from lemniscate.states.describe import method_description
from lemniscate.workers.main import create_worker
from tests.support.axe import OPEN_PANELS
from tests.support.ports import free_ports
from tests.support.servers import borrow
from tests.support.web import CHROMIUM_ARGS

ARTIFACTS = Path(__file__).parent / "artifacts"
KEYS: dict[str, dict[str, Any]] = {
    "coordinator": {"key": "dash-coordinator-key-0123", "id": "anna", "role": "coordinator"},
    "auditor": {"key": "dash-auditor-key-01234567", "id": "els", "role": "auditor"},
    "aedes": {"key": "dash-aedes-key-0123456789", "id": "piet", "role": "partner", "organisation": "Aedes"},
}
ENGLISH = {"Accept-Language": "en"}  # the office default is Dutch; these tests read English
SEEDED = "dash-seeded"  # walked partway by the service, for the auditor and the partner
WALKED = "dash-walk"  # started and walked from the page by the coordinator


class _Server(uvicorn.Server):
    """uvicorn inside the test's event loop, leaving signals to pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Stack:
    base: str
    service: CoalitionService
    browser: Browser
    ui_port: int


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment
) -> AsyncIterator[Stack]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install -y chromium"
    data = tmp_path_factory.mktemp("dashboard")
    server_port, ui_port, http_port = free_ports(3)
    settings = ClusterSettings.from_env(
        {
            "LEMNISCATE_DATA_DIR": str(data),
            "LEMNISCATE_SERVER_PORT": str(server_port),
            "LEMNISCATE_UI_PORT": str(ui_port),
            "LEMNISCATE_TASK_QUEUE": f"dashboard-{uuid.uuid4().hex[:6]}",
        }
    )
    key_path = data / "keys.json"
    key_path.write_text(json.dumps(list(KEYS.values())))
    # The dashboard is configured as beside an embedded server, as `lemniscate up` runs it
    # (its Web UI link names that server's UI port and the default namespace), while the
    # coalitions are on the session's dev server, in its default namespace.
    async with (
        borrow(dev_server) as server,
        create_worker(server.client, settings.task_queue),
        async_playwright() as pw,
    ):
        service = CoalitionService(server.client, settings.task_queue)
        await service.start(walks.taskforce_start(SEEDED, programme="Dashboard seeded"), walks.COORDINATOR)
        for step in walks.taskforce_to_execution()[:30]:  # into round 2, with actions
            await service.trigger(SEEDED, step.trigger, step.payload, step.actor)
        factory = service_factory(settings, server.client)
        app = create_app(factory, KeyRing.load(key_path), settings)
        web = _Server(
            uvicorn.Config(app, host="127.0.0.1", port=http_port, log_level="warning", lifespan="off")
        )
        serving = asyncio.create_task(web.serve())
        while not web.started:
            assert not serving.done(), serving.exception()
            await asyncio.sleep(0.02)
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield Stack(f"http://127.0.0.1:{http_port}", service, browser, ui_port)
        finally:
            await browser.close()
            web.should_exit = True
            await serving


async def _logged_in(stack: Stack, who: str, width: int = 1400) -> tuple[Page, list[str]]:
    """A fresh browser context logged in with `who`'s key, and the script errors it meets."""
    # In English, as these tests read the pages (the office default is Dutch).
    context = await stack.browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # What the Content-Security-Policy blocks is reported on the console, not as a page error.
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    await page.goto(f"{stack.base}/dashboard/")
    assert "/dashboard/login" in page.url  # every page checks the session first
    await page.fill("#key", KEYS[who]["key"])
    await page.click("form[action='/dashboard/login'] button[type=submit]")
    await expect(page.locator(".who__name")).to_have_text(KEYS[who]["id"])
    return page, errors


async def _submit(page: Page, form_id: str) -> None:
    async with page.expect_navigation():
        await page.locator(f"#{form_id} button[type=submit]").click()


async def _record(
    page: Page,
    trigger: str,
    fill: dict[str, str] | None = None,
    select: dict[str, str] | None = None,
    tick: list[tuple[str, str]] | None = None,
) -> None:
    """Open a record's form on the coalition page, fill it in and send it."""
    details = page.locator(f'[data-record="{trigger}"]')
    if await details.get_attribute("open") is None:
        await details.locator("summary").click()
    form = page.locator(f"#form-{trigger}")
    for name, value in (fill or {}).items():
        await form.locator(f'[name="{name}"]').fill(value)
    for name, value in (select or {}).items():
        await form.locator(f'[name="{name}"]').select_option(value)
    for name, value in tick or []:
        await form.locator(f'[name="{name}"][value="{value}"]').check()
    await _submit(page, f"form-{trigger}")
    await expect(page.locator("[data-done]")).to_contain_text(trigger.replace("_", " ").capitalize())


async def _step(page: Page, trigger: str, state_title: str) -> None:
    await _submit(page, f"form-{trigger}")
    await expect(page.locator("[data-done]")).to_contain_text(f"Now: {state_title}")


def _interview(partner: str) -> dict[str, str]:
    answers = {f"answers.{k}": v for k, v in walks._answers(partner, "A shared task.").items()}
    return {**answers, "held_on": "2027-01-12", "interviewer": "anna"}


async def _journal_length(stack: Stack, slug: str) -> int:
    return (await stack.service.view(slug, READER)).status.journal_length


@pytest.mark.slow
@pytest.mark.browser
async def test_coordinator_walks_round_one_from_the_page(stack: Stack) -> None:
    page, errors = await _logged_in(stack, "coordinator")

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
    await _submit(page, "form-start")
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
    await _submit(page, "form-record_intent")
    from_server = page.locator('#form-record_intent [data-error-for="intent"]')
    await expect(from_server).to_have_text(client_says)
    await expect(page.locator("#form-record_intent [data-form-alert]")).to_have_text(
        "Check the marked fields."
    )
    assert "/forms/record_intent?held=" in page.url  # sent back as a GET: a reload posts nothing

    # A refused step shows the guard's sentences and changes nothing.
    await page.goto(f"{stack.base}/dashboard/coalitions/{WALKED}")
    before = await _journal_length(stack, WALKED)
    await _submit(page, "form-map_domain")
    refusal = page.locator("#form-map_domain [data-refusal]")
    await expect(refusal).to_contain_text("Refused — nothing changed.")
    await expect(refusal).to_contain_text("The initiator's own intent is not recorded yet (record_intent).")
    await expect(refusal).to_contain_text("2 of 2 prospective partners have no interview: Aedes, Woonbond")
    assert await _journal_length(stack, WALKED) == before
    await expect(page.locator(".badge[data-state]")).to_have_text("Own intent and partners' interests")

    # A record the method refuses for its content: the sentence names the field.
    await page.goto(f"{stack.base}/dashboard/coalitions/{WALKED}")
    await page.locator('[data-record="add_partner"] summary').click()
    await page.locator('#form-add_partner [name="name"]').fill("Aedes")
    await _submit(page, "form-add_partner")
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
    await _record(
        page,
        "record_intent",
        {"intent": "The municipality wants homes with care.", "__reason": "agreed with the alderman"},
    )
    for partner in ("Aedes", "Woonbond"):
        await _record(page, "record_interview", _interview(partner), {"partner": partner})
    await _step(page, "map_domain", "Map the coalition's domain")
    await _record(
        page,
        "map_topic",
        {"topic": "Homes for older people"},
        tick=[("partners", "Aedes"), ("partners", "Woonbond")],
    )
    await _step(page, "plan_collaboration", "Own plan for the collaboration")
    for partner, influence in (("Aedes", "high"), ("Woonbond", "low")):
        await _record(
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
    await _step(page, "prepare_exploration_meeting", "Organise the exploration meeting")
    await _record(
        page,
        "plan_meeting",
        {"on": "2027-03-04"},
        {"kind": "exploration"},
        [("invitees", "Aedes"), ("invitees", "Woonbond"), ("inviters", "Gemeente")],
    )
    await _step(page, "hold_exploration_meeting", "Partners share interests and needs")
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
    page, errors = await _logged_in(stack, "auditor")
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
    before = await _journal_length(stack, SEEDED)
    response = await page.request.post(
        f"{stack.base}/dashboard/coalitions/{SEEDED}/triggers/record_intent",
        form={"intent": "an auditor's intent"},
    )
    assert response.status == 403
    assert await _journal_length(stack, SEEDED) == before
    await page.screenshot(path=str(ARTIFACTS / "dashboard-auditor.png"), full_page=True)
    assert errors == []


@pytest.mark.browser
async def test_partner_gets_only_its_own_records(stack: Stack) -> None:
    page, errors = await _logged_in(stack, "aedes", width=420)  # and the layout holds on a phone
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
    await _record(page, "commit", {"statement": "Aedes builds the homes."})
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
    page, errors = await _logged_in(stack, "coordinator")
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
    before = await _journal_length(stack, SEEDED)
    await page.locator('[data-record="add_action"] summary').click()
    form = page.locator("#form-add_action")
    await form.locator('[name="title"]').fill("Both owned and unowned")
    await form.locator('[name="owner"]').select_option("VNG")
    await form.locator('[name="explicitly_unassigned"]').check()
    await _submit(page, "form-add_action")
    await expect(page.locator("#form-add_action [data-form-general]")).to_have_text(
        "Value error, give an owner or mark the action explicitly unassigned, not both"
    )
    await expect(page.locator("#form-add_action [data-form-alert]")).to_be_hidden()
    assert await _journal_length(stack, SEEDED) == before
    assert errors == []


# Without a browser: the session, the posting rules, and the forms' decoding.


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


class _Visibility:
    """Stands in for the service's list: rows per band, handed out `limit` at a time."""

    def __init__(self, bands: dict[str, list[str]]) -> None:
        self.bands = bands

    async def list(
        self, where: PortfolioFilter, reader: Actor, limit: int, token: bytes | None
    ) -> tuple[list[PortfolioRow], bytes | None]:
        urgent = getattr(where, "urgent", None)
        band = "at_risk" if where.at_risk else "urgent" if urgent else "due" if where.due_before else "rest"
        start = int(token or b"0")
        ids = self.bands[band][start : start + limit]
        more = start + limit < len(self.bands[band])
        now = datetime.now(UTC)
        rows = [
            PortfolioRow(
                id=i,
                status="running",
                state="doing",
                round="execution",
                side="het",
                programme=None,
                organisations=[],
                at_risk=band == "at_risk",
                next_follow_up_at=None,
                started_at=now,
            )
            for i in ids
        ]
        return rows, str(start + limit).encode() if more else None


async def test_portfolio_lists_at_risk_then_urgent_then_due_then_the_rest() -> None:
    fake = _Visibility({"at_risk": ["r1", "r2", "r3"], "urgent": ["u1"], "due": ["d1"], "rest": ["o1", "o2"]})
    service = cast(CoalitionService, fake)
    now = datetime(2027, 1, 6, tzinfo=UTC)  # a Wednesday: the week ends Monday the 11th
    assert portfolio.end_of_week(now) == datetime(2027, 1, 11, tzinfo=UTC)
    pages, token = [], None
    while True:
        listed = await portfolio.page(service, PortfolioFilter(), READER, now, 2, token)
        pages.append([r.id for r in listed.rows])
        if (token := listed.next_token) is None:
            break
    assert pages == [["r1", "r2"], ["r3", "u1"], ["d1", "o1"], ["o2"]]
    only_risky = await portfolio.page(service, PortfolioFilter(at_risk=True), READER, now, 10, None)
    assert [r.id for r in only_risky.rows] == ["r1", "r2", "r3"]
    rest = portfolio.bands(PortfolioFilter(programme="P"), now)[-1].query()
    assert (
        "LemniscateNextFollowUp > '2027-01-11T00:00:00+00:00' OR LemniscateNextFollowUp IS NULL" in rest
        and "LemniscateProgramme = 'P'" in rest
    )


def test_forms_decode_nested_lists_and_say_what_is_wrong() -> None:
    schemas = {t["name"]: t["payload_schema"] for t in method_description()["triggers"]}
    specs = fields(schemas["record_meeting_outcome"])
    payload, errors = decode(
        specs,
        {
            "meeting": ["M1"],
            "outcome.attended": ["VNG\nAedes\n"],
            "outcome.statements": ["VNG: we build\nno colon here"],
            "outcome.next_meeting_on": ["2027-02-30"],
            "outcome.commitment": ["strong"],
        },
    )
    assert errors == {
        "outcome.statements": ["Line 2: write it as 'name: text'."],
        "outcome.next_meeting_on": ["Give a date as YYYY-MM-DD."],
    }
    specs = fields(method_description()["start"]["payload_schema"])
    payload, errors = decode(
        specs,
        {
            "id": ["Not A Slug"],
            "name": ["n"],
            "task.title": ["t"],
            "initiators": ["A"],
            "coordinator": ["c"],
            "playbook": ["default"],
            "partners.0.name": ["VNG"],
            "partners.0.kind": ["government"],
            "partners.3.name": [""],
            "partners.3.kind": ["other"],
            "partners.0.agenda.0.on": ["2027-01-01"],
        },
    )
    assert errors == {
        "id": ["Use lower-case letters, digits and hyphens, e.g. my-coalition."],
        "partners.0.agenda.0.kind": ["Field required"],
        "partners.0.agenda.0.description": ["Field required"],
    }
    assert payload["partners"] == [{"name": "VNG", "kind": "government", "agenda": [{"on": "2027-01-01"}]}]
