"""The API with its dashboard on a borrowed share of a real server and the project's worker:
what the hardening tests drive, through HTTP, as an outside client would."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyEntry, KeyRing
from lemniscate.api.server import service_factory
from lemniscate.cli.web import create_app
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService
from lemniscate.coalitions.refusals import ENV_REFUSAL_LOG
from lemniscate.examples import walks
from lemniscate.models.events import Role
from lemniscate.workers.main import create_worker
from tests.support.servers import borrow

KEYS: dict[str, dict[str, Any]] = {
    "coordinator": {"key": "hard-coordinator-key-0123", "id": "anna", "role": Role.coordinator},
    "other": {"key": "hard-coordinator-key-4567", "id": "bert", "role": Role.coordinator},
    "aedes": {
        "key": "hard-aedes-key-0123456789",
        "id": "piet",
        "role": Role.partner,
        "organisation": "Aedes",
    },
    "auditor": {"key": "hard-auditor-key-01234567", "id": "els", "role": Role.auditor},
    "actiz": {
        "key": "hard-actiz-key-0123456789",
        "id": "ria",
        "role": Role.partner,
        "organisation": "ActiZ",
    },
    "integration": {
        "key": "hard-crm-key-0123456789ab",
        "id": "crm",
        "role": Role.integration,
        "allowed_triggers": ["record_intent"],
    },
    # The roles of issue 14: an observer named in coalitions by `add_member`, a programme
    # lead of a programme none of the example coalitions is in, and an office admin.
    "observer": {"key": "hard-observer-key-0123456", "id": "otto", "role": Role.observer},
    "lead": {
        "key": "hard-lead-key-01234567890",
        "id": "lea",
        "role": Role.programme_lead,
        "programmes": ["Energie"],
    },
    "admin": {"key": "hard-admin-key-0123456789", "id": "root", "role": Role.office_admin},
    # An organisation in none of the example coalitions.
    "outsider": {
        "key": "hard-woonbond-key-012345678",
        "id": "kees",
        "role": Role.partner,
        "organisation": "Woonbond",
    },
}


# The dashboard speaks the office's language (Dutch) unless asked otherwise; the tests that
# read its English ask for English, as an English reader's browser does.
ENGLISH = {"Accept-Language": "en"}


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[who]['key']}"}


@dataclass
class WebStack:
    env: WorkflowEnvironment
    service: CoalitionService
    transport: httpx.ASGITransport
    http: httpx.AsyncClient  # no key of its own: pass `auth(...)`
    task_queue: str

    async def dashboard(self, who: str, language: str = "en") -> httpx.AsyncClient:
        """A client logged in to the dashboard, asking for pages in `language`; the caller
        closes it."""
        client = httpx.AsyncClient(
            transport=self.transport, base_url="http://web", headers={"Accept-Language": language}
        )
        login = await client.post("/dashboard/login", data={"key": KEYS[who]["key"]})
        assert login.status_code == 303, login.text
        return client


async def start_taskforce(stack: WebStack, slug: str) -> None:
    """The example taskforce started as `slug`, through the API, by its coordinator."""
    started = await stack.http.post(
        "/coalitions", json=walks.taskforce_start(slug), headers=auth("coordinator")
    )
    assert started.status_code == 201, started.text


@asynccontextmanager
async def web_stack(shared: WorkflowEnvironment, refusal_log: Path) -> AsyncIterator[WebStack]:
    """API + dashboard + worker on a namespace of its own (listings see only this stack's),
    logging refusals to `refusal_log` (through the environment, as every surface reads it)."""
    before = os.environ.get(ENV_REFUSAL_LOG)
    os.environ[ENV_REFUSAL_LOG] = str(refusal_log)
    try:
        async with _stack(shared) as stack:
            yield stack
    finally:
        if before is None:
            os.environ.pop(ENV_REFUSAL_LOG, None)
        else:
            os.environ[ENV_REFUSAL_LOG] = before


@asynccontextmanager
async def _stack(shared: WorkflowEnvironment) -> AsyncIterator[WebStack]:
    task_queue = f"hard-{uuid.uuid4().hex[:6]}"
    keys = KeyRing([KeyEntry(**entry) for entry in KEYS.values()])
    async with borrow(shared, own_namespace=True) as env, create_worker(env.client, task_queue):
        settings = ClusterSettings.from_env(
            {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": env.client.namespace,
                "LEMNISCATE_TASK_QUEUE": task_queue,
            }
        )
        transport = httpx.ASGITransport(app=create_app(service_factory(settings, env.client), keys, settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://web", headers=ENGLISH) as http:
            yield WebStack(env, CoalitionService(env.client, task_queue), transport, http, task_queue)
