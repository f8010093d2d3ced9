"""One log line per workflow start, from the worker that ran it.

With several workers on one task queue this shows who carries which coalition (each
accepted trigger has its own line from the coalition workflow, `trigger accepted`). Lines
are written only for new work, never while a worker replays a history it took over.
"""

from __future__ import annotations

import logging
from typing import Any

from temporalio import workflow
from temporalio.worker import (
    ExecuteWorkflowInput,
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


def _emit(event: str, **fields: Any) -> None:
    info = workflow.info()
    _log.info(event, extra={"workflow_id": info.workflow_id, "run_id": info.run_id, **fields})
