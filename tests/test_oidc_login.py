"""People log in to the dashboard through a real OpenID provider (oidc-provider on Node.js,
its own login and consent pages) in Debian's headless Chromium, against the real stack: a
Temporal dev server, the project's worker and the web app served by uvicorn.

Aedes's representative lands on a portfolio of exactly Aedes's coalitions, reads Aedes's
interview answers and not ActiZ's, records a commitment that the journal names her for
(issuer, subject, name, e-mail), and logs out, after which a copy of the cookie opens
nothing. A person without a role, one claiming the engine's own role, and an answer whose
state was changed on the way back are refused, with a page that says why.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyRing
from lemniscate.api.server import service_factory
from lemniscate.cli.web import create_app
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.examples import walks
from lemniscate.models.events import Role
from lemniscate.workers.main import create_worker
from tests.support.oidc_provider import OidcPeer
from tests.support.servers import borrow
from tests.support.web import CHROMIUM_ARGS, served
from tests.support.workflows import eventually

pytestmark = pytest.mark.browser

TASKFORCE, CITY, AEDES_OWN = "oidc-taskforce", "oidc-city", "oidc-aedes-own"
AEDES_DRIVE = "Aedes wants homes its tenants can grow old in."
ACTIZ_DRIVE = "ActiZ fears losing its nurses to the hospitals."


@dataclass
class Stack:
    base: str
    peer: OidcPeer
    service: CoalitionService
    browser: Browser


def _interview(org: str, drive: str) -> dict[str, Any]:
    answers = {**walks._answers(org, drive), "drive": drive}
    return {"partner": org, "answers": answers, "held_on": "2027-01-12", "interviewer": "anna"}


async def _seed(service: CoalitionService) -> None:
    """The memberships of tests/test_reads_membership.py: Aedes and ActiZ partners of the
    taskforce, neither of the city, Aedes the initiator of a third; each partner's own
    interview answers in the taskforce."""
    aedes_own = {**walks.city_start(AEDES_OWN), "name": "Aedes builds", "initiators": ["Aedes"]}
    for start in (walks.taskforce_start(TASKFORCE), walks.city_start(CITY), aedes_own):
        await service.start(start, walks.COORDINATOR)
    await service.trigger(TASKFORCE, "record_intent", {"intent": "Housing with care."}, walks.COORDINATOR)
    for org, drive in (("Aedes", AEDES_DRIVE), ("ActiZ", ACTIZ_DRIVE)):
        await service.trigger(TASKFORCE, "record_interview", _interview(org, drive), walks.COORDINATOR)

    async def counted() -> int:
        return await service.count(PortfolioFilter(), walks.COORDINATOR)

    await eventually(counted, lambda n: n == 3, timeout=20)  # visibility lags


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment, oidc_peer: OidcPeer
) -> AsyncIterator[Stack]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install -y chromium"
    keys = tmp_path_factory.mktemp("oidc") / "keys.json"
    keys.write_text("[]")
    async with borrow(dev_server, own_namespace=True) as env, async_playwright() as pw:
        settings = ClusterSettings.from_env(
            {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": env.client.namespace,
                "LEMNISCATE_TASK_QUEUE": f"oidc-{env.client.namespace[-6:]}",
            }
        )
        async with create_worker(env.client, settings.task_queue):
            service = CoalitionService(env.client, settings.task_queue)
            await _seed(service)
            app = create_app(
                service_factory(settings, env.client), KeyRing.load(keys), settings, oidc_peer.settings()
            )
            async with served(app, oidc_peer.dashboard_port) as base:
                browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    yield Stack(base, oidc_peer, service, browser)
                finally:
                    await browser.close()


async def _at_provider(stack: Stack, login: str) -> Page:
    """A fresh browser on the dashboard, sent to the provider's login page, where `login`
    signs in (any password) and consents."""
    page = await (await stack.browser.new_context()).new_page()
    await page.goto(f"{stack.base}/dashboard/")
    assert "/dashboard/login" in page.url  # every page checks the session first
    await page.click("#organisation-login")
    await page.wait_for_url(f"{stack.peer.issuer}/**")
    await page.fill('input[name="login"]', login)
    await page.fill('input[name="password"]', "any password will do")
    await page.click('button[type="submit"]')
    await page.click('button[type="submit"]:has-text("Continue")')  # the consent page
    return page


async def _logged_in(stack: Stack, login: str, name: str) -> Page:
    page = await _at_provider(stack, login)
    await expect(page.locator(".who__name")).to_have_text(name)
    return page


async def test_a_partner_logs_in_reads_its_own_and_logs_out(stack: Stack) -> None:
    page = await _logged_in(stack, "piet", "Piet de Vries")
    assert page.url == f"{stack.base}/dashboard/"
    await expect(page.locator(".who .role")).to_have_text("partner · Aedes")
    rows = await page.locator("tr[data-row]").evaluate_all("rows => rows.map(r => r.dataset.row)")
    assert set(rows) == {TASKFORCE, AEDES_OWN}

    await page.click(f'a[href="/dashboard/coalitions/{TASKFORCE}"]')
    await expect(page.locator("h1")).to_contain_text("Taskforce")
    text = await page.content()
    assert AEDES_DRIVE in text and ACTIZ_DRIVE not in text

    cookie = next(c for c in await page.context.cookies() if c["name"] == "lemniscate_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    await page.click("text=Log out")
    await page.wait_for_url(f"{stack.base}/dashboard/login")
    async with httpx.AsyncClient(base_url=stack.base) as client:
        replayed = await client.get(
            "/dashboard/", headers={"Cookie": f"lemniscate_session={cookie['value']}"}
        )
    assert replayed.status_code == 303 and replayed.headers["location"].startswith("/dashboard/login")


async def test_the_journal_names_the_person_who_fired_a_trigger(stack: Stack) -> None:
    page = await _logged_in(stack, "piet", "Piet de Vries")
    await page.goto(f"{stack.base}/dashboard/coalitions/{TASKFORCE}")
    trigger = "join_communication_coalition"
    await page.locator(f'[data-record="{trigger}"] summary').click()
    await page.locator(f'#form-{trigger} [name="advisor"]').fill("Mieke Bakker")
    async with page.expect_navigation():
        await page.locator(f"#form-{trigger} button[type=submit]").click()
    await expect(page.locator("[data-done]")).to_contain_text("Join communication coalition")

    journal = await stack.service.journal(TASKFORCE, walks.COORDINATOR)
    actor = journal[-1].event.actor
    assert journal[-1].event.trigger == trigger
    assert actor.role == Role.partner and actor.organisation == "Aedes"
    assert actor.person is not None
    assert (actor.person.issuer, actor.person.subject) == (stack.peer.issuer, "piet")
    assert (actor.person.name, actor.person.email) == ("Piet de Vries", "piet@aedes.example")
    assert actor.id == f"piet@127.0.0.1:{stack.peer.issuer.rsplit(':', 1)[1]}"
    assert str(actor) == "Piet de Vries (Aedes) as partner"


@pytest.mark.parametrize(
    ("login", "name"),
    [("anna", "Anna Coordinator"), ("ria", "Ria Jansen"), ("els", "Els Auditor")],
)
async def test_every_role_logs_in(stack: Stack, login: str, name: str) -> None:
    await _logged_in(stack, login, name)


@pytest.mark.parametrize(
    "login",
    [
        "kees",  # no role claim at all
        "root",  # claims the engine's own role
    ],
)
async def test_a_person_without_a_role_is_refused(stack: Stack, login: str) -> None:
    page = await _at_provider(stack, login)
    await expect(page.locator("h1")).to_have_text("You are not logged in")
    await expect(page.locator("main")).to_contain_text("has not given you a role in Lemniscate")
    assert "/dashboard/oidc/callback" in page.url
    assert not [c for c in await page.context.cookies() if c["name"] == "lemniscate_session"]
    answer = await page.request.get(f"{stack.base}/dashboard/", max_redirects=0)
    assert answer.status == 303  # not logged in as anything


async def _answer_of_provider(stack: Stack, client: httpx.AsyncClient, login: str) -> httpx.URL:
    """The provider's real pages driven over HTTP instead of a browser, up to the redirect
    back to the dashboard, which is returned, not followed (so a test can change it)."""
    answer = await client.get(f"{stack.base}/dashboard/oidc/login")
    while True:
        location = answer.headers.get("location")
        if answer.status_code in (302, 303) and location:
            target = answer.url.join(location)
            if str(target).startswith(f"{stack.base}/dashboard/oidc/callback"):
                return target
            answer = await client.get(target)
            continue
        assert answer.status_code == 200, answer.text
        action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
        prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)
        assert action and prompt, answer.text
        form = {"prompt": prompt.group(1), "login": login, "password": "x"}
        answer = await client.post(answer.url.join(html.unescape(action.group(1))), data=form)


async def test_a_changed_state_is_refused(stack: Stack) -> None:
    async with httpx.AsyncClient() as client:
        back = await _answer_of_provider(stack, client, "anna")
        changed = back.copy_set_param("state", "changed-on-the-way-back")
        refused = await client.get(changed)
        assert refused.status_code == 400 and "did not belong to this log-in" in refused.text
        assert "lemniscate_session" not in refused.headers.get("set-cookie", "")

    async with httpx.AsyncClient() as client:  # the same answer, unchanged, logs in
        back = await _answer_of_provider(stack, client, "anna")
        accepted = await client.get(back)
        assert accepted.status_code == 303 and "lemniscate_session=" in accepted.headers["set-cookie"]
        replayed = await client.get(back)  # the round-trip's cookie is used once
        assert replayed.status_code == 400


async def test_a_callback_without_its_login_cookie_is_refused(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base) as client:
        answer = await client.get("/dashboard/oidc/callback", params={"code": "x", "state": "y"})
        assert answer.status_code == 400 and "took too long" in answer.text
        forged = await client.get(
            "/dashboard/oidc/callback",
            params={"code": "x", "state": "y"},
            headers={"Cookie": "lemniscate_oidc_login=eyJzdGF0ZSI6InkifQ.forged"},
        )
        assert forged.status_code == 400 and "set-cookie" in forged.headers
        begun = await client.get("/dashboard/oidc/login", params={"next": "https://elsewhere.example/"})
        assert begun.status_code == 303 and begun.headers["location"].startswith(stack.peer.issuer)
        held = begun.headers["set-cookie"].lower()
        assert "httponly" in held and "samesite=lax" in held and "path=/dashboard/oidc" in held
        assert "code_challenge_method=S256" in begun.headers["location"]
        assert "nonce=" in begun.headers["location"]
