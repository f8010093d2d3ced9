"""The audit trail said in Dutch and in English: one trail (on the time-skipping server)
rendered in both; the readable formats speak the language asked for and still verify, the
JSON is the same in both; the API answers in the request's Accept-Language; the CLI's
verification speaks `--lang`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from lemniscate.api import problems
from lemniscate.api.audit_routes import audit_router
from lemniscate.api.auth import KeyEntry, KeyRing
from lemniscate.audit.formats import render
from lemniscate.audit.formats.csv_report import COLUMNS, header
from lemniscate.audit.formats.spreadsheet import read
from lemniscate.audit.report import AuditReport, build_report
from lemniscate.audit.verify import verify_text
from lemniscate.cli.main import cli
from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Role
from lemniscate.workflows.io import workflow_id
from lemniscate.workflows.publisher import PUBLISH_AFTER
from tests.support.servers import borrow, running_worker
from tests.support.workflows import settled_history_length, walk_service

SLUG = "audit-taal"
AUDITOR_KEY = "auditor-key-0123456789abcd"


@pytest.fixture(scope="module")
async def audited(
    time_skipping: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[CoalitionService, AuditReport]]:
    log = tmp_path_factory.mktemp("taal") / "refusals.jsonl"
    async with borrow(time_skipping, own_namespace=True) as env, running_worker(env.client) as service:
        await service.start(walks.taskforce_start(SLUG), walks.COORDINATOR)
        await walk_service(service, SLUG, walks.taskforce_to_execution())
        # The publisher sends the last events a batching window later; the trail read after
        # that is the one every request below reads again, whatever its language.
        await settled_history_length(
            service.client, workflow_id(SLUG), quiet=PUBLISH_AFTER.total_seconds() + 1
        )
        yield service, await build_report(service, SLUG, READER, refusal_log=log)


async def test_the_same_trail_in_dutch_and_english(audited: tuple[CoalitionService, AuditReport]) -> None:
    _, report = audited
    html, html_en = render(report, "html", "nl"), render(report, "html", "en")
    assert html.startswith('<!DOCTYPE html>\n<html lang="nl">') and '<html lang="en">' in html_en
    for dutch in (
        "Auditspoor: ",
        "Controle geslaagd.",
        "<h2>Geweigerde pogingen</h2>",
        "Spoor: elke aanvaarde",
    ):
        assert dutch in html
    assert "Audit trail: " in html_en and "Auditspoor" not in html_en
    # The plain words of an entry in Dutch, derived from the same entry as the English.
    assert "Huidige toestand" in html and "Current state" in html_en

    md = render(report, "md", "nl")
    assert md.startswith("# Auditspoor: ") and "## Controle" in md and "**Geslaagd.**" in md
    assert "- **Wanneer:** " in md and "| toets | voorwaarde | op dat moment |" in md

    columns, rows = read(render(report, "csv", "nl"))
    assert columns == header("nl") and columns[:2] == ("volgnr", "tijdstip")
    assert read(render(report, "csv", "en"))[0] == COLUMNS
    assert any("vervuld" in row["voorwaarden"] for row in rows)

    # Machine output does not change with the language.
    assert render(report, "json", "nl") == render(report, "json", "en")
    assert json.loads(render(report, "json", "nl"))["entries"][0]["words"].startswith("Coalition ")

    # Every Dutch export verifies, and an edited one still fails naming its entry.
    for fmt in ("html", "md", "csv"):
        text = render(report, fmt, "nl")
        assert verify_text(text).problems == [], fmt
    edited = md.replace("**Wanneer:**", "**Toen:**", 1)
    assert any("entry #1" in p for p in verify_text(edited).problems)


async def test_api_audit_route_answers_in_accept_language(
    audited: tuple[CoalitionService, AuditReport],
) -> None:
    service, _ = audited

    async def factory() -> CoalitionService:
        return service

    app = FastAPI()
    problems.install(app)
    app.state.keys = KeyRing([KeyEntry(key=AUDITOR_KEY, id="els", role=Role.auditor)])
    app.include_router(audit_router(factory))
    auth = {"Authorization": f"Bearer {AUDITOR_KEY}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        url = f"/coalitions/{SLUG}/audit"
        dutch = await client.get(
            url, params={"format": "html"}, headers={**auth, "Accept-Language": "nl-NL,nl;q=0.9"}
        )
        assert dutch.status_code == 200 and dutch.headers["content-language"] == "nl"
        assert "Auditspoor: " in dutch.text and '<html lang="nl">' in dutch.text
        english = await client.get(url, params={"format": "md"}, headers={**auth, "Accept-Language": "en"})
        assert english.headers["content-language"] == "en" and english.text.startswith("# Audit trail: ")

        as_json = [await client.get(url, headers={**auth, "Accept-Language": lang}) for lang in ("nl", "en")]
        assert all("content-language" not in r.headers for r in as_json)
        dumped = [r.json() for r in as_json]
        for data in dumped:
            data.pop("generated_at")  # each request builds its report anew
        assert dumped[0] == dumped[1]


async def test_cli_verification_speaks_its_language(
    audited: tuple[CoalitionService, AuditReport], tmp_path: Path
) -> None:
    _, report = audited
    exported = tmp_path / "spoor.md"
    exported.write_text(render(report, "md", "nl"), "utf-8")
    said = CliRunner().invoke(cli, ["--lang", "nl", "audit", "--verify", str(exported)])
    assert said.exit_code == 0, said.output
    assert said.stdout.startswith(f"gecontroleerd: {exported} (md): ")
    exported.write_text(render(report, "md", "nl").replace("**Wanneer:**", "**Toen:**", 1), "utf-8")
    failed = CliRunner().invoke(cli, ["--lang", "nl", "audit", "--verify", str(exported)])
    assert failed.exit_code != 0 and "NIET GECONTROLEERD" in failed.stderr
    assert "regel #1: de getoonde tekst wijkt af" in failed.stderr
