"""The closing and dissolution report end to end on the time-skipping server: the example
taskforce walked to closing (one open action handed over, one dropped, the rest dropped by
default) and another dissolved, then read as `lemniscate show` (Dutch and English, text and
JSON), as `GET /coalitions/{id}/report` (HTML and PDF, and the 409 of a running one), as
`lemniscate report`, and on the dashboard."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.report_routes import NOT_ENDED_EXAMPLE
from lemniscate.cli.main import cli
from lemniscate.examples import walks
from lemniscate.examples.walks import Step
from tests.support.web_stack import WebStack, auth, web_stack
from tests.support.workflows import walk_service

CLOSED = "slot-taskforce"
DISSOLVED = "ontbonden-taskforce"
CLOSE = Step(
    "close",
    {
        "summary": "Closed with thanks to every partner.",
        "open_actions": [
            {"action": "A2", "fate": "handed_over", "to": "Gemeente Utrecht"},
            {"action": "A3", "fate": "dropped", "note": "No subsidy came."},
        ],
    },
)


@pytest.fixture(scope="module")
async def stack(
    time_skipping: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[WebStack]:
    async with web_stack(time_skipping, tmp_path_factory.mktemp("slot") / "refusals.jsonl") as stack:
        svc = stack.service
        await svc.start(walks.taskforce_start(CLOSED), walks.COORDINATOR)
        await walk_service(svc, CLOSED, [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle()])
        # Asked while it runs: the problem names why (and is the contract's example).
        running = await stack.http.get(f"/coalitions/{CLOSED}/report", headers=auth("coordinator"))
        assert running.status_code == 409, running.text
        expected = {**NOT_ENDED_EXAMPLE, "instance": f"/coalitions/{CLOSED}/report"}
        assert {k: running.json()[k] for k in expected} == expected | {"detail": NOT_ENDED_EXAMPLE["detail"]}
        closing = [s for s in walks.taskforce_closing() if s.trigger != "close"]
        await walk_service(svc, CLOSED, closing)
        # While closing, the close form asks what becomes of each open action.
        client = await stack.dashboard("coordinator", "nl")
        try:
            # An end-or-turn step: its form is loaded from its own address when opened.
            page = await client.get(f"/dashboard/coalitions/{CLOSED}/forms/close")
            form = page.text.split('id="form-close"', 1)[1].split("</form>", 1)[0]
            assert "Openstaande acties" in form and "Overgedragen of vervallen" in form
        finally:
            await client.aclose()
        await walk_service(svc, CLOSED, [CLOSE])

        await svc.start(walks.taskforce_start(DISSOLVED), walks.COORDINATOR)
        interviews = [
            s
            for s in walks.taskforce_to_execution()[:6]
            if s.trigger == "record_intent" or s.payload.get("partner") in ("VNG", "Aedes")
        ]
        not_reached = [
            Step("mark_not_reached", {"partner": org, "reason": f"{org} never answered."})
            for org in ("ActiZ", "ZN", "BZK")
        ]
        dissolve = Step("dissolve", {"reason": "Nobody had time."})
        await walk_service(svc, DISSOLVED, [*interviews, *not_reached, dissolve])
        yield stack


def _cli(stack: WebStack, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """`lemniscate ...` against the stack's server, as an operator runs it there."""
    target = stack.env.client.service_client.config.target_host
    monkeypatch.setenv("TEMPORAL_ADDRESS", target)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", stack.env.client.namespace)
    monkeypatch.setenv("LEMNISCATE_TASK_QUEUE", stack.task_queue)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


