"""The bare-Temporal baseline: a workflow that takes the same updates as a coalition with a
trivial validator and handler and no method logic.

It carries the same request shape (trigger, payload, actor, reason) through the same data
converter, so what the comparison isolates is the method and the workflow's own machinery:
pydantic models, `states.decide` and `apply`, the overview in every reply, the journal,
timers, search attributes, activities and log lines.

For the ablation (`bench/run.py --ablation`) the start request may name `features` that add,
one at a time, what the coalition workflow does on every wake-up on top of the bare update:
- "timer": wait for the next change with a timeout, as a coalition waits for its next
  follow-up (a TimerStarted and a TimerCanceled event per update);
- "upsert": upsert a search attribute after each change (an event and a visibility write);
- "activity": run a no-op activity after each change (three events, one more workflow task),
  as the coalition's outbound-event publishing does.

This module is re-imported by the workflow sandbox: it must do nothing at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import SearchAttributeKey
from temporalio.exceptions import ApplicationError

BASELINE_NAME = "BenchBaseline"
FEATURES = ("timer", "upsert", "activity")
# A keyword Lemniscate registers anyway; baseline rows never match the portfolio's filters,
# which all start with WorkflowType = 'Coalition'.
_STATE = SearchAttributeKey.for_keyword("LemniscateState")


@activity.defn(name="bench_noop")
async def noop(seq: int) -> int:
    return seq


@workflow.defn(name=BASELINE_NAME)
class BaselineWorkflow:
    @workflow.init
    def __init__(self, start: dict[str, Any]) -> None:
        self._seq = 0
        self._last: str | None = None
        self._done = False
        self._changed = False
        self._features = set(start.get("features", ()))
        self._tasks: set[asyncio.Task[Any]] = set()

    @workflow.run
    async def run(self, start: dict[str, Any]) -> int:
        indexed = -1
        # Open until told otherwise, like a coalition that has not closed.
        while not self._done:
            if "upsert" in self._features and indexed != self._seq:
                indexed = self._seq
                workflow.upsert_search_attributes([_STATE.value_set(f"seq-{self._seq}")])
            self._changed = False
            timeout = timedelta(days=30) if "timer" in self._features else None
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._changed, timeout=timeout)
            if "activity" in self._features:
                task = asyncio.ensure_future(
                    workflow.execute_activity(noop, self._seq, start_to_close_timeout=timedelta(minutes=1))
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self._tasks)
        return self._seq

    @workflow.update(name="fire")
    def fire(self, request: dict[str, Any]) -> dict[str, Any]:
        self._seq += 1
        self._last = request.get("trigger")
        self._changed = True
        if self._last == "close":
            self._done = True
        return {"seq": self._seq, "trigger": self._last}

    @fire.validator
    def _validate_fire(self, request: dict[str, Any]) -> None:
        # The cheapest refusal Temporal offers: a validator that raises.
        if request.get("refuse"):
            raise ApplicationError(
                "refused", "the baseline refuses on request.", type="Refused", non_retryable=True
            )

    @workflow.query(name="view")
    def view(self) -> dict[str, Any]:
        return {"seq": self._seq, "last": self._last}
