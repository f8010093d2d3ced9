"""5. Portfolio: `list` with a filter and `count` over the coalitions of part 3."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio.client import Client

from bench.baseline import BASELINE_NAME
from bench.harness.measure import percentiles
from bench.harness.progress import say
from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.examples.walks import COORDINATOR as READER


async def portfolio(client: Client, expected: int, repeats: int = 20) -> dict[str, Any]:
    """`list` (one page, as `lemniscate list` shows it) and `count` over the coalitions
    of part 3, against the same calls on the baseline workflows filtered by type alone."""
    service = CoalitionService(client, "unused")
    one_programme = PortfolioFilter(programme="Programme 3", state="intent_and_interests")
    everything = PortfolioFilter()
    say(f"portfolio: waiting until visibility shows all {expected:,} coalitions")
    await _until(lambda: service.count(everything, READER), expected)
    base_query = f"WorkflowType = '{BASELINE_NAME}'"
    await _until(lambda: _count(client, base_query), expected)

    async def lemniscate_list() -> int:
        return len((await service.list(one_programme, READER, limit=50))[0])

    async def baseline_list() -> int:
        return len([e async for e in client.list_workflows(base_query, page_size=50, limit=50)])

    async def all_pages(query: str) -> int:
        return len([e async for e in client.list_workflows(query, page_size=1000)])

    calls: dict[str, Callable[[], Awaitable[int]]] = {
        "lemniscate_list_filtered_page": lemniscate_list,
        "lemniscate_count_filtered": lambda: service.count(one_programme, READER),
        "lemniscate_count_all": lambda: service.count(everything, READER),
        "lemniscate_list_filtered_all_pages": lambda: all_pages(one_programme.query()),
        "baseline_list_page": baseline_list,
        "baseline_count_all": lambda: _count(client, base_query),
        "baseline_list_all_pages": lambda: all_pages(base_query),
    }
    results: dict[str, Any] = {
        "coalitions": await service.count(everything, READER),
        "baseline_workflows": await _count(client, base_query),
        "filter": one_programme.query(),
    }
    for name, call in calls.items():
        times: list[float] = []
        value = 0
        for _ in range(repeats if "all_pages" not in name else max(3, repeats // 5)):
            began = time.perf_counter()
            value = await call()
            times.append(time.perf_counter() - began)
        results[name] = {"result": value, **percentiles(times)}
        say(f"portfolio: {name} = {value:,} in {results[name]['p50']:.1f} ms (p50)")
    return results


async def _count(client: Client, query: str) -> int:
    return (await client.count_workflows(query)).count


async def _until(check: Callable[[], Awaitable[int]], expected: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while (value := await check()) < expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"visibility shows {value:,} of {expected:,} after {timeout} s")
        await asyncio.sleep(0.5)