async def test_show_says_the_closing_report_in_dutch_and_english(
    stack: WebStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI runs its own event loop: in a thread, beside the test's.
    dutch = await asyncio.to_thread(_cli, stack, monkeypatch, "--lang", "nl", "show", CLOSED)
    assert dutch.exit_code == 0, dutch.output
    out = dutch.stdout
    assert "Slotrapport" in out and "Erkenning van de bijdrage van iedere partner" in out
    assert "Waarom de coalitie is afgesloten: The housing-care agreements are in place." in out
    assert "VNG: VNG did its part." in out and "BZK: geen erkenning vastgelegd" in out
    assert "overgedragen" in out and "-> Gemeente Utrecht" in out and "vervallen" in out
    assert "Open acties" not in out and "Open actions" not in out

    english = await asyncio.to_thread(_cli, stack, monkeypatch, "--lang", "en", "show", CLOSED)
    assert english.exit_code == 0, english.output
    assert (
        "Closing report" in english.stdout and "Recognition of every partner's contribution" in english.stdout
    )
    assert "handed over" in english.stdout and "dropped" in english.stdout
    assert "Open actions" not in english.stdout

    both = [
        json.loads(
            (
                await asyncio.to_thread(_cli, stack, monkeypatch, "--lang", lang, "show", CLOSED, "--json")
            ).stdout
        )
        for lang in ("nl", "en")
    ]
    assert both[0]["closing_report"] == both[1]["closing_report"]
    outcomes = {a["id"]: (a["outcome"], a["to"]) for a in both[0]["closing_report"]["actions"]}
    assert outcomes == {
        "A2": ("handed_over", "Gemeente Utrecht"),
        "A3": ("dropped", None),
        "A4": ("dropped", None),
        "A7": ("dropped", None),
    }
    assert both[0]["closing_report"]["kind"] == "closing"

    dissolved = await asyncio.to_thread(_cli, stack, monkeypatch, "--lang", "nl", "show", DISSOLVED)
    assert "Rapport van de opheffing" in dissolved.stdout
    assert "Waarom de coalitie is opgeheven: Nobody had time." in dissolved.stdout
    assert "ActiZ: niet bereikt: ActiZ never answered." in dissolved.stdout


async def test_the_api_serves_the_report_as_html_and_pdf(stack: WebStack) -> None:
    url = f"/coalitions/{CLOSED}/report"
    dutch = await stack.http.get(url, headers={**auth("coordinator"), "Accept-Language": "nl"})
    assert dutch.status_code == 200 and dutch.headers["content-type"].startswith("text/html")
    assert dutch.headers["content-language"] == "nl"
    html = dutch.text
    assert '<html lang="nl">' in html and "<h1>Slotrapport: Taskforce Wonen en Zorg</h1>" in html
    assert '<tr data-action="A2" data-outcome="handed_over">' in html and "<td>Gemeente Utrecht</td>" in html
    assert 'data-outcome="dropped"' in html and "No subsidy came." in html
    assert '<th scope="row">VNG</th>' in html and "VNG did its part." in html

    pdf = await stack.http.get(url, params={"format": "pdf"}, headers=auth("coordinator"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000

    # A partner reads the dissolution without another organisation's confidential reason.
    partner = await stack.http.get(f"/coalitions/{DISSOLVED}/report", headers=auth("aedes"))
    assert partner.status_code == 200 and '<html lang="en">' in partner.text
    assert "Dissolution report" in partner.text and "Nobody had time." in partner.text
    assert "never answered" not in partner.text and "[confidential]" in partner.text

    wrong = await stack.http.get(url, params={"format": "docx"}, headers=auth("coordinator"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "query.format"


async def test_lemniscate_report_writes_the_pdf(
    stack: WebStack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "slotrapport.pdf"
    written = await asyncio.to_thread(
        _cli, stack, monkeypatch, "--lang", "nl", "report", CLOSED, "--output", str(target)
    )
    assert written.exit_code == 0, written.output
    assert target.read_bytes().startswith(b"%PDF")
    assert f"Slotrapport van {CLOSED} geschreven naar {target}" in written.stderr
    html = await asyncio.to_thread(_cli, stack, monkeypatch, "--lang", "en", "report", DISSOLVED)
    assert html.stdout.startswith("<!DOCTYPE html>") and "Dissolution report" in html.stdout
    # One that has just started has no report yet: an error naming why, and its exit code.
    await stack.service.start(walks.taskforce_start("slot-running"), walks.COORDINATOR)
    running = await asyncio.to_thread(_cli, stack, monkeypatch, "--lang", "nl", "report", "slot-running")
    assert running.exit_code == 1 and running.stdout == ""
    assert "een slotrapport is er zodra de coalitie is afgesloten (coalitie afsluiten)" in running.stderr


async def test_the_dashboard_shows_the_report_section(stack: WebStack) -> None:
    for language, heading, handed in (
        ("nl", "Slotrapport", "overgedragen"),
        ("en", "Closing report", "handed over"),
    ):
        client = await stack.dashboard("coordinator", language)
        try:
            page = await client.get(f"/dashboard/coalitions/{CLOSED}")
            assert page.status_code == 200
            section = page.text.split('id="closing-report"', 1)[1].split("</section>", 1)[0]
            assert f'<h2 id="closing-report-title">{heading}</h2>' in section
            assert '<tr data-action="A2" data-outcome="handed_over">' in section and handed in section
            assert '<th scope="col">' in section and "Gemeente Utrecht" in section
            pdf = await client.get(f"/dashboard/coalitions/{CLOSED}/report.pdf")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        finally:
            await client.aclose()
    client = await stack.dashboard("coordinator", "nl")
    try:
        page = await client.get(f"/dashboard/coalitions/{DISSOLVED}")
        assert 'data-report="dissolution"' in page.text and "Rapport van de opheffing" in page.text
    finally:
        await client.aclose()
