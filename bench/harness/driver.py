"""The two kinds of workflow, driven the same way."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from bench.baseline import BASELINE_NAME
from bench.harness.progress import Progress
from lemniscate import states
from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.coalitions.portfolio import initial_search_attributes
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Event
from lemniscate.models.journal import TriggerRequest
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import CoalitionInput, workflow_id

T = TypeVar("T")
KINDS = ("baseline", "lemniscate")


def request_dict(step: Step) -> dict[str, Any]:
    """A Lemniscate trigger request as the baseline receives it: the same JSON."""
    return TriggerRequest(
        trigger=step.trigger, payload=step.payload, actor=step.actor, reason=step.reason
    ).model_dump(mode="json")


class Driver:
    """Starts, walks and probes workflows of one kind through its public client path:
    `CoalitionService` for Lemniscate (as the CLI and the API do), the raw client for the
    baseline. `features` turn on the baseline's ablation steps (see bench/baseline.py)."""

    def __init__(
        self, kind: str, client: Client, task_queue: str, tag: str, features: Sequence[str] = ()
    ) -> None:
        self.kind, self.client, self.task_queue, self.tag = kind, client, task_queue, tag
        self.features = list(features)
        self.retries = 0
        self.service = CoalitionService(client, task_queue)

    def slug(self, index: int) -> str:
        return f"{self.tag}-{self.kind[:4]}-{index}"

    async def start(self, slug: str, programme: str = "Wonen en Zorg", read: bool = True) -> None:
        """Start a workflow; with `read`, read it back with a query as
        `CoalitionService.start` does (the query waits for the workflow's first task)."""
        payload = walks.taskforce_start(slug, programme=programme)
        if self.kind == "lemniscate":
            # `CoalitionService.start`, step by step, so that a transient failure retries
            # the step that failed and never starts twice.
            request = TriggerRequest(trigger=states.START, payload=payload, actor=COORDINATOR)
            coalition = states.genesis(
                Event(trigger=states.START, payload=payload, actor=COORDINATOR, at=datetime.now(UTC))
            )
            arguments: tuple[Any, ...] = (CoalitionWorkflow.run, CoalitionInput(start=request))
            options: dict[str, Any] = {"search_attributes": initial_search_attributes(coalition)}
        else:
            arguments = (
                BASELINE_NAME,
                {
                    "trigger": "start",
                    "payload": payload,
                    "actor": COORDINATOR.model_dump(mode="json"),
                    "features": self.features,
                },
            )
            options = {}

        async def start() -> object:
            return await self.client.start_workflow(
                *arguments,
                id=workflow_id(slug),
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                **options,
            )

        await self._retrying(start, started=True)
        if read:
            await self.seq(slug)

    async def _retrying(self, call: Callable[[], Awaitable[T]], started: bool = False) -> T | None:
        """`call`, again on a transient failure (a query outwaiting a busy worker, a
        connection the server closed): every call here is idempotent, starts by their
        workflow id and updates by their update id. Retries are counted in the results."""
        for attempt in range(6):
            try:
                return await call()
            except WorkflowAlreadyStartedError:
                if started and attempt > 0:
                    return None  # the first attempt went through after all
                raise
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
                if attempt == 5 or (
                    isinstance(error, RPCError)
                    and error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT)
                ):
                    raise
                self.retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def handle(self, slug: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(workflow_id(slug))

    async def fire(self, slug: str, step: Step) -> None:
        rid = f"{slug}:{uuid.uuid4().hex}"  # the same id on a retry: applied once
        if self.kind == "lemniscate":
            await self._retrying(
                lambda: self.service.trigger(
                    slug, step.trigger, step.payload, step.actor, step.reason, request_id=rid
                )
            )
        else:
            await self._retrying(lambda: self.handle(slug).execute_update("fire", request_dict(step), id=rid))

    async def refused(self, slug: str, step: Step) -> None:
        """Fire a trigger the workflow's validator refuses; raise if it was accepted."""
        try:
            if self.kind == "lemniscate":
                await self.service.trigger(slug, step.trigger, step.payload, step.actor)
            else:
                await self.handle(slug).execute_update("fire", {**request_dict(step), "refuse": True})
        except (CoalitionRefused, WorkflowUpdateFailedError):
            return
        raise AssertionError(f"{step.trigger} was accepted; the benchmark expected a refusal")

    async def seq(self, slug: str) -> int:
        """How many updates the workflow has applied, read with a query."""
        seen = await self._retrying(lambda: self._seq(slug))
        assert seen is not None
        return seen

    async def _seq(self, slug: str) -> int:
        if self.kind == "lemniscate":
            # The journal counts the start too.
            return (await self.service.view(slug, READER)).status.journal_length - 1
        view = await self.handle(slug).query("view")
        return int(view["seq"])

    async def walk(self, slug: str, steps: Sequence[Step], progress: Progress | None = None) -> None:
        await self.start(slug)
        if progress is not None:
            progress.add()
        for step in steps:
            await self.fire(slug, step)
            if progress is not None:
                progress.add()


async def gather_limited(jobs: Iterable[Callable[[], Awaitable[None]]], limit: int) -> None:
    semaphore = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with semaphore:
            await job()

    await asyncio.gather(*(run(job) for job in jobs))
