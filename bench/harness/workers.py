"""The embedded dev server the measurements share, and worker subprocesses on it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bench.harness import ROOT
from bench.harness.progress import say
from lemniscate.cluster import ClusterSettings, EmbeddedServer
from tests.support.ports import free_ports


def dev_server(work: Path) -> EmbeddedServer:
    """The dev server as `lemniscate up` runs it (headless), on a SQLite file under `work`."""
    server_port, ui_port = free_ports(2)
    settings = ClusterSettings(data_dir=work / "data", server_port=server_port, ui_port=ui_port)
    return EmbeddedServer(settings, headless=True)


# A worker's warnings (or, if none, last log lines) shown when a part fails while it runs.
WORKER_LOG_SHOWN = 40


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
        if exc[0] is not None and self.log_path.exists():
            # The work directory goes with the run: what the worker warned of is shown here.
            lines = self.log_path.read_text(errors="replace").splitlines()
            warned = [line for line in lines if '"level": "warning"' in line or '"level": "error"' in line]
            shown = (warned or lines)[-WORKER_LOG_SHOWN:]
            say(f"{self.kind} worker's last warnings ({self.log_path.name}):\n" + "\n".join(shown))
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()  # graceful: the worker tells the server its sticky queue is gone
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
