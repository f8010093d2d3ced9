"""Replay-safe structured logging for workflow code.

A workflow's code runs again on every replay; its log lines must not. Each line carries the
coalition, workflow and run ids and the state the coalition is in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from temporalio import workflow


class WorkflowLogger:
    def __init__(self, coalition_id: str, state: Callable[[], str]) -> None:
        self._coalition_id = coalition_id
        self._state = state
        # Bound once per run, on the first line: binding builds the processor chain, and a
        # line per accepted trigger is on every update's path.
        self._bound: Any = None

    def _emit(self, level: str, event: str, **fields: Any) -> None:
        if workflow.unsafe.is_replaying():
            return
        if self._bound is None:
            info = workflow.info()
            self._bound = structlog.get_logger("lemniscate.workflow").bind(
                coalition_id=self._coalition_id, workflow_id=info.workflow_id, run_id=info.run_id
            )
        getattr(self._bound, level)(event, state=self._state(), **fields)

    def info(self, event: str, **fields: Any) -> None:
        self._emit("info", event, **fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._emit("warning", event, **fields)


def workflow_logger(coalition_id: str, state: Callable[[], str]) -> WorkflowLogger:
    return WorkflowLogger(coalition_id, state)
