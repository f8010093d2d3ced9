"""The server goes away mid-burst: the embedded dev server is stopped and started again on
the same SQLite file and ports while concurrent clients fire triggers into 100 coalitions
through a `lemniscate worker` process; clients retry failed calls with the same request ids.

Twice: once stopped cleanly (SIGTERM, as `lemniscate up` stops it), once killed (SIGKILL,
as a crash or an out-of-memory kill would). What must hold afterwards: every trigger a
client saw acknowledged is in its coalition's journal; none is there twice; every coalition
answers a query and accepts one more trigger; no workflow task failed.
"""

from __future__ import annotations

import asyncio
import os
import signal
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
STOP_AFTER = COALITIONS * TRIGGERS_EACH // 3  # acknowledged triggers before the stop


@pytest.mark.slow
@pytest.mark.parametrize("how", ["sigterm", "sigkill"])
async def test_server_restart_mid_burst_loses_and_repeats_nothing(tmp_path: Path, how: str) -> None:
    began = time.monotonic()
    # A server of its own: the test stops it and starts it again on the same SQLite file.
    settings = embedded_settings(tmp_path / "data")
    task_queue = f"faults-{uuid.uuid4().hex[:8]}"
    temporal = server(settings)
    await temporal.start()
    worker = WorkerProcess(temporal.address, task_queue, tmp_path / "worker.log")
    try:
        await worker.start()
        callers = await clients(settings, 4)
        burst = Burst(
            callers, task_queue, [f"sv-{i}" for i in range(COALITIONS)], TRIGGERS_EACH, call_timeout=3.0
        )
        await burst.start_coalitions()

        firing = asyncio.ensure_future(burst.run())
        await burst.wait_until_acknowledged(STOP_AFTER)
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
        assert len(burst.acknowledged) == burst.total, describe(burst)
        assert sum(burst.retried.values()) > 0, "no call failed: the server was not missed"
        await check_nothing_lost(temporal.client, burst)
        failed = await failed_workflow_tasks(temporal.client, burst.slugs)
        assert not failed, f"workflow tasks failed: {failed}"
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
