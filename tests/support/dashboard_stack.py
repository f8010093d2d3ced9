"""The dashboard's stack for tests/test_dashboard.py, and what the browser tests do on a page.

The stack: the session's dev server, a worker, the API app with the dashboard mounted
(configured as beside an embedded server, as `lemniscate up` runs it), served by uvicorn,
and Debian's Chromium through Playwright; one coalition walked partway by the service.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyRing
from lemniscate.api.server import service_factory
from lemniscate.cli.web import create_app
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.workers.main import create_worker
from tests.support.ports import free_ports
from tests.support.servers import borrow
from tests.support.web import CHROMIUM_ARGS, served

KEYS: dict[str, dict[str, Any]] = {
    "coordinator": {"key": "dash-coordinator-key-0123", "id": "anna", "role": "coordinator"},
    "auditor": {"key": "dash-auditor-key-01234567", "id": "els", "role": "auditor"},
    "aedes": {"key": "dash-aedes-key-0123456789", "id": "piet", "role": "partner", "organisation": "Aedes"},
}
SEEDED = "dash-seeded"  # walked partway by the service, for the auditor and the partner


@dataclass
class Stack:
    base: str
    service: CoalitionService
    browser: Browser
    ui_port: int


@asynccontextmanager
async def dashboard_stack(data: Path, dev_server: WorkflowEnvironment) -> AsyncIterator[Stack]:
    """The stack, its files in `data`."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install -y chromium"
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
        for walked in walks.taskforce_to_execution()[:30]:  # into round 2, with actions
            await service.trigger(SEEDED, walked.trigger, walked.payload, walked.actor)
        factory = service_factory(settings, server.client)
        app = create_app(factory, KeyRing.load(key_path), settings)
        async with served(app, http_port) as base:
            browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                yield Stack(base, service, browser, ui_port)
            finally:
                await browser.close()


async def logged_in(stack: Stack, who: str, width: int = 1400) -> tuple[Page, list[str]]:
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


async def submit(page: Page, form_id: str) -> None:
    async with page.expect_navigation():
        await page.locator(f"#{form_id} button[type=submit]").click()


async def record(
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
    await submit(page, f"form-{trigger}")
    await expect(page.locator("[data-done]")).to_contain_text(trigger.replace("_", " ").capitalize())


async def step(page: Page, trigger: str, state_title: str) -> None:
    await submit(page, f"form-{trigger}")
    await expect(page.locator("[data-done]")).to_contain_text(f"Now: {state_title}")


def interview_form(partner: str) -> dict[str, str]:
    answers = {f"answers.{k}": v for k, v in walks._answers(partner, "A shared task.").items()}
    return {**answers, "held_on": "2027-01-12", "interviewer": "anna"}


async def journal_length(stack: Stack, slug: str) -> int:
    return (await stack.service.view(slug, READER)).status.journal_length
