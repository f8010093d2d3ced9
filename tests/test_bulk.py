"""A bulk operation over 200 coalitions on the real dev server, with the worker process
killed in the middle: it completes after a new worker starts, and applies every trigger
exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.bulk import BulkFilter, BulkProgress, BulkRequest
from tests.support.servers import borrow

RES, OTHER = 150, 50
SIGNAL = {
    "region": "national",
    "kind": "opportunity",
    "description": "The new subsidy round opens on 1 March.",
}


@contextmanager
def worker_process(settings: ClusterSettings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")},
        "TEMPORAL_ADDRESS": settings.target_address,
        "TEMPORAL_NAMESPACE": settings.namespace,
        "LEMNISCATE_TASK_QUEUE": settings.task_queue,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "lemniscate"), "worker"], env=env, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


@pytest.fixture()
async def server(
    dev_server: WorkflowEnvironment, task_queue: str
) -> AsyncIterator[tuple[WorkflowEnvironment, ClusterSettings]]:
    # A namespace of its own: the bulk operation selects every coalition of a programme.
    async with borrow(dev_server, own_namespace=True) as env:
        settings = ClusterSettings.from_env(
            {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": env.client.namespace,
                "LEMNISCATE_TASK_QUEUE": task_queue,
            }
        )
        yield env, settings


async def _start_all(service: CoalitionService) -> None:
    gate = asyncio.Semaphore(20)

    async def start(n: int) -> None:
        programme = "RES" if n < RES else "Other"
        async with gate:
            await service.start(
                walks.taskforce_start(f"bulk-{n:03d}", programme=programme), walks.COORDINATOR
            )

    await asyncio.gather(*(start(n) for n in range(RES + OTHER)))


async def _progress(service: CoalitionService, bulk_id: str) -> BulkProgress:
    """Read progress; right after a worker dies a query may time out until the server
    routes it to the new worker, so keep asking for a while."""
    for _ in range(30):
        try:
            return await service.bulk_runs.progress(bulk_id, READER)
        except RPCError:
            await asyncio.sleep(1)
    return await service.bulk_runs.progress(bulk_id, READER)


@pytest.mark.slow
async def test_bulk_over_200_survives_a_killed_worker(
    server: tuple[WorkflowEnvironment, ClusterSettings], tmp_path: Path
) -> None:
    embedded, settings = server
    service = CoalitionService(embedded.client, settings.task_queue)
    log = tmp_path / "workers.log"
    with worker_process(settings, log) as first:
        await _start_all(service)
        for _ in range(100):  # visibility catches up within a few seconds
            if await service.count(PortfolioFilter(programme="RES", running_only=True), READER) == RES:
                break
            await asyncio.sleep(0.2)
        request = BulkRequest(
            id="subsidy-round",
            where=BulkFilter(programme="RES"),
            trigger="record_signal",
            payload=SIGNAL,
            actor=walks.COORDINATOR,
            reason="announce the new subsidy round",
            chunk_size=10,
        )
        await service.bulk_runs.start(request)
        progress = await _progress(service, request.id)
        for _ in range(400):
            progress = await _progress(service, request.id)
            if progress.done >= 20:
                break
            await asyncio.sleep(0.05)
        assert 0 < progress.done < RES, "the kill must fall in the middle of the batch"
        first.send_signal(signal.SIGKILL)
        first.wait()

    with worker_process(settings, log):
        for _ in range(600):
            progress = await _progress(service, request.id)
            if progress.finished:
                break
            await asyncio.sleep(0.1)
        assert progress.finished and progress.total == RES
        assert progress.count("accepted") == RES
        assert sorted(r.coalition_id for r in progress.results) == [f"bulk-{n:03d}" for n in range(RES)]

        async def signals(n: int) -> int:
            journal = await service.journal(f"bulk-{n:03d}", READER)
            return sum(1 for e in journal if e.event.trigger == "record_signal")

        counts = await asyncio.gather(*(signals(n) for n in range(RES + OTHER)))
        assert counts[:RES] == [1] * RES  # applied exactly once, crash or not
        assert counts[RES:] == [0] * OTHER  # the filter held

        refused = BulkRequest(
            id="too-early", where=BulkFilter(programme="Other"), trigger="map_domain", actor=walks.COORDINATOR
        )
        await service.bulk_runs.start(refused)
        for _ in range(300):
            report = await _progress(service, refused.id)
            if report.finished:
                break
            await asyncio.sleep(0.1)
        assert report.count("refused") == OTHER
        assert all(
            "The initiator's own intent is not recorded yet (record_intent)." in r.detail
            for r in report.results
        )
