"""Side effects a coalition hands to activities in the background: a slow or failing
receiver never holds back the next trigger or follow-up, and a target that fails for good
ends as a visible note, never a stuck coalition."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any, Final, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from lemniscate.workflows.log import WorkflowLogger

# How a channel took a follow-up (`attempt`); "skipped" is also what the channel activities
# answer when they have nothing to do (no SMTP host, no webhook, no address).
DELIVERED, SKIPPED, FAILED = "delivered", "skipped", "failed"

A = TypeVar("A")
R = TypeVar("R")

# What `_execute` answers for an activity that failed for good: not None, which an activity
# may answer.
_FAILED: Final = object()

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(hours=1),
    maximum_attempts=12,
)


class Deliveries:
    def __init__(self, failures: list[str], log: WorkflowLogger) -> None:
        self._failures = failures  # the run state's notes, carried across continue-as-new
        self._log = log
        self._running: set[asyncio.Task[None]] = set()

    @property
    def idle(self) -> bool:
        return not self._running

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def run(
        self, activity: Callable[[A], Awaitable[R]] | Callable[[A], R], argument: A, what: str
    ) -> R | None:
        """The activity's result, or None once it has failed for good."""
        result = await self._execute(activity, argument, what)
        return None if result is _FAILED else result

    async def attempt(
        self, activity: Callable[[A], Awaitable[R]] | Callable[[A], R], argument: A, what: str
    ) -> str:
        """Run a delivery channel: `delivered`, `skipped` (what the activity answered when it
        had nothing to do) or `failed` (for good, noted like every failure)."""
        result = await self._execute(activity, argument, what)
        if result is _FAILED:
            return FAILED
        return SKIPPED if result == SKIPPED else DELIVERED

    async def run_method(
        self, activity: Callable[[Any, A], Awaitable[R]], argument: A, what: str
    ) -> R | None:
        """The same for an activity that is a method of a class of activities."""
        result = await self._execute(activity, argument, what)
        return None if result is _FAILED else result

    async def _execute(self, activity: Callable[..., Any], argument: object, what: str) -> Any:
        """The activity's result, or `_FAILED` once it has failed for good (and is noted)."""
        try:
            return await workflow.execute_activity(
                activity,
                argument,
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=RETRY,
            )
        except ActivityError as error:
            self._failed(activity, what, error)
            return _FAILED

    def _failed(self, activity: Callable[..., Any], what: str, error: ActivityError) -> None:
        cause = error.cause.message if isinstance(error.cause, ApplicationError) else error
        name = activity.__name__
        self._failures.append(f"{workflow.now():%Y-%m-%d %H:%M} {name} {what}: {cause}")
        self._log.warning("delivery failed", activity=name, what=what, error=str(cause))
