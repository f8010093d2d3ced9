"""Bulk operations through Temporal: start one, read its progress. The selection and the
firing are the activities' (`coalitions.bulk`), run by `workflows.bulk`."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from lemniscate.coalitions import answers
from lemniscate.coalitions.errors import CoalitionExists, CoalitionNotFound
from lemniscate.coalitions.gate import Gate
from lemniscate.coalitions.refusals import Source
from lemniscate.models.bulk import BulkProgress, BulkRequest
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.workflows.bulk import BULK_ID_PREFIX, BulkOperationWorkflow


class BulkRuns:
    """The service's bulk operations (`CoalitionService.bulk_runs`), past the same gate."""

    def __init__(self, client: Client, task_queue: str, gate: Gate) -> None:
        self._client = client
        self._task_queue = task_queue
        self._gate = gate

    async def start(self, request: BulkRequest, *, source: Source = "cli") -> BulkProgress:
        """Start a durable bulk operation; refused at once if no coalition could accept it.
        Its own attempts on each coalition are logged with the source "bulk"."""
        self._gate.bulk_request(request, source=source)
        try:
            handle = await self._client.start_workflow(
                BulkOperationWorkflow.run,
                request,
                id=f"{BULK_ID_PREFIX}{request.id}",
                task_queue=self._task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            raise CoalitionExists(
                Sentence("service.bulk-exists", "a bulk operation {id} already exists.", id=repr(request.id))
            ) from None
        return await handle.query(BulkOperationWorkflow.progress)

    async def progress(self, bulk_id: str, reader: Actor) -> BulkProgress:
        """A bulk operation's results name coalitions across the office: a reader who sees
        only its own (a partner, who runs none) is told there is no such operation."""
        if policy.member_scope(reader) is not None:
            raise CoalitionNotFound(answers.no_bulk(bulk_id))
        handle = self._client.get_workflow_handle_for(BulkOperationWorkflow.run, f"{BULK_ID_PREFIX}{bulk_id}")
        try:
            return await handle.query(BulkOperationWorkflow.progress)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise CoalitionNotFound(answers.no_bulk(bulk_id)) from None
            raise
