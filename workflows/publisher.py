"""Hands what happened to subscribed systems: a second's worth of events in one activity.

While nobody has subscribed (as of a moment ago) events are dropped for a minute: they are in
the journal, and asking again with an activity per step would double what a step costs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from lemniscate.activities.publish import PublishActivities
    from lemniscate.workflows.deliveries import Deliveries
    from lemniscate.workflows.state import RunState

PUBLISH_AFTER = timedelta(seconds=1)
# How long "nobody has subscribed" is believed before the next batch asks again: the longest
# a new subscription waits for a busy coalition's events.
AUDIENCE_RECHECK = timedelta(minutes=1)


class Publisher:
    def __init__(self, run: RunState, deliveries: Deliveries, ending: Callable[[], bool], lean: bool) -> None:
        self._run = run
        self._deliveries = deliveries
        self._ending = ending
        self._lean = lean  # runs from before the audience check publish after every wake-up
        self._publishing = False
        self._unheard_until: datetime | None = None

    def publish(self) -> None:
        if not self._run.unpublished or self._publishing:
            return
        if self._unheard_until is not None and workflow.now() < self._unheard_until:
            self._run.unpublished = []
            return
        self._publishing = True
        self._deliveries.in_background(self._soon())

    async def _soon(self) -> None:
        # A burst of triggers becomes one activity rather than one per trigger; when the
        # run is about to end there is no more waiting.
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(self._ending, timeout=PUBLISH_AFTER)
        batch, self._run.unpublished = self._run.unpublished, []
        self._publishing = False
        subscriptions = await self._deliveries.run_method(PublishActivities.publish, batch, batch[0].id)
        if self._lean and subscriptions == 0:
            self._unheard_until = workflow.now() + AUDIENCE_RECHECK
