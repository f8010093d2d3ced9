"""A worker dies mid-burst: `lemniscate worker` is SIGKILLed while concurrent clients fire
triggers into 100 coalitions, and a new worker process takes over.

What must hold afterwards: every trigger a client saw acknowledged is in its coalition's
journal; no trigger is there twice, although clients retried with the same request ids;
every coalition answers a query and accepts one more trigger; no workflow task failed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest

from tests.support.faults import (
    Burst,
    WorkerProcess,
    check_nothing_lost,
    clients,
    describe,
    embedded_settings,
    failed_workflow_tasks,
    server,
)

COALITIONS = 100
TRIGGERS_EACH = 5
KILL_AFTER = COALITIONS * TRIGGERS_EACH // 3  # acknowledged triggers before the kill


@pytest.mark.slow
async def test_sigkill_worker_mid_burst_loses_and_repeats_nothing(tmp_path: Path) -> None:
    began = time.monotonic()
    # A server of its own, as every fault test has: on a SQLite file as in production, loaded
    # by the burst to its limit, with the killed worker's tasks left on it.
    settings = embedded_settings(tmp_path / "data")
    task_queue = f"faults-{uuid.uuid4().hex[:8]}"
    async with server(settings) as temporal:
        first = WorkerProcess(temporal.address, task_queue, tmp_path / "worker-1.log")
        second = WorkerProcess(temporal.address, task_queue, tmp_path / "worker-2.log")
        try:
            await first.start()
            callers = await clients(settings, 4)
            # Callers give up on a call after 2 s and send it again with the same request
            # id: while the worker is down, triggers are sent more than once.
            burst = Burst(
                callers, task_queue, [f"wk-{i}" for i in range(COALITIONS)], TRIGGERS_EACH, call_timeout=2.0
            )
            await burst.start_coalitions()

            firing = asyncio.ensure_future(burst.run())
            await burst.wait_until_acknowledged(KILL_AFTER)
            first.kill()
            at_kill = len(burst.acknowledged)
            # Triggers are in flight now, some of them held by the dead worker's tasks.
            await asyncio.sleep(0.5)
            await second.start()
            await asyncio.wait_for(firing, 90)

            assert at_kill < burst.total, "the kill came after the burst: nothing was tested"
            assert len(burst.acknowledged) == burst.total, describe(burst)
            resent = [rid for rid, attempts in burst.sent.items() if attempts > 1]
            assert resent, "no trigger was sent twice: the retry path was not exercised"
            await check_nothing_lost(temporal.client, burst)
            failed = await failed_workflow_tasks(temporal.client, burst.slugs)
            assert not failed, f"workflow tasks failed: {failed}"
            assert second.alive
            print(
                describe(
                    burst, {"acknowledged at the kill": at_kill, "seconds": round(time.monotonic() - began)}
                )
            )
        finally:
            first.stop()
            second.stop()
