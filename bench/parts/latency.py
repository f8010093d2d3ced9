"""2. Latency: an update round trip and a refused trigger, sampled interleaved."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from temporalio.client import Client

from bench.baseline import FEATURES
from bench.harness.driver import Driver
from bench.harness.measure import percentiles
from bench.harness.progress import Progress, say
from bench.harness.workers import WorkerProcess
from lemniscate.examples import walks
from lemniscate.examples.walks import Step, partner_actor


async def latency(
    client: Client, address: str, samples: int, work: Path, tag: str, ablation: bool
) -> dict[str, Any]:
    """Every variant's worker runs at once; samples alternate between the variants so drift
    and other load hit them alike. With `ablation`, the baseline with a timer, an upsert and
    an activity per update is sampled too."""
    walk = walks.taskforce_to_execution()
    vng = partner_actor("VNG")
    # Accepted over and over in `doing`: a partner reports progress on its own action.
    accepted = [
        Step(
            "report_progress", {"action": "A2", "status": "in_progress", "note": f"Progress report {i}."}, vng
        )
        for i in range(samples)
    ]
    # Refused by the workflow's validator (the guard path, not the client's schema check).
    refused = Step("found")
    variants: dict[str, tuple[str, tuple[str, ...]]] = {
        "lemniscate": ("lemniscate", ()),
        "baseline": ("baseline", ()),
    }
    if ablation:
        variants["baseline+" + "+".join(FEATURES)] = ("baseline", FEATURES)
    measures = ("update", "query", "round_trip", "refused", "refused_idle")
    timings = {name: {m: list[float]() for m in measures} for name in variants}
    async with contextlib.AsyncExitStack() as stack:
        drivers: dict[str, Driver] = {}
        for index, (name, (kind, features)) in enumerate(variants.items()):
            queue = f"{tag}-latency-{index}"
            await stack.enter_async_context(WorkerProcess(kind, address, queue, work))
            drivers[name] = Driver(kind, client, queue, f"{tag}-l{index}", features)
            await drivers[name].walk(drivers[name].slug(0), walk)
        say("latency: a coalition of each variant walked to execution; sampling")
        # Warm-up: the first calls pay for connections and caches.
        for driver in drivers.values():
            for step in accepted[:5]:
                await driver.fire(driver.slug(0), step)
        idle_samples = max(samples // 3, 20)
        progress = Progress("latency", (samples * 2 + idle_samples) * len(variants), "samples")
        expected = {name: await d.seq(d.slug(0)) for name, d in drivers.items()}
        for step in accepted:
            for name, driver in drivers.items():
                slug, t = driver.slug(0), timings[name]
                began = time.perf_counter()
                await driver.fire(slug, step)
                fired = time.perf_counter()
                seen = await driver.seq(slug)
                done = time.perf_counter()
                expected[name] += 1
                if seen != expected[name]:
                    raise AssertionError(f"{name}: the query saw {seen} updates, expected {expected[name]}")
                t["update"].append(fired - began)
                t["query"].append(done - fired)
                t["round_trip"].append(done - began)
                # Right after an update, as a busy coalition gets them.
                began = time.perf_counter()
                await driver.refused(slug, refused)
                t["refused"].append(time.perf_counter() - began)
                progress.add(2)
        for _ in range(idle_samples):
            for name, driver in drivers.items():
                # On a coalition that has finished whatever its last update started.
                await asyncio.sleep(0.1)
                began = time.perf_counter()
                await driver.refused(driver.slug(0), refused)
                timings[name]["refused_idle"].append(time.perf_counter() - began)
                progress.add()
        progress.finish()
    results: dict[str, Any] = {"samples": samples, "idle_samples": idle_samples}
    for name in variants:
        results[name] = {m: percentiles(values) for m, values in timings[name].items()}
    results["difference_ms"] = {
        m: {p: results["lemniscate"][m][p] - results["baseline"][m][p] for p in ("p50", "p95", "p99")}
        for m in measures
    }
    return results
