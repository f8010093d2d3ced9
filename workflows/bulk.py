"""A bulk operation as a durable batch: select the targets once, fire in chunks, report.

A crash of a worker or of the server resumes where it was: finished chunks are in the
history, an unfinished one is retried and its already-applied triggers are answered from
Temporal's update deduplication.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from lemniscate.models.bulk import BulkChunk, BulkProgress, BulkRequest, BulkResult

BULK_WORKFLOW = "BulkOperation"
BULK_ID_PREFIX = "bulk/"
PARALLEL_CHUNKS = 4
# A chunk heartbeats after every coalition; silence this long means its worker died.
HEARTBEAT = timedelta(seconds=10)
_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name=BULK_WORKFLOW)
class BulkOperationWorkflow:
    @workflow.init
    def __init__(self, request: BulkRequest) -> None:
        self._request = request
        self._targets: list[str] | None = None
        self._results: list[BulkResult] = []

    @workflow.run
    async def run(self, request: BulkRequest) -> BulkProgress:
        self._targets = await workflow.execute_activity(
            "bulk_select",
            request.where,
            result_type=list[str],
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(minutes=1),
            retry_policy=_RETRY,
        )
        chunks = [
            self._targets[i : i + request.chunk_size]
            for i in range(0, len(self._targets), request.chunk_size)
        ]
        for start in range(0, len(chunks), PARALLEL_CHUNKS):
            batch = chunks[start : start + PARALLEL_CHUNKS]
            replies = await asyncio.gather(
                *(
                    workflow.execute_activity(
                        "bulk_fire",
                        BulkChunk(request=request, targets=chunk),
                        result_type=list[BulkResult],
                        start_to_close_timeout=timedelta(minutes=10),
                        heartbeat_timeout=HEARTBEAT,
                        retry_policy=_RETRY,
                    )
                    for chunk in batch
                )
            )
            for reply in replies:
                self._results += reply
        return self.progress()

    @workflow.query(name="progress")
    def progress(self) -> BulkProgress:
        return BulkProgress(
            id=self._request.id,
            trigger=self._request.trigger,
            total=None if self._targets is None else len(self._targets),
            results=self._results,
            finished=self._targets is not None and len(self._results) == len(self._targets),
        )
