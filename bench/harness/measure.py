"""What a process costs, read from /proc (Linux only), and latency percentiles."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (the SDK's Rust core too)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def settle(pid: int, quiet_cpu: float = 0.15, timeout: float = 60) -> bool:
    """Wait until a process has stopped working: under `quiet_cpu` CPU seconds in a second
    (a worker holding 10,000 workflows never gets much quieter than that). False when it
    was still working at `timeout`."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        now = cpu_seconds(pid)
        if now - before < quiet_cpu:
            return True
        before = now
    return False


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and the mean, in milliseconds (samples are in seconds)."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "mean": statistics.fmean(samples) * 1000,
        "count": len(samples),
    }
