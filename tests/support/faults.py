"""What the fault tests share: an embedded dev server on a SQLite file, `lemniscate worker`
subprocesses pointed at it, and a burst of idempotent triggers over many coalitions whose
every acknowledgement is checked against the coalitions' journals afterwards.

Every trigger in a burst carries a request id, used twice: as the Temporal update id (a
retry with the same id is deduplicated by the server and gets the first reply) and as the
event's `reason`, so the journal shows which request each entry came from and how often.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from lemniscate.cluster import ClusterSettings, EmbeddedServer, connect
from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.workflows.io import workflow_id
from tests.support.ports import free_ports
from tests.support.processes import stop_or_kill

LEMNISCATE = str(Path(sys.executable).parent / "lemniscate")
TRIGGER = "record_intent"  # accepted any number of times in a coalition's first state
COALITIONS = 100
TRIGGERS_EACH = 5
FAULT_AFTER = COALITIONS * TRIGGERS_EACH // 3  # acknowledged triggers before the fault


def embedded_settings(data_dir: Path) -> ClusterSettings:
    """An embedded server of its own: a fresh SQLite file and free ports."""
    server_port, ui_port = free_ports(2)
    return ClusterSettings(data_dir=data_dir, server_port=server_port, ui_port=ui_port)


def server(settings: ClusterSettings) -> EmbeddedServer:
    return EmbeddedServer(settings, headless=True)


class WorkerProcess:
    """`lemniscate worker` in its own process, configured only through the environment, the
    way an operator runs it next to a cluster."""

    def __init__(self, address: str, task_queue: str, log_path: Path) -> None:
        self.address, self.task_queue, self.log_path = address, task_queue, log_path
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_start = 0

    def env(self) -> dict[str, str]:
        # None of the caller's TEMPORAL_*/LEMNISCATE_* settings may leak in: the worker must
        # reach exactly the test's server.
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "LEMNISCATE_"))}
        return {**base, "TEMPORAL_ADDRESS": self.address, "LEMNISCATE_TASK_QUEUE": self.task_queue}

    async def start(self, timeout: float = 30) -> None:
        """Start it and wait until it has connected and polls (its `worker started` line)."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop/kill)
        self._log_start = self._log.tell()
        # stderr to a file, not a pipe: the worker logs every trigger, and a pipe nobody
        # reads would fill and block it mid-burst.
        self.process = subprocess.Popen(
            [LEMNISCATE, "worker"],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"lemniscate worker exited with {self.process.returncode}:\n{self.output()}"
                )
            if "worker started" in self.output():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"lemniscate worker did not start within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        """What this run of the worker has written so far."""
        with open(self.log_path, "rb") as log:
            log.seek(self._log_start)
            return log.read().decode("utf-8", "replace")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to the server; in-flight tasks are simply lost."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_or_kill(self.process, signal.SIGTERM, 15)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def request_id(slug: str, index: int) -> str:
    return f"{slug}:burst-{index}"


@dataclass
class Burst:
    """`per_coalition` triggers into each coalition, one after another per coalition and all
    coalitions at once, spread over several clients. A trigger that fails for any reason but
    a refusal is retried with the same request id until `retry_for` seconds have passed."""

    clients: Sequence[Client]
    task_queue: str
    slugs: Sequence[str]
    per_coalition: int
    retry_for: float = 45.0
    call_timeout: float = 20.0
    acknowledged: set[str] = field(default_factory=set)
    sent: Counter[str] = field(default_factory=Counter)  # attempts per request id
    retried: Counter[str] = field(default_factory=Counter)  # why attempts failed

    @property
    def total(self) -> int:
        return len(self.slugs) * self.per_coalition

    def service(self, index: int) -> CoalitionService:
        return CoalitionService(self.clients[index % len(self.clients)], self.task_queue)

    async def start_coalitions(self) -> None:
        # At most 20 at once: each start waits for the workflow's first task, and a query
        # stuck behind a hundred others can outlast the server's query timeout.
        limit = asyncio.Semaphore(20)

        async def start(index: int, slug: str) -> None:
            async with limit:
                await self.service(index).start(walks.taskforce_start(slug), COORDINATOR)

        await asyncio.gather(*(start(i, slug) for i, slug in enumerate(self.slugs)))

    async def run(self) -> None:
        await asyncio.gather(*(self._one_coalition(i, slug) for i, slug in enumerate(self.slugs)))

    async def _one_coalition(self, index: int, slug: str) -> None:
        service = self.service(index)
        for k in range(self.per_coalition):
            await self._fire(service, slug, request_id(slug, k), k)

    async def _fire(self, service: CoalitionService, slug: str, rid: str, k: int) -> None:
        deadline = time.monotonic() + self.retry_for
        while True:
            self.sent[rid] += 1
            try:
                await asyncio.wait_for(
                    service.trigger(
                        slug,
                        TRIGGER,
                        {"intent": f"Intent {k} of {slug}."},
                        COORDINATOR,
                        reason=rid,
                        request_id=rid,
                    ),
                    self.call_timeout,
                )
            except CoalitionRefused:
                raise  # record_intent is always allowed here: a refusal is a bug
            except Exception as error:  # anything else is the fault under test: retry
                self.retried[type(error).__name__] += 1
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"{rid} still failing after {self.retry_for} s: {error!r}"
                    ) from error
                await asyncio.sleep(0.25)
                continue
            self.acknowledged.add(rid)
            return

    async def wait_until_acknowledged(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"only {len(self.acknowledged)} of {count} triggers acknowledged after {timeout} s"
                )
            await asyncio.sleep(0.02)


async def burst_until_fault(
    settings: ClusterSettings, task_queue: str, prefix: str, call_timeout: float
) -> tuple[Burst, asyncio.Future[None]]:
    """A burst from four clients into COALITIONS fresh coalitions, still firing once
    FAULT_AFTER triggers are acknowledged: the moment to cause the fault. Calls that take
    longer than `call_timeout` are sent again with the same request id."""
    callers = await clients(settings, 4)
    slugs = [f"{prefix}-{i}" for i in range(COALITIONS)]
    burst = Burst(callers, task_queue, slugs, TRIGGERS_EACH, call_timeout=call_timeout)
    await burst.start_coalitions()
    firing = asyncio.ensure_future(burst.run())
    await burst.wait_until_acknowledged(FAULT_AFTER)
    return burst, firing


async def check_burst_survived(client: Client, burst: Burst) -> None:
    """What must hold after any fault: every trigger acknowledged in the end, and in its
    journal exactly once (check_nothing_lost), and no workflow task failed."""
    assert len(burst.acknowledged) == burst.total, describe(burst)
    await check_nothing_lost(client, burst)
    failed = await failed_workflow_tasks(client, burst.slugs)
    assert not failed, f"workflow tasks failed: {failed}"


async def check_nothing_lost(client: Client, burst: Burst) -> None:
    """Every acknowledged trigger is in its coalition's journal exactly once, no trigger is
    there twice, and every coalition still answers and takes one more trigger."""
    service = CoalitionService(client, burst.task_queue)
    limit = asyncio.Semaphore(20)  # as in start_coalitions: queries must not pile up

    async def check(slug: str) -> None:
        async with limit:
            await check_one(slug)

    async def check_one(slug: str) -> None:
        journal = await service.journal(slug, READER)
        assert [e.seq for e in journal] == list(range(1, len(journal) + 1)), slug
        applied = Counter(e.event.reason for e in journal[1:])
        twice = {rid: n for rid, n in applied.items() if n > 1}
        assert not twice, f"applied more than once: {twice}"
        expected = {request_id(slug, k) for k in range(burst.per_coalition)}
        mine = {rid for rid in burst.acknowledged if rid.startswith(f"{slug}:")}
        assert mine <= set(applied), f"acknowledged but lost: {sorted(mine - set(applied))}"
        assert set(applied) <= expected, f"unexpected entries: {set(applied) - expected}"
        # Not stuck: it answers a query, then accepts and shows one more trigger.
        view = await asyncio.wait_for(service.view(slug, READER), 20)
        assert view.status.journal_length == len(journal)
        accepted = await asyncio.wait_for(
            service.trigger(
                slug,
                TRIGGER,
                {"intent": "One more, after the fault."},
                COORDINATOR,
                reason=f"{slug}:after",
                request_id=f"{slug}:after",
            ),
            30,
        )
        assert accepted.seq == len(journal) + 1

    await asyncio.gather(*(check(slug) for slug in burst.slugs))


async def failed_workflow_tasks(client: Client, slugs: Sequence[str]) -> dict[str, list[str]]:
    """The causes of workflow task failures in each coalition's history (none, normally: a
    killed worker's tasks time out, they do not fail)."""
    found: dict[str, list[str]] = {}
    for slug in slugs:
        history = await client.get_workflow_handle(workflow_id(slug)).fetch_history()
        causes = [
            e.workflow_task_failed_event_attributes.failure.message
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        if causes:
            found[slug] = causes
    return found


async def clients(settings: ClusterSettings, count: int) -> list[Client]:
    """Independent client connections, as separate callers (CLI, API, integrations) have."""
    address = ClusterSettings(address=settings.target_address)
    return [await connect(address) for _ in range(count)]


def describe(burst: Burst, extra: Mapping[str, object] | None = None) -> str:
    """One line for a failure message: how the burst went."""
    retries = sum(burst.sent.values()) - len(burst.sent)
    parts = {
        "acknowledged": f"{len(burst.acknowledged)}/{burst.total}",
        "retries": retries,
        "retried because": dict(burst.retried),
        **(extra or {}),
    }
    return ", ".join(f"{k}: {v}" for k, v in parts.items())
