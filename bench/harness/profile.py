"""Where a worker's CPU goes, sampled from outside with py-spy."""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import sys
from pathlib import Path


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
    "  states.overview": r"^overview \(.*states/overview\.py",
    "  states.decide": r"^decide \(.*states/machine\.py",
    "  states.apply": r"^apply \(.*states/machine\.py",
    "  followups.plan": r"^plan \(.*states/followups\.py",
    "  run loop CoalitionWorkflow.run": r"CoalitionWorkflow\.run ",
    "  search attribute upserts": r"CoalitionWorkflow\._upsert_search_attributes ",
    "  queries CoalitionWorkflow.view": r"CoalitionWorkflow\.view ",
    "  workflow log lines (workflows/log.py, workers/activity_log.py)": (
        r"WorkflowLogger\._emit |^_emit \(.*workers/activity_log\.py"
    ),
    "  baseline workflow code": r"\(.*bench/baseline\.py",
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
