"""One log line per workflow start and per accepted trigger, from the worker that ran it.

With several workers on one task queue this shows who carries which coalition. Lines are
written only for new work, never while a worker replays a history it took over, and they
name the trigger but never its payload (payloads may hold partner data).
"""

from __future__ import annotations

import logging
from typing import Any

from temporalio import workflow
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

LOGGER_NAME = "lemniscate.workflow"
_log = logging.getLogger(LOGGER_NAME)


class WorkflowActivityLog(Interceptor):
    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        return _LoggingInbound


class _LoggingInbound(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        if not workflow.unsafe.is_replaying():
            _emit("workflow started")
        return await super().execute_workflow(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        result = await super().handle_update_handler(input)
        if not workflow.unsafe.is_replaying():
            trigger = getattr(input.args[0], "trigger", None) if input.args else None
            _emit("update handled", update=input.update, update_id=input.id, trigger=trigger)
        return result


def _emit(event: str, **fields: Any) -> None:
    info = workflow.info()
    _log.info(event, extra={"workflow_id": info.workflow_id, "run_id": info.run_id, **fields})
