"""Auditors' trail on the time-skipping server: a full lifecycle (with the engine's own
follow-up step, a refused update, an accepted and a refused signal) exported in every format
and verified; altered exports fail naming the entry; a coalition that continued as new reads
as one trail; a dropped history event or a forged journal is a mismatch; the HTML report is
read back from headless Chromium."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from lemniscate.audit.formats import FORMATS, render
from lemniscate.audit.history import RunHistory, fetch_runs
from lemniscate.audit.refusals import record_refusal
from lemniscate.audit.report import AuditReport, Gathered, assemble, build_report, gather
from lemniscate.audit.verify import verify_file, verify_text
from lemniscate.cli.audit import audit
from lemniscate.cli.exits import EXIT_MISMATCH
from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import TriggerRequest
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import CoalitionInput, workflow_id
from tests.support.servers import borrow, running_worker, skip, time_skipping_env
from tests.support.workflows import eventually, resealed, walk_service

LIFE = "audit-lifecycle"
LONG = "audit-long"


@dataclass
class Audited:
    service: CoalitionService
    gathered: Gathered  # what the lifecycle report rests on, for tampering
    lifecycle: AuditReport
    long: AuditReport
    refusal_log: Path


async def _signal(service: CoalitionService, slug: str, request: TriggerRequest, accepted: bool) -> None:
    before = await service.view(slug, READER)
    handle = service._client.get_workflow_handle(workflow_id(slug))
    await handle.signal(CoalitionWorkflow.external_fact, request)

    def handled(view: Any) -> bool:
        if accepted:
            return bool(view.status.journal_length > before.status.journal_length)
        return len(view.refused_signals) > len(before.refused_signals)

    # Handled before the next update, so the journal's order is the one the test means.
    await eventually(lambda: service.view(slug, READER), handled)


async def _lifecycle(env_sleep: Any, service: CoalitionService, log: Path) -> None:
    await service.start(
        walks.taskforce_start(LIFE), walks.COORDINATOR, reason="Agreed at the programme board"
    )
    steps = walks.taskforce_to_execution()
    await walk_service(service, LIFE, steps[:8])
    try:  # refused: the kind of attempt the CLI and API log, never the workflow
        await service.fire(LIFE, "found", {}, walks.COORDINATOR)
        raise AssertionError("found should have been refused")
    except CoalitionRefused as refused:
        record_refusal(LIFE, "found", walks.COORDINATOR, refused.reasons, path=log)
    signal = TriggerRequest(
        trigger="record_signal",
        actor=Actor(id="crm", role=Role.coordinator),
        payload={"region": "Noord", "kind": "bottleneck", "description": "Too few homes for older people."},
    )
    await _signal(service, LIFE, signal, accepted=True)
    await _signal(
        service, LIFE, TriggerRequest(trigger="map_domain", actor=walks.COORDINATOR), accepted=False
    )
    await walk_service(service, LIFE, steps[8:])
    await env_sleep(timedelta(days=95))  # the progress review comes due: the engine steps
    cycle = [s for s in walks.taskforce_one_cycle() if s.trigger != "start_monitoring"]
    # Added past its due date: the engine opens the item in the same task as the update.
    cycle = [
        dataclasses.replace(s, payload={**s.payload, "due_on": "2027-01-15"})
        if s.trigger == "add_action"
        else s
        for s in cycle
    ]
    await walk_service(service, LIFE, [*cycle, *walks.taskforce_closing()])
    await service._client.get_workflow_handle(workflow_id(LIFE)).result()


async def _long(service: CoalitionService) -> None:
    start = TriggerRequest(trigger="start", payload=walks.taskforce_start(LONG), actor=walks.COORDINATOR)
    await service._client.start_workflow(
        CoalitionWorkflow.run,
        CoalitionInput(start=start, history_limit=100),
        id=workflow_id(LONG),
        task_queue=service.task_queue,
    )
    await walk_service(service, LONG, [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle()])


@pytest.fixture(scope="module")
async def audited(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Audited]:
    log = tmp_path_factory.mktemp("audit") / "refusals.jsonl"
    # A server of its own: the lifecycle skips 95 days, which on the shared server would move
    # every later test's clock past the example walks' dates.
    async with time_skipping_env() as env, running_worker(env.client) as service:
        await _lifecycle(partial(skip, env), service, log)
        await _long(service)
        gathered = await gather(service, LIFE, READER)
        yield Audited(
            service=service,
            gathered=gathered,
            lifecycle=await assemble(gathered, refusal_log=log),
            long=await build_report(service, LONG, READER, refusal_log=log),
            refusal_log=log,
        )


def _entry(report: AuditReport, trigger: str, nth: int = 0) -> Any:
    return [r for r in report.entries if r.entry.event.trigger == trigger][nth]


async def test_full_lifecycle_exported_in_every_format_and_verified(audited: Audited, tmp_path: Path) -> None:
    report = audited.lifecycle
    assert report.ok, report.findings
    assert report.coalition.state == "closed" and report.coalition.final
    assert [r.entry.seq for r in report.entries] == list(range(1, len(report.entries) + 1))
    assert report.chain.intact and report.chain.head == report.entries[-1].entry.hash
    assert all(r.source is not None for r in report.entries)

    start = report.entries[0]
    assert start.kind == "start" and start.source is not None and start.source.kind == "start"
    assert start.entry.event.reason == "Agreed at the programme board"
    interview = _entry(report, "record_interview", 1)
    assert interview.words == "Aedes was interviewed on 2027-01-11 by coordinator."
    assert (interview.entry.round, interview.entry.side) == ("1", "zij")
    assert interview.source is not None and interview.source.kind == "update"
    signalled = _entry(report, "record_signal")
    assert signalled.source is not None and signalled.source.kind == "signal"
    assert signalled.words == "A bottleneck was signalled from Noord: Too few homes for older people."
    engine = _entry(report, "start_monitoring")
    assert engine.entry.event.actor.role == Role.system and engine.kind == "step"
    assert engine.source is not None and engine.source.kind == "follow-up"
    same_task = _entry(report, "open_accountability_item")
    assert same_task.source is not None and same_task.source.kind == "follow-up"
    assert "already due when update" in same_task.source.detail
    found = _entry(report, "found")
    assert (found.entry.from_state, found.entry.to_state) == ("founding", "doing")
    assert [(g.name, g.held) for g in found.guards] == [("founding_basis", True), ("enough_committed", True)]
    assert "enough_committed" in [g.name for g in found.guards]
    assert all(r.guards == [] for r in report.entries if r.kind == "record")

    # Refusals: the update the CLI logged, and the signal the workflow refused.
    assert report.refusals.available and report.refusals.count == 1
    assert report.refusals.items[0].trigger == "found"
    assert any("Signal map_domain" in note and "refused" in note for note in report.notes)

    for fmt in FORMATS:
        path = tmp_path / f"trail.{fmt}"
        path.write_text(render(report, fmt), "utf-8")
        result = verify_file(path)
        assert result.ok, (fmt, result.problems)
        assert result.entries == len(report.entries) and result.head == report.chain.head
        cli = CliRunner().invoke(audit, ["--verify", str(path)])
        assert cli.exit_code == 0, cli.output
        assert f"head {report.chain.head}" in cli.output

    md = render(report, "md")
    assert "### #1 start" in md and "| `enough_committed` |" in md and "**Passed.**" in md
    exported = json.loads(render(report, "json"))
    assert exported["chain"]["head"] == report.chain.head


def _altered_json(report: AuditReport, seq: int) -> str:
    data = json.loads(render(report, "json"))
    payload = data["entries"][seq - 1]["entry"]["event"]["payload"]
    payload["partner"] = "Woonbond"  # one value, in a record_interview entry
    return json.dumps(data, indent=2)


async def test_altered_export_fails_verification_naming_the_entry(audited: Audited, tmp_path: Path) -> None:
    report = audited.lifecycle
    seq = _entry(report, "record_interview", 1).entry.seq

    altered = tmp_path / "altered.json"
    altered.write_text(_altered_json(report, seq))
    result = verify_file(altered)
    assert not result.ok
    assert any(p.startswith(f"entry #{seq}: content does not match its hash") for p in result.problems), (
        result.problems
    )
    cli = CliRunner().invoke(audit, ["--verify", str(altered)])
    assert cli.exit_code == EXIT_MISMATCH
    assert f"entry #{seq}: content does not match its hash" in cli.output

    # The readable part of an HTML or Markdown export cannot be edited either.
    html = render(report, "html").replace(
        "Aedes was interviewed on 2027-01-11", "Aedes was interviewed on 2027-01-12"
    )
    assert any(
        p.startswith(f"entry #{seq}: its plain-words sentence does not say")
        for p in verify_text(html).problems
    )
    md = render(report, "md").replace("round 1, side zij", "round 2, side zij", 1)
    assert verify_text(md).problems == [
        "entry #1: the text shown differs from the entry's data (the readable part was edited)"
    ]
    # ... nor their embedded data, nor a CSV's.
    html = render(report, "html").replace('"held_on": "2027-01-11"', '"held_on": "2027-01-12"')
    assert any(p.startswith(f"entry #{seq}: content does not match") for p in verify_text(html).problems)
    csv = render(report, "csv").replace('"held_on"":""2027-01-11""', '"held_on"":""2027-01-12""')
    assert any(p.startswith(f"entry #{seq}:") for p in verify_text(csv).problems)
    # A removed entry breaks the chain at the entry after it.
    data = json.loads(render(report, "json"))
    del data["entries"][seq - 1]
    problems = verify_text(json.dumps(data)).problems
    assert any(p.startswith(f"entry #{seq + 1}: seq is {seq + 1}, expected {seq}") for p in problems), (
        problems
    )


async def test_continue_as_new_exports_one_continuous_trail(audited: Audited) -> None:
    report = audited.long
    assert report.ok, report.findings
    assert len(report.runs) >= 3
    assert [r.status for r in report.runs[:-1]] == ["continued as new"] * (len(report.runs) - 1)
    seqs = [r.entry.seq for r in report.entries]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) == 1 + len(walks.taskforce_to_execution()) + len(walks.taskforce_one_cycle())
    # Every entry rests on an event of the run it happened in, across the runs.
    runs = {r.source.run for r in report.entries if r.source is not None}
    assert len(runs) >= 3 and runs <= {r.index for r in report.runs}
    assert report.coalition.state == "doing"
    assert verify_text(render(report, "json")).ok


def _without_update(runs: list[RunHistory], seq: int, gathered: Gathered) -> list[RunHistory]:
    """The history with the accepted update of entry `seq` taken out, as if it never came."""
    doctored = []
    for run in runs:
        events = list(run.events)
        for event in events:
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                payload = event.workflow_execution_update_completed_event_attributes
                if json.loads(payload.outcome.success.payloads[0].data).get("seq") == seq:
                    update_id = payload.meta.update_id
                    events = [
                        e
                        for e in events
                        if update_id
                        not in (
                            e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id,
                            e.workflow_execution_update_completed_event_attributes.meta.update_id,
                        )
                    ]
                    break
        doctored.append(RunHistory(run.run_id, events))
    assert sum(len(r.events) for r in doctored) == sum(len(r.events) for r in runs) - 2
    return doctored


async def test_dropped_history_event_and_forged_journal_are_mismatches(audited: Audited) -> None:
    gathered = audited.gathered
    seq = _entry(audited.lifecycle, "map_topic", 1).entry.seq

    dropped = dataclasses.replace(gathered, runs=_without_update(gathered.runs, seq, gathered))
    report = await assemble(dropped, refusal_log=audited.refusal_log)
    assert not report.ok and report.chain.intact
    assert [(f.check, f.seq) for f in report.findings] == [("history", seq)]
    assert (
        "no accepted update, signal or start in the history records map_topic" in report.findings[0].message
    )
    assert "MISMATCH: 1 finding(s)" in render(report, "html")
    assert render(report, "md").index("MISMATCH") < render(report, "md").index("## Coalition")

    journal = list(gathered.journal)
    entry = journal[seq - 1]
    payload = {**entry.event.payload, "topic": "Something else"}
    journal[seq - 1] = entry.model_copy(update={"event": entry.event.model_copy(update={"payload": payload})})
    forged = await assemble(
        dataclasses.replace(gathered, journal=resealed(journal)), refusal_log=audited.refusal_log
    )
    assert forged.chain.intact  # the chain was recomputed...
    assert any(
        f.seq == seq and "payload differs from the history in: topic" in f.message for f in forged.findings
    )  # ... but the history says otherwise
    missing = await assemble(
        dataclasses.replace(
            gathered,
            journal=resealed(
                [
                    e.model_copy(update={"seq": i})
                    for i, e in enumerate([e for e in gathered.journal if e.seq != seq], start=1)
                ]
            ),
        ),
        refusal_log=audited.refusal_log,
    )
    assert any(f.seq is None and "which the journal does not hold" in f.message for f in missing.findings)
    assert any(f.seq == seq and f.check == "history" for f in missing.findings)


async def test_encrypted_history_is_decoded_through_the_codec(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, time_skipping: WorkflowEnvironment
) -> None:
    monkeypatch.setenv("LEMNISCATE_ENCRYPTION_KEYS", "audit:" + base64.b64encode(bytes(range(32))).decode())
    slug = "audit-sealed"
    async with borrow(time_skipping) as env, running_worker(env.client) as service:
        await service.start(walks.city_start(slug), walks.COORDINATOR)
        await walk_service(service, slug, walks.city_to_execution()[:3])
        report = await build_report(service, slug, READER, refusal_log=tmp_path / "none.jsonl")
        runs = await fetch_runs(env.client, workflow_id(slug))
    started = runs[0].events[0].workflow_execution_started_event_attributes.input.payloads[0]
    assert started.metadata["encoding"] == b"binary/encrypted"  # the server saw ciphertext
    assert report.ok, report.findings
    assert report.entries[2].words == "Hogeschool was interviewed on 2027-02-01 by coordinator."
    assert not report.refusals.available


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise AssertionError("chromium is not installed: apt-get install -y chromium")
    return found


@pytest.mark.browser
async def test_html_report_read_in_headless_chromium(audited: Audited, tmp_path: Path) -> None:
    report = audited.lifecycle
    page = tmp_path / "trail.html"
    page.write_text(render(report, "html"), "utf-8")
    completed = await asyncio.to_thread(
        subprocess.run,
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    dom = completed.stdout
    assert completed.returncode == 0 and "</html>" in dom, completed.stderr[-2000:]

    def fact(element_id: str) -> str:
        found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', dom)
        assert found is not None, element_id
        return found.group(1)

    assert fact("coalition-name") == "Taskforce Wonen en Zorg"
    assert fact("fact-state") == "closed"
    assert int(fact("fact-entries")) == len(report.entries)
    assert fact("fact-chain-head") == report.chain.head
    assert len(re.findall(r'<article class="entry[^"]*" id="entry-\d+"', dom)) == len(report.entries)
