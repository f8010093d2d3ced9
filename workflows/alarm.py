"""One durable timer for the earliest follow-up, in the spirit of samples-python's
`updatable_timer`: set it to a due time, and it is replaced only when something falls due
earlier. Every update moves the night candle later; a timer per update would double the
history for nothing, and waking early costs the loop only a look."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow


class Alarm:
    def __init__(self) -> None:
        self._timer: asyncio.Task[None] | None = None
        self._at: datetime | None = None

    @property
    def rang(self) -> bool:
        return self._timer is not None and self._timer.done()

    def set(self, due: datetime | None) -> None:
        """Ring at `due` at the latest (never sooner than a second from now)."""
        if self.rang:
            self._timer = None  # a rung alarm must not wake the loop again
        if due is None or (self._timer is not None and self._at is not None and due >= self._at):
            return  # the pending alarm rings first
        if self._timer is not None:
            self._timer.cancel()
        self._at = due
        self._timer = asyncio.ensure_future(workflow.sleep(max(due - workflow.now(), timedelta(seconds=1))))
