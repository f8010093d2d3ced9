"""Every refusal reaches the refusal log with the surface it came from, against a real dev
server and worker: the API's and the dashboard's (a missing field, a guard, who asked), a
bulk operation's on each coalition it aims at, and the CLI's before it connects; a missing
field reads the same on the API and the dashboard; a bulk request refused before it starts
(a missing field, an unknown trigger); the audit counts them all."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyEntry, KeyRing
from lemniscate.api.server import service_factory
from lemniscate.audit.refusals import ENV_REFUSAL_LOG, read_refusals
from lemniscate.cli.main import cli
from lemniscate.cli.web import create_app
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.bulk import BulkFilter, BulkRequest
from lemniscate.models.events import Role
from lemniscate.workers.main import create_worker
from tests.support.ports import free_ports
from tests.support.workflows import eventually

ENGLISH = {"Accept-Language": "en"}  # the office default is Dutch; these tests read English
KEYS = {"coordinator": "log-coordinator-key-0123", "auditor": "log-auditor-key-01234567"}
PROGRAMME = "Refusal log"
SLUGS = ("log-one", "log-two")


@dataclass
class Stack:
    service: CoalitionService
    transport: httpx.ASGITransport
    api: httpx.AsyncClient
    dashboard: httpx.AsyncClient  # logged in as the coordinator
    log: Path


@pytest.fixture(scope="module")
def refusal_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The process's refusal log, where the API, the dashboard and the in-process worker's
    bulk activities write (all read it from the environment)."""
    log = tmp_path_factory.mktemp("refusals") / "refusals.jsonl"
    before = os.environ.get(ENV_REFUSAL_LOG)
    os.environ[ENV_REFUSAL_LOG] = str(log)
    yield log
    if before is None:
        del os.environ[ENV_REFUSAL_LOG]
    else:
        os.environ[ENV_REFUSAL_LOG] = before


@pytest.fixture(scope="module")
async def stack(refusal_log: Path, dev_server: WorkflowEnvironment) -> AsyncIterator[Stack]:
    task_queue = f"refusals-{uuid.uuid4().hex[:6]}"
    settings = ClusterSettings.from_env({"LEMNISCATE_TASK_QUEUE": task_queue})
    keys = KeyRing(
        [
            KeyEntry(key=KEYS["coordinator"], id="anna", role=Role.coordinator),
            KeyEntry(key=KEYS["auditor"], id="els", role=Role.auditor),
        ]
    )
    env = dev_server  # the session's shared dev server; this module's own task queue
    async with create_worker(env.client, task_queue):
        service = CoalitionService(env.client, task_queue)
        for slug in SLUGS:
            await service.start(walks.taskforce_start(slug, programme=PROGRAMME), walks.COORDINATOR)
        app = create_app(service_factory(settings, env.client), keys, settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://web") as api,
            httpx.AsyncClient(transport=transport, base_url="http://web", headers=ENGLISH) as dashboard,
        ):
            login = await dashboard.post("/dashboard/login", data={"key": KEYS["coordinator"]})
            assert login.status_code == 303
            yield Stack(service, transport, api, dashboard, refusal_log)


def _lines(log: Path, slug: str) -> list[tuple[str, str, list[str]]]:
    return [(r.source, r.trigger, r.reasons) for r in read_refusals(slug, log).items]


def _auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[who]}"}


def _error_under(page: str, field: str) -> str:
    found = re.search(rf'data-error-for="{re.escape(field)}"[^>]*>([^<]*)<', page)
    assert found is not None, page[:2000]
    return found.group(1)


async def test_a_missing_field_reads_the_same_and_is_logged_from_api_and_dashboard(stack: Stack) -> None:
    slug = SLUGS[0]
    api = await stack.api.post(
        f"/coalitions/{slug}/triggers/record_intent", json={}, headers=_auth("coordinator")
    )
    assert api.status_code == 422 and api.json()["type"] == "/problems/invalid"
    assert api.json()["errors"] == [
        {"field": "intent", "reason": "Field required", "code": "pydantic.missing"}
    ]
    assert api.json()["detail"] == "intent: Field required"

    page = await stack.dashboard.post(
        f"/dashboard/coalitions/{slug}/triggers/record_intent", data={"intent": ""}, follow_redirects=True
    )
    assert [r.status_code for r in page.history] == [303]  # back to the form, as a GET
    assert _error_under(page.text, "intent") == api.json()["errors"][0]["reason"]

    assert _lines(stack.log, slug) == [
        ("api", "record_intent", ["intent: Field required"]),
        ("dashboard", "record_intent", ["intent: Field required"]),
    ]


