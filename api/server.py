"""Serving the API: with `lemniscate api` on its own, or beside the worker in `lemniscate up`."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from temporalio.client import Client

from lemniscate.api.app import ServiceFactory, create_app
from lemniscate.api.auth import KeyRing
from lemniscate.cluster import ClusterSettings, connect
from lemniscate.coalitions import CoalitionService

DEFAULT_PORT = 8000


class _Server(uvicorn.Server):
    """uvicorn, minus its own signal handling: Ctrl-C stops the whole process in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def key_file(settings: ClusterSettings) -> Path:
    configured = os.environ.get("LEMNISCATE_API_KEYS_FILE")
    return Path(configured) if configured else settings.data_dir / "api-keys.json"


def service_factory(settings: ClusterSettings, client: Client | None = None) -> ServiceFactory:
    """Connect on first use, then reuse the client: the API starts even while Temporal is
    still coming up, and answers 503 until it is reachable."""
    connected: list[CoalitionService] = []
    lock = asyncio.Lock()

    async def service() -> CoalitionService:
        async with lock:
            if not connected:
                connected.append(CoalitionService(client or await connect(settings), settings.task_queue))
        return connected[0]

    return service


async def serve_api(
    settings: ClusterSettings,
    host: str,
    port: int,
    stop: asyncio.Event,
    client: Client | None = None,
    ready: asyncio.Event | None = None,
) -> None:
    app = create_app(service_factory(settings, client), KeyRing.load(key_file(settings)), settings)
    server = _Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.02)
    if serving.done():
        serving.result()  # surfaces why it could not start, e.g. the port is taken
    if ready is not None:
        ready.set()
    await stop.wait()
    server.should_exit = True
    await serving
