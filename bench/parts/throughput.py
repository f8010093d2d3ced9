"""1. Throughput: coalitions walked concurrently, against as many baseline workflows."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.baseline import FEATURES
from bench.harness.driver import KINDS, Driver
from bench.harness.measure import cpu_seconds
from bench.harness.profile import PySpy, profile_shares
from bench.harness.progress import Progress, say
from bench.harness.workers import WorkerProcess
from lemniscate.examples import walks


async def walk_many(
    driver: Driver,
    worker: WorkerProcess,
    server_pid: int | None,
    n: int,
    label: str,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Walk `n` coalitions concurrently to execution; what it cost the worker and server."""
    steps = walks.taskforce_to_execution()
    say(f"{label}: warming up")
    await asyncio.gather(*(driver.walk(driver.slug(-i - 1), steps) for i in range(5)))
    cpu_before = cpu_seconds(worker.pid)
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    operations = n * (len(steps) + 1)  # the start and every update
    progress = Progress(label, operations, "starts and updates")
    async with PySpy(worker.pid, profile):
        await asyncio.gather(*(driver.walk(driver.slug(i), steps, progress) for i in range(n)))
    elapsed = progress.finish()
    worker_cpu = cpu_seconds(worker.pid) - cpu_before
    server_cpu = (cpu_seconds(server_pid) - server_before) if server_pid else None
    history = await driver.handle(driver.slug(0)).fetch_history()
    kinds: dict[str, int] = {}
    for event in history.events:
        name = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").lower()
        kinds[name] = kinds.get(name, 0) + 1
    worker_ms = worker_cpu * 1000 / operations
    result: dict[str, Any] = {
        "seconds": elapsed,
        "coalitions_per_s": n / elapsed,
        "updates_per_s": n * len(steps) / elapsed,
        "worker_cpu_ms_per_update": worker_ms,
        "server_cpu_ms_per_update": (server_cpu * 1000 / operations if server_cpu is not None else None),
        "history_events": len(history.events),
        "history_events_per_update": len(history.events) / len(steps),
        "history_bytes": len(history.to_json()),
        "history_event_types": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "retried_calls": driver.retries,
    }
    if profile is not None and profile.exists():
        # Shares of the worker's samples, turned into CPU ms per start or update.
        parts = {name: share * worker_ms for name, share in profile_shares(profile).items()}
        # py-spy sees Python frames only: the SDK's Rust core threads, gRPC and the event
        # loop's own work are the remainder.
        parts["rest: SDK event loop, Rust core, gRPC"] = worker_ms - sum(
            ms for name, ms in parts.items() if not name.startswith(" ")
        )
        result["profile"] = parts
    say(
        f"{label}: {result['coalitions_per_s']:.2f} coalitions/s, "
        f"{result['updates_per_s']:.0f} updates/s; worker {result['worker_cpu_ms_per_update']:.1f}"
        f" ms CPU per update, {result['history_events_per_update']:.1f} history events per update"
    )
    return result


async def throughput(
    client: Client,
    address: str,
    server_pid: int | None,
    n: int,
    work: Path,
    tag: str,
    profile_dir: Path | None,
    ablation: bool,
) -> dict[str, Any]:
    results: dict[str, Any] = {"coalitions": n, "updates_per_coalition": len(walks.taskforce_to_execution())}
    for kind in KINDS:
        queue = f"{tag}-throughput-{kind}"
        profile = profile_dir / f"throughput-{kind}.txt" if profile_dir else None
        async with WorkerProcess(kind, address, queue, work) as worker:
            driver = Driver(kind, client, queue, f"{tag}-t")
            results[kind] = await walk_many(driver, worker, server_pid, n, f"throughput, {kind}", profile)
    results["ratio"] = results["lemniscate"]["updates_per_s"] / results["baseline"]["updates_per_s"]
    if ablation:
        # The bare workflow plus, cumulatively, each thing a coalition does per wake-up.
        results["ablation"] = {}
        for step in range(1, len(FEATURES) + 1):
            features = FEATURES[:step]
            name = "+".join(features)
            queue = f"{tag}-ablation-{name}"
            async with WorkerProcess("baseline", address, queue, work) as worker:
                driver = Driver("baseline", client, queue, f"{tag}-a{step}", features)
                results["ablation"][name] = await walk_many(
                    driver, worker, server_pid, n, f"ablation, baseline+{name}"
                )
    return results
