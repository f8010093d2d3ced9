"""3. Worker memory per open coalition, all cached and with the default cache; the
coalitions started here are the ones part 5 lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client

from bench.harness.driver import KINDS, Driver, gather_limited
from bench.harness.measure import rss_bytes, settle
from bench.harness.progress import Progress, say
from bench.harness.workers import WorkerProcess

PROGRAMMES = 10  # coalitions of part 3 spread over this many programmes, for the filters
DEFAULT_CACHE = 1000  # temporalio.worker.Worker's max_cached_workflows default
SETTLE_AFTER_STARTS = 600.0  # seconds a worker may take to run the first task of each start


async def memory(client: Client, address: str, counts: Sequence[int], work: Path, tag: str) -> dict[str, Any]:
    """Per kind: open workflows started into a worker whose cache holds them all; the RSS
    delta of the worker / count at each count."""
    counts = sorted(counts)
    big_cache = counts[-1] + 1000
    results: dict[str, Any] = {"counts": counts, "default_max_cached_workflows": DEFAULT_CACHE}
    for kind in KINDS:
        queue = f"{tag}-memory-{kind}"
        driver = Driver(kind, client, queue, f"{tag}-m")
        rows: list[dict[str, Any]] = []
        async with WorkerProcess(kind, address, queue, work, max_cached=big_cache) as worker:
            base = await _warm(driver, worker)
            opened = 0
            for count in counts:
                await _start_many(driver, opened, count, f"memory, {kind}: starting")
                opened = count
                # Starts return before the worker ran their first task: measured too early,
                # the last thousands are not in the worker yet.
                if not await settle(worker.pid, timeout=SETTLE_AFTER_STARTS):
                    say(
                        f"memory, {kind}: the worker was still busy after "
                        f"{SETTLE_AFTER_STARTS:.0f} s; measuring anyway"
                    )
                rss = rss_bytes(worker.pid)
                rows.append(_memory_row(count, big_cache, count, rss - base))
                say(
                    f"memory, {kind}: {count:,} open and cached, RSS +{(rss - base) / 2**20:.1f}"
                    f" MiB ({(rss - base) / 1024 / count:.1f} KiB each)"
                )
        results[kind] = rows
    return results


async def memory_default_cache(
    client: Client, address: str, work: Path, tag: str, results: dict[str, Any]
) -> None:
    """Per kind: twice as many workflows as the SDK's default cache holds, started into a
    worker with that default; the cache fills and then evicts, so RSS stays bounded. Run
    after the portfolio part: these workflows are not part of its count."""
    count = 2 * DEFAULT_CACHE
    for kind in KINDS:
        queue = f"{tag}-cache-{kind}"
        driver = Driver(kind, client, queue, f"{tag}-c")
        async with WorkerProcess(kind, address, queue, work) as worker:
            base = await _warm(driver, worker)
            await _start_many(driver, 0, count, f"memory, {kind}: default cache")
            await settle(worker.pid, timeout=SETTLE_AFTER_STARTS)
            rss = rss_bytes(worker.pid)
        row = _memory_row(count, DEFAULT_CACHE, DEFAULT_CACHE, rss - base)
        results.setdefault(kind, []).append(row)
        say(
            f"memory, {kind}: {count:,} started into the default cache ({DEFAULT_CACHE:,}): RSS "
            f"+{(rss - base) / 2**20:.1f} MiB ({row['kib_per_cached']:.1f} KiB per cached "
            "workflow)"
        )


async def _warm(driver: Driver, worker: WorkerProcess, count: int = 20) -> int:
    """Start a few workflows first (they pay for imports and the sandbox); the RSS after."""
    await gather_limited([_start_job(driver, -i - 1) for i in range(count)], 20)
    await settle(worker.pid)
    return rss_bytes(worker.pid)


async def _start_many(driver: Driver, first: int, end: int, label: str) -> None:
    progress = Progress(label, end, "workflows")
    progress.done = first
    await gather_limited([_start_job(driver, i, progress) for i in range(first, end)], 50)
    progress.finish()


def _memory_row(open_count: int, cache: int, cached: int, delta: int) -> dict[str, Any]:
    return {
        "open": open_count,
        "max_cached_workflows": cache,
        "cached": cached,
        "rss_delta_mib": delta / 2**20,
        "kib_per_open": delta / 1024 / open_count,
        "kib_per_cached": delta / 1024 / max(cached, 1),
    }


def _start_job(driver: Driver, index: int, progress: Progress | None = None) -> Callable[[], Awaitable[None]]:
    async def job() -> None:
        await driver.start(driver.slug(index), programme=f"Programme {index % PROGRAMMES}", read=False)
        if progress is not None:
            progress.add()

    return job
