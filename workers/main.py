"""The worker: polls the task queue and runs coalition workflows and activities.

Run it on its own with `lemniscate worker` (configured by TEMPORAL_* and LEMNISCATE_*
environment variables), or let `lemniscate up` start it beside the embedded server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import structlog
from temporalio.client import Client
from temporalio.worker import Replayer, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from lemniscate.activities.notify import CHANNELS
from lemniscate.activities.publish import PublishActivities
from lemniscate.cluster import (
    ClusterSettings,
    codec_from_env,
    connect,
    data_converter,
    ensure_registered,
    observability,
)
from lemniscate.coalitions.bulk import BulkActivities
from lemniscate.coalitions.subscriptions import SubscriptionRegister
from lemniscate.workers.activity_log import WorkflowActivityLog
from lemniscate.workflows.bulk import BulkOperationWorkflow
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.playbooks import PlaybookRegistryWorkflow
from lemniscate.workflows.programmes import ProgrammeRegistryWorkflow
from lemniscate.workflows.subscriptions import SubscriptionsWorkflow

log = structlog.get_logger("lemniscate.worker")


WORKFLOWS = [
    CoalitionWorkflow,
    BulkOperationWorkflow,
    SubscriptionsWorkflow,
    PlaybookRegistryWorkflow,
    ProgrammeRegistryWorkflow,
]


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox with the project's own modules passed through, so a model class exists
    once: the sandbox still reloads the module of the workflow it runs, and the method core
    they import is pure (no clock, no I/O, no module state)."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("lemniscate")
    )


def create_replayer(workflows: Sequence[type] = WORKFLOWS) -> Replayer:
    """A replayer configured as the worker is: same converter, sandbox and interceptors."""
    return Replayer(
        workflows=workflows,
        data_converter=data_converter(),
        workflow_runner=workflow_runner(),
        interceptors=[WorkflowActivityLog()],
    )


def create_worker(client: Client, task_queue: str) -> Worker:
    bulk = BulkActivities(client, task_queue)
    publish = PublishActivities(SubscriptionRegister(client, task_queue).subscriptions)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        activities=[*CHANNELS, bulk.select, bulk.fire, publish.publish],
        activity_executor=ThreadPoolExecutor(max_workers=8),
        # Tracing, when on, comes from the client's interceptors (workers inherit them).
        interceptors=[WorkflowActivityLog()],
    )


async def run_worker(settings: ClusterSettings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or forever); registers the search attributes first."""
    client = await connect(settings)
    await ensure_registered(client, settings.namespace)
    worker = create_worker(client, settings.task_queue)
    codec = codec_from_env()
    log.info(
        "worker started",
        address=settings.target_address,
        namespace=settings.namespace,
        task_queue=settings.task_queue,
        identity=client.identity,
        encryption_key_id=codec.active_key_id if codec else None,
        metrics_address=observability.metrics_address(),
        tracing=observability.tracing_enabled(),
    )
    async with worker:
        await (stop.wait() if stop is not None else asyncio.Event().wait())
    log.info("worker stopped")
