"""Horizontal scale: two `lemniscate worker` processes on one task queue share a burst of
triggers over 40 coalitions; one is SIGKILLed mid-burst. Every trigger the client saw
acknowledged is in its coalition exactly once, retried ones included, and no coalition is
left stuck."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.workflows.io import workflow_id
from tests.support.processes import Background, worker
from tests.support.servers import borrow
from tests.support.workflows import eventually

COALITIONS = 40
TRIGGERS_EACH = 5
KILL_AFTER = 70  # acknowledged triggers before one worker dies
RETRY_FOR = 40.0  # seconds a trigger may be retried while its worker is being replaced


async def _pollers(client: Client, task_queue: str) -> int:
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return len({p.identity for p in response.pollers})


def _handled(log: str) -> list[str]:
    """Workflow ids of the triggers a worker's JSON log says it accepted."""
    ids = []
    for line in log.splitlines():
        if line.startswith("{") and '"trigger accepted"' in line:
            ids.append(json.loads(line)["workflow_id"])
    return ids


@pytest.mark.slow
async def test_two_worker_processes_share_a_burst_and_survive_a_kill(
    tmp_path: Path, dev_server: WorkflowEnvironment
) -> None:
    # A namespace of its own, like every test that starts coalitions on the dev server.
    async with borrow(dev_server, own_namespace=True) as env:
        client = env.client
        task_queue = f"scale-{uuid.uuid4().hex[:8]}"
        settings = {
            "TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "TEMPORAL_NAMESPACE": client.namespace,
            "LEMNISCATE_TASK_QUEUE": task_queue,
        }
        workers: list[Background] = [worker(settings, tmp_path / f"worker-{i}.log") for i in range(2)]
        try:
            await eventually(lambda: _pollers(client, task_queue), lambda n: n == 2, timeout=30, interval=0.2)
            service = CoalitionService(client, task_queue)
            slugs = [f"scale-{i:02d}" for i in range(COALITIONS)]
            await asyncio.gather(
                *(service.start(walks.taskforce_start(slug), walks.COORDINATOR) for slug in slugs)
            )

            acknowledged: list[str] = []
            retried: list[str] = []
            before_kill: list[list[str]] = []

            async def fire(slug: str, n: int) -> None:
                marker = f"burst:{slug}:{n}"
                deadline = asyncio.get_running_loop().time() + RETRY_FOR
                while True:
                    try:
                        # The same update id on every attempt: Temporal applies it once.
                        await service.fire(
                            slug,
                            "record_intent",
                            {"intent": f"Intent {n}"},
                            walks.COORDINATOR,
                            reason=marker,
                            request_id=marker,
                        )
                        break
                    except CoalitionRefused:
                        raise
                    except Exception:
                        if asyncio.get_running_loop().time() > deadline:
                            raise
                        retried.append(marker)
                        await asyncio.sleep(0.2)
                acknowledged.append(marker)
                if len(acknowledged) == KILL_AFTER:
                    before_kill.extend(_handled(w.log()) for w in workers)
                    workers[0].kill()

            async def chain(slug: str) -> None:
                for n in range(TRIGGERS_EACH):
                    await fire(slug, n)

            await asyncio.wait_for(asyncio.gather(*(chain(slug) for slug in slugs)), 50)

            # Both processes carried coalitions before the kill.
            assert len(before_kill) == 2 and all(before_kill), before_kill
            assert len(acknowledged) == COALITIONS * TRIGGERS_EACH

            # Every acknowledged trigger is in its coalition's journal exactly once.
            for slug in slugs:
                journal = await service.journal(slug, READER)
                reasons = [e.event.reason or "" for e in journal]
                markers = Counter(r for r in reasons if r.startswith("burst:"))
                assert markers == Counter({f"burst:{slug}:{n}": 1 for n in range(TRIGGERS_EACH)}), slug

            # The survivor took over coalitions the killed worker had been running.
            orphaned = set(before_kill[0])
            survivor = _handled(workers[1].log())
            assert orphaned & set(survivor[len(before_kill[1]) :]), "no coalition changed hands"

            # Nothing is left with a workflow task waiting for a worker that will never come.
            # A task may be pending for a moment (the event-publishing timer fires after the
            # burst, or a task sits on the dead worker's sticky queue until its 10 s
            # schedule-to-start timeout), so each must clear well within that horizon.
            async def waiting() -> list[str]:
                stuck = []
                for slug in slugs:
                    description = await client.get_workflow_handle(workflow_id(slug)).describe()
                    if description.raw_description.HasField("pending_workflow_task"):
                        stuck.append(slug)
                return stuck

            await eventually(waiting, lambda stuck: not stuck, timeout=30, interval=0.5)
        finally:
            for w in workers:
                w.kill()
