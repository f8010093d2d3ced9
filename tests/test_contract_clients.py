"""Clients generated from the running API's own `/openapi.json`, used as an integrator would:
a Python client by `openapi-python-client` (pinned in the test extra) walks a coalition
through round 1 against the real dev server, and TypeScript types by `openapi-typescript`
type-check a short script (`tsc --noEmit`; tests/peers/openapi, installed by
scripts/install-test-peers)."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import WebhookVerificationError

from lemniscate import states
from lemniscate.activities import webhooks
from lemniscate.examples import walks
from lemniscate.models.outbound import OutboundEvent
from tests.support.web_stack import KEYS, WebStack

PACKAGE = "lemniscate_client"
PEERS = Path(__file__).parent / "peers" / "openapi"


async def _document(web: WebStack, tmp: Path) -> Path:
    answer = await web.http.get("/openapi.json")
    assert answer.status_code == 200
    path = tmp / "openapi.json"
    path.write_text(answer.text)
    return path


@pytest.fixture(scope="module")
async def client_package(
    web: WebStack, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ModuleType]:
    tmp = tmp_path_factory.mktemp("generated")
    config = tmp / "config.json"
    # No formatter hooks: the generated code is imported, not read.
    config.write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    generated = subprocess.run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            str(await _document(web, tmp)),
            "--output-path",
            str(tmp / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    # A warning means a part of the document the generator could not turn into code.
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    sys.path.insert(0, str(tmp))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _client(web: WebStack, who: str) -> Any:
    """The generated client, over the stack's own transport (the app in this process)."""
    token = KEYS[who]["key"]
    client = _module("client").AuthenticatedClient(base_url="http://web", token=token)
    http = httpx.AsyncClient(
        transport=web.transport, base_url="http://web", headers={"Authorization": f"Bearer {token}"}
    )
    return client.set_async_httpx_client(http)


async def _fire(client: Any, slug: str, trigger: str, payload: dict[str, Any], **options: Any) -> Any:
    """A trigger through its generated function, with its body as the generated model."""
    operation = _module(f"api.triggers.fire_{trigger}")
    body = getattr(operation, states.TRIGGERS[trigger].payload.__name__).from_dict(payload)
    return await operation.asyncio_detailed(slug, client=client, body=body, **options)


async def test_generated_client_walks_round_one(client_package: ModuleType, web: WebStack) -> None:
    models = _module("models")
    client = _client(web, "coordinator")
    slug = "generated-client"
    started = await _module("api.coalitions.start_coalition").asyncio_detailed(
        client=client, body=models.StartCoalition.from_dict(walks.taskforce_start(slug))
    )
    assert started.status_code == 201, started.content
    assert started.parsed.overview.state == "intent_and_interests"

    # The most common answer: refused by the guards, parsed as the document's Problem.
    refused = await _fire(client, slug, "map_domain", {})
    assert refused.status_code == 422
    problem = refused.parsed
    assert isinstance(problem, models.Problem)
    assert problem.type_ == "/problems/refused" and problem.trigger == "map_domain"
    assert "guard.partners-not-interviewed" in problem.reason_codes
    assert any("have no interview" in reason for reason in problem.reasons)

    # A retry with the same Idempotency-Key applies once and gets the first reply.
    intent, *interviews = walks.taskforce_to_execution()[:6]
    first = await _fire(client, slug, intent.trigger, intent.payload, idempotency_key="intent-1")
    again = await _fire(client, slug, intent.trigger, intent.payload, idempotency_key="intent-1")
    assert first.status_code == again.status_code == 200
    assert first.parsed.to_dict() == again.parsed.to_dict()

    for step in [*interviews, *walks.taskforce_to_execution()[6:]]:
        if states.STATE_INFO[first.parsed.state].round != states.Round.one:
            break
        first = await _fire(client, slug, step.trigger, step.payload)
        assert first.status_code == 200, first.content
    assert states.STATE_INFO[first.parsed.state].round != states.Round.one  # round 1 is behind it

    journal = await _module("api.coalitions.get_journal").asyncio_detailed(slug, client=client)
    triggers = [entry.event.trigger for entry in journal.parsed]
    assert triggers.count("record_intent") == 1 and "map_domain" in triggers

    page = await _module("api.portfolio.list_coalitions").asyncio_detailed(client=client, limit=1)
    assert page.status_code == 200
    assert isinstance(page.parsed, models.Page) and len(page.parsed.items) == 1


async def test_typescript_types_check_a_client_script(web: WebStack, tmp_path: Path) -> None:
    document = await _document(web, tmp_path)
    bin_dir = PEERS / "node_modules" / ".bin"
    types = tmp_path / "lemniscate.d.ts"
    made = subprocess.run(
        [str(bin_dir / "openapi-typescript"), str(document), "--output", str(types)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    (tmp_path / "client.ts").write_text((PEERS / "client.ts").read_text())
    checked = subprocess.run(
        [
            str(bin_dir / "tsc"),
            "--noEmit",
            "--strict",
            "--target",
            "es2022",
            "--module",
            "es2022",
            "--moduleResolution",
            "bundler",
            str(tmp_path / "client.ts"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_documented_receiver_verifies_a_real_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/integration.md's receiver, run as written, on a delivery signed as the worker
    signs one; a second delivery of the same event is dropped."""
    docs = (Path(__file__).parents[1] / "docs" / "integration.md").read_text()
    receiver = next(
        block for block in re.findall(r"```python\n(.*?)```", docs, re.S) if "def receive" in block
    )
    secret = webhooks.new_secret()
    monkeypatch.setenv("LEMNISCATE_WHSEC", secret)
    namespace: dict[str, Any] = {}
    exec(compile(receiver, "docs/integration.md", "exec"), namespace)
    event = OutboundEvent(
        id="coalition/docs#1",
        type="transition",
        coalition_id="docs",
        at=datetime.now(UTC),
        trigger="start",
        to_state="intent_and_interests",
    )
    body = webhooks.cloud_event(event)
    headers = webhooks.headers(event.id, body, [secret])
    assert namespace["receive"](headers, body) == 204
    assert namespace["receive"](headers, body) == 204  # a repeat: dropped
    assert namespace["seen"] == {"coalition/docs#1"}
    with pytest.raises(WebhookVerificationError):
        namespace["receive"](headers, body.replace(b"docs", b"else"))
