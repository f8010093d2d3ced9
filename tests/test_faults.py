"""Faults mid-burst: concurrent clients fire triggers into 100 coalitions through a
`lemniscate worker` process, and retry failed calls with the same request ids, while
- the worker is SIGKILLed, and a new worker process takes over;
- the embedded dev server is stopped and started again on the same SQLite file and ports,
  once stopped cleanly (SIGTERM, as `lemniscate up` stops it), once killed (SIGKILL, as a
  crash or an out-of-memory kill would).

What must hold afterwards: every trigger a client saw acknowledged is in its coalition's
journal; none is there twice; every coalition answers a query and accepts one more trigger;
no workflow task failed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from tests.support.faults import (
    WorkerProcess,
    burst_until_fault,
    check_burst_survived,
    describe,
    embedded_settings,
    server,
)
from tests.support.servers import fresh_task_queue


@pytest.mark.slow
async def test_sigkill_worker_mid_burst_loses_and_repeats_nothing(tmp_path: Path) -> None:
    began = time.monotonic()
    # A server of its own, as every fault test has: on a SQLite file as in production, loaded
    # by the burst to its limit, with the killed worker's tasks left on it.
    settings = embedded_settings(tmp_path / "data")
    task_queue = fresh_task_queue("faults")
    async with server(settings) as temporal:
        first = WorkerProcess(temporal.address, task_queue, tmp_path / "worker-1.log")
        second = WorkerProcess(temporal.address, task_queue, tmp_path / "worker-2.log")
        try:
            await first.start()
            # Callers give up on a call after 2 s and send it again with the same request
            # id: while the worker is down, triggers are sent more than once.
            burst, firing = await burst_until_fault(settings, task_queue, "wk", call_timeout=2.0)
            first.kill()
            at_kill = len(burst.acknowledged)
            # Triggers are in flight now, some of them held by the dead worker's tasks.
            await asyncio.sleep(0.5)
            await second.start()
            await asyncio.wait_for(firing, 90)

            assert at_kill < burst.total, "the kill came after the burst: nothing was tested"
            await check_burst_survived(temporal.client, burst)
            resent = [rid for rid, attempts in burst.sent.items() if attempts > 1]
            assert resent, "no trigger was sent twice: the retry path was not exercised"
            assert second.alive
            print(
                describe(
                    burst, {"acknowledged at the kill": at_kill, "seconds": round(time.monotonic() - began)}
                )
            )
        finally:
            first.stop()
            second.stop()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["sigterm", "sigkill"])
async def test_server_restart_mid_burst_loses_and_repeats_nothing(tmp_path: Path, how: str) -> None:
    began = time.monotonic()
    # A server of its own: the test stops it and starts it again on the same SQLite file.
    settings = embedded_settings(tmp_path / "data")
    task_queue = fresh_task_queue("faults")
    temporal = server(settings)
    await temporal.start()
    worker = WorkerProcess(temporal.address, task_queue, tmp_path / "worker.log")
    try:
        await worker.start()
        burst, firing = await burst_until_fault(settings, task_queue, "sv", call_timeout=3.0)
        if how == "sigkill":
            assert temporal.pid is not None
            os.kill(temporal.pid, signal.SIGKILL)
        await temporal.stop()  # waits for the process; after SIGKILL only reaps it
        at_stop = len(burst.acknowledged)
        down_since = time.monotonic()
        # Longer than a call's timeout: calls in flight give up and are sent again.
        await asyncio.sleep(3.0)
        # The same settings: the same SQLite file, the same ports.
        temporal = server(settings)
        await temporal.start()
        downtime = time.monotonic() - down_since
        await asyncio.wait_for(firing, 90)

        assert at_stop < burst.total, "the stop came after the burst: nothing was tested"
        await check_burst_survived(temporal.client, burst)
        assert sum(burst.retried.values()) > 0, "no call failed: the server was not missed"
        # The worker rode out the outage on its own: the same process, still polling.
        assert worker.alive, worker.output()[-2000:]
        print(
            describe(
                burst,
                {
                    "acknowledged at the stop": at_stop,
                    "server down (s)": round(downtime, 1),
                    "seconds": round(time.monotonic() - began),
                },
            )
        )
    finally:
        worker.stop()
        await temporal.stop()