async def test_the_dashboard_s_refusals_reach_the_log(stack: Stack) -> None:
    slug = SLUGS[1]
    guarded = await stack.dashboard.post(
        f"/dashboard/coalitions/{slug}/triggers/map_domain", data={}, follow_redirects=True
    )
    assert [r.status_code for r in guarded.history] == [303] and "Refused — nothing changed." in guarded.text
    async with httpx.AsyncClient(
        transport=stack.transport, base_url="http://web", headers=ENGLISH
    ) as auditor:
        await auditor.post("/dashboard/login", data={"key": KEYS["auditor"]})
        forbidden = await auditor.post(
            f"/dashboard/coalitions/{slug}/triggers/record_intent", data={"intent": "an auditor's"}
        )
    assert forbidden.status_code == 403 and "may read everything but change nothing" in forbidden.text
    logged = _lines(stack.log, slug)
    assert [(source, trigger) for source, trigger, _ in logged] == [
        ("dashboard", "map_domain"),
        ("dashboard", "record_intent"),
    ]
    assert "The initiator's own intent is not recorded yet (record_intent)." in logged[0][2]
    assert logged[1][2] == ["els as auditor may read everything but change nothing."]


async def test_a_bulk_operation_s_refusals_reach_the_log_per_coalition(stack: Stack) -> None:
    everything = PortfolioFilter(programme=PROGRAMME, running_only=True)
    await eventually(lambda: stack.service.count(everything, READER), lambda n: n == len(SLUGS))
    before = {slug: len(_lines(stack.log, slug)) for slug in SLUGS}
    request = BulkRequest(
        id=f"too-early-{uuid.uuid4().hex[:6]}",
        where=BulkFilter(programme=PROGRAMME),
        trigger="map_domain",
        actor=walks.COORDINATOR,
    )
    await stack.service.bulk_runs.start(request, source="api")
    progress = await eventually(
        lambda: stack.service.bulk_runs.progress(request.id, READER), lambda p: p.finished, timeout=30
    )
    assert progress.count("refused") == len(SLUGS)
    for slug in SLUGS:
        logged = _lines(stack.log, slug)[before[slug] :]
        assert [(source, trigger) for source, trigger, _ in logged] == [("bulk", "map_domain")]
    # The audit counts them with every other refusal of the coalition.
    assert read_refusals(SLUGS[1], stack.log).count == before[SLUGS[1]] + 1

    refused = await stack.api.post(
        "/bulk",
        headers=_auth("auditor"),
        json={"id": "by-auditor", "where": {}, "trigger": "record_signal", "payload": {}},
    )
    assert refused.status_code == 403
    assert _lines(stack.log, "bulk/by-auditor") == [
        ("api", "record_signal", ["els as auditor may not run bulk operations with record_signal."])
    ]


def test_the_cli_logs_what_it_refuses_before_it_connects(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    log = tmp_path / "cli.jsonl"
    env = {"TEMPORAL_ADDRESS": f"127.0.0.1:{port}", ENV_REFUSAL_LOG: str(log)}  # nothing listens
    result = CliRunner().invoke(cli, ["do", "log-cli", "record_intent", "--data", "{}"], env=env)
    assert result.exit_code == 2, result.output
    assert "intent: Field required" in result.output
    logged: list[dict[str, Any]] = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [(r["source"], r["coalition_id"], r["reasons"]) for r in logged] == [
        ("cli", "log-cli", ["intent: Field required"])
    ]


async def test_a_bulk_request_refused_before_it_starts_is_logged(stack: Stack) -> None:
    """A missing required field and an unknown trigger are refused by the service's gate,
    like the rest, so they reach the log under the bulk operation's id."""
    missing = await stack.api.post(
        "/bulk",
        headers=_auth("coordinator"),
        json={"id": "no-intent", "where": {"programme": PROGRAMME}, "trigger": "record_intent"},
    )
    assert missing.status_code == 422 and missing.json()["detail"] == "intent: Field required"
    unknown = await stack.api.post(
        "/bulk",
        headers=_auth("coordinator"),
        json={"id": "no-such", "where": {"programme": PROGRAMME}, "trigger": "frobnicate"},
    )
    assert unknown.status_code == 422 and "there is no trigger 'frobnicate'" in unknown.json()["detail"]
    assert _lines(stack.log, "bulk/no-intent") == [("api", "record_intent", ["intent: Field required"])]
    [(source, trigger, reasons)] = _lines(stack.log, "bulk/no-such")
    assert (source, trigger) == ("api", "frobnicate") and "there is no trigger" in reasons[0]
