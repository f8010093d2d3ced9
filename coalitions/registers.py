"""The office's one-of-a-kind workflows as the service reaches them: the playbook and
programme registries and the subscription register. Each is one workflow with a fixed id,
started by the first change and read as empty until then; what it refuses comes back as
the refusal of the step asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from lemniscate.coalitions.errors import CoalitionRefused
from lemniscate.models.sentence import from_wire

W = TypeVar("W")
T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")


class Register(Generic[W]):
    """The workflow `run` names, under `workflow_id`, on `task_queue`."""

    def __init__(
        self,
        client: Client,
        task_queue: str,
        run: Callable[[W, list[Any]], Awaitable[None]],
        workflow_id: str,
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._run = run
        self._id = workflow_id

    def handle(self) -> WorkflowHandle[W, None]:
        return self._client.get_workflow_handle_for(self._run, self._id)

    async def start(self) -> None:
        """Start it with nothing held, unless it runs already."""
        await self._client.start_workflow(
            self._run,
            [],
            id=self._id,
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def read(self, query: Callable[[W], list[T]]) -> list[T]:
        """What `query` answers; nothing while it was never started."""
        try:
            return await self.handle().query(query)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return []
            raise

    async def change(self, step: str, update: UpdateMethodMultiParam[[W, A], R], arg: A) -> R:
        """`update` with `arg`, started first if need be; what the workflow refuses is the
        refusal of `step`, with its reasons."""
        await self.start()
        try:
            return await self.handle().execute_update(update, arg)
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError):
                raise CoalitionRefused(step, [from_wire(d) for d in cause.details]) from None
            raise
