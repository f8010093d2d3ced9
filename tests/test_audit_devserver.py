"""Auditors against the real dev server: `lemniscate audit` end to end (report, verify,
errors), the portfolio CSV from visibility with the key dates, and the HTTP route for
auditors and coordinators."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from lemniscate.api import problems
from lemniscate.api.audit_routes import CHAIN_HEAD_HEADER, FINDINGS_HEADER, audit_router
from lemniscate.api.auth import KeyEntry, KeyRing
from lemniscate.audit.refusals import ENV_REFUSAL_LOG, record_refusal
from lemniscate.cli.audit import audit
from lemniscate.cli.exits import EXIT_MISMATCH
from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Role
from tests.support.servers import borrow, running_worker
from tests.support.workflows import eventually, walk_service

CLOSED, DISSOLVED, FRESH = "audit-closed", "audit-dissolved", "audit-fresh"
KEYS = {
    "auditor": "auditor-key-0123456789abcd",
    "coordinator": "coordinator-key-0123456789",
    "partner": "partner-key-0123456789abcde",
}


@dataclass
class Stack:
    service: CoalitionService
    env: dict[str, str]

    async def run(self, *args: str) -> Result:
        # In a thread: the command runs its own event loop (asyncio.run).
        return await asyncio.to_thread(
            CliRunner().invoke, audit, list(args), env=self.env, catch_exceptions=False
        )


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment
) -> AsyncIterator[Stack]:
    data = tmp_path_factory.mktemp("audit-dev")
    # A namespace of its own: the portfolio lists every coalition in it.
    async with borrow(dev_server, own_namespace=True) as env, running_worker(env.client) as service:
        await service.start(walks.taskforce_start(CLOSED), walks.COORDINATOR)
        await walk_service(
            service,
            CLOSED,
            [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle(), *walks.taskforce_closing()],
        )
        await service.start(walks.city_start(DISSOLVED), walks.COORDINATOR)
        await service.fire(DISSOLVED, "dissolve", {"reason": "Nobody had time."}, walks.COORDINATOR)
        await service.start(walks.city_start(FRESH), walks.COORDINATOR)
        # Visibility is eventually consistent: wait until it shows all three as they are.
        await eventually(
            lambda: service.list(PortfolioFilter(running_only=True), READER),
            lambda page: [r.id for r in page[0]] == [FRESH],
        )
        yield Stack(
            service,
            {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": env.client.namespace,
                "LEMNISCATE_TASK_QUEUE": service.task_queue,
                ENV_REFUSAL_LOG: str(data / "refusals.jsonl"),
            },
        )


async def test_cli_audit_writes_verifies_and_fails_loudly(stack: Stack, tmp_path: Path) -> None:
    record_refusal(
        CLOSED,
        "close",
        walks.COORDINATOR,
        ["not everyone is credited"],
        path=Path(stack.env[ENV_REFUSAL_LOG]),
    )
    page = tmp_path / "closed.html"
    written = await stack.run(CLOSED, "--output", str(page))
    assert written.exit_code == 0, written.output
    assert "cross-check passed" in written.stderr and written.stdout == ""
    html = page.read_text()
    assert "Taskforce Wonen en Zorg" in html and '<span id="refusal-count">1</span>' in html

    verified = await stack.run("--verify", str(page))
    assert verified.exit_code == 0 and verified.stdout.startswith("verified: ")

    as_json = await stack.run(CLOSED, "--format", "json")
    report = json.loads(as_json.stdout)
    assert report["coalition"]["state"] == "closed" and report["findings"] == []
    assert f"chain head {report['chain']['head']}" in as_json.stderr
    assert report["entries"][-1]["entry"]["hash"] == report["chain"]["head"]

    broken = tmp_path / "broken.json"
    report["entries"][2]["entry"]["event"]["payload"]["held_on"] = "2027-02-01"
    broken.write_text(json.dumps(report))
    refused = await stack.run("--verify", str(broken))
    assert refused.exit_code == EXIT_MISMATCH
    assert "entry #3: content does not match its hash" in refused.stderr

    missing = await stack.run("no-such-coalition")
    assert missing.exit_code == 1 and "there is no coalition 'no-such-coalition'" in missing.stderr
    assert (await stack.run()).exit_code == 2  # a usage error: nothing to audit named
    assert "Example" in (await stack.run("--help")).stdout


async def test_portfolio_csv_lists_every_coalition_with_key_dates(stack: Stack, tmp_path: Path) -> None:
    path = tmp_path / "portfolio.csv"
    result = await stack.run("--portfolio", "--output", str(path))
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(path.read_text()))}
    assert set(rows) == {CLOSED, DISSOLVED, FRESH}

    journal = await stack.service.journal(CLOSED, READER)
    found_on = next(e.event.at.date() for e in journal if e.event.trigger == "found")
    closed = rows[CLOSED]
    assert (closed["name"], closed["state"], closed["round"], closed["side"]) == (
        "Taskforce Wonen en Zorg",
        "closed",
        "closure",
        "het",
    )
    assert closed["programme"] == "Wonen en Zorg" and "Aedes" in closed["organisations"]
    assert closed["founded_on"] == closed["execution_started_on"] == found_on.isoformat()
    assert closed["closed_on"] == journal[-1].event.at.date().isoformat()
    assert closed["status"] == "completed" and closed["at_risk"] == "no"
    assert closed["entries"] == str(len(journal))

    assert rows[DISSOLVED]["state"] == "dissolved" and rows[DISSOLVED]["closed_on"]
    assert rows[DISSOLVED]["founded_on"] == ""
    fresh = rows[FRESH]
    assert (fresh["name"], fresh["state"], fresh["status"]) == (
        "Aantrekkelijke binnenstad",
        "intent_and_interests",
        "running",
    )
    assert fresh["closed_on"] == "" and fresh["last_activity_at"].endswith("UTC")

    as_json = await stack.run("--portfolio", "--format", "json")
    assert {line["id"] for line in json.loads(as_json.stdout)} == set(rows)
    assert (await stack.run("--portfolio", "--format", "html")).exit_code == 2


async def test_api_audit_route_for_auditors_and_coordinators(stack: Stack) -> None:
    async def service() -> CoalitionService:
        return stack.service

    app = FastAPI()
    problems.install(app)
    app.state.keys = KeyRing(
        [
            KeyEntry(key=KEYS["auditor"], id="els", role=Role.auditor),
            KeyEntry(key=KEYS["coordinator"], id="anna", role=Role.coordinator),
            KeyEntry(key=KEYS["partner"], id="piet", role=Role.partner, organisation="Aedes"),
        ]
    )
    app.include_router(audit_router(service))

    def auth(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {KEYS[who]}"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        got = await client.get(f"/coalitions/{CLOSED}/audit", headers=auth("auditor"))
        assert got.status_code == 200 and got.headers["content-type"] == "application/json"
        report = got.json()
        assert got.headers[FINDINGS_HEADER] == "0"
        assert got.headers[CHAIN_HEAD_HEADER] == report["chain"]["head"]
        assert report["coalition"]["id"] == CLOSED

        for fmt, media in (("html", "text/html"), ("md", "text/markdown"), ("csv", "text/csv")):
            page = await client.get(
                f"/coalitions/{DISSOLVED}/audit", params={"format": fmt}, headers=auth("coordinator")
            )
            assert page.status_code == 200 and page.headers["content-type"].startswith(media)
            assert "dissolve" in page.text

        partner = await client.get(f"/coalitions/{CLOSED}/audit", headers=auth("partner"))
        assert partner.status_code == 403 and partner.json()["type"] == "/problems/forbidden"
        missing = await client.get("/coalitions/nope/audit", headers=auth("auditor"))
        assert missing.status_code == 404
        bad = await client.get(
            f"/coalitions/{CLOSED}/audit", params={"format": "pdf"}, headers=auth("auditor")
        )
        assert bad.status_code == 422
        anonymous = await client.get(f"/coalitions/{CLOSED}/audit")
        assert anonymous.status_code == 401
