"""Serving a web app (the API with its dashboard, built by `cli.web`): its keys, its service,
and uvicorn within the process's own event loop and signal handling."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI
from temporalio.client import Client

from lemniscate.api.deps import ServiceFactory
from lemniscate.cluster import ClusterSettings, connect
from lemniscate.coalitions import CoalitionService

DEFAULT_PORT = 8000


class _Server(uvicorn.Server):
    """uvicorn, minus its own signal handling: Ctrl-C stops the whole process in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


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


async def serve(
    app: FastAPI, host: str, port: int, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> None:
    """Serve `app` until `stop` is set; `ready` is set once it listens."""
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
