"""The web app (the API with the dashboard mounted) on a borrowed share of a real Temporal
server, with a key file the test can edit, called in process through httpx's ASGI transport
(the same app uvicorn would serve, without a port)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import KeyRing
from lemniscate.api.server import service_factory
from lemniscate.cli.web import create_app
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService
from tests.support.servers import borrow, fresh_task_queue, running_worker

BASE = "http://dash.test"
# The flags this machine's notes give for a sandboxed, offline, headless Chromium.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Web:
    client: httpx.AsyncClient
    key_file: Path
    service: CoalitionService

    def write_keys(self, keys: list[dict[str, Any]]) -> None:
        self.key_file.write_text(json.dumps(keys), "utf-8")

    async def log_in(self, key: str) -> httpx.Response:
        """Log in from the dashboard's own page, as a browser would (with its Origin); the
        client keeps no cookie, each test passes the one it means."""
        response = await self.client.post(
            "/dashboard/login",
            data={"key": key, "next": "/dashboard/"},
            headers={"Origin": BASE},
        )
        self.client.cookies.clear()
        return response


def session_cookie(response: httpx.Response) -> str:
    match = re.search(r"lemniscate_session=([^;]+)", response.headers.get("set-cookie", ""))
    assert match, response.headers
    return match.group(1)


@asynccontextmanager
async def web_app(
    shared: WorkflowEnvironment, data_dir: Path, keys: list[dict[str, Any]]
) -> AsyncIterator[Web]:
    key_file = data_dir / "api-keys.json"
    key_file.write_text(json.dumps(keys), "utf-8")
    queue = fresh_task_queue("web")
    settings = ClusterSettings.from_env(
        {"LEMNISCATE_DATA_DIR": str(data_dir), "LEMNISCATE_TASK_QUEUE": queue}
    )
    async with borrow(shared, own_namespace=True) as env, running_worker(env.client, queue) as service:
        app = create_app(service_factory(settings, env.client), KeyRing.load(key_file), settings)
        transport = httpx.ASGITransport(app=app)
        # English pages, as the tests read them (the office default is Dutch).
        english = {"Accept-Language": "en"}
        async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=english) as client:
            yield Web(client, key_file, service)


class _Server(uvicorn.Server):
    """uvicorn inside the test's event loop, leaving signals to pytest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def served(app: ASGIApp, port: int) -> AsyncIterator[str]:
    """`app` served by uvicorn on 127.0.0.1:`port`, for a browser; its base URL."""
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), serving.exception()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
