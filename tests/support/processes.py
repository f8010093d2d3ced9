"""Lemniscate as separate processes, the way operators run it: `lemniscate up`,
`lemniscate worker`, and the commands that are not (yet) in the `lemniscate` group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

LEMNISCATE = str(Path(sys.executable).parent / "lemniscate")


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without any TEMPORAL_* or LEMNISCATE_* settings of the caller's shell,
    plus `extra`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "LEMNISCATE_"))}
    return {**base, **extra}


class Up:
    """`lemniscate up --headless --no-demo` on its own data dir and ports, without the API."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 60) -> str:
        self.process, errors = launch_up(
            ["--headless", "--no-demo"], clean_env({**self.env, "LEMNISCATE_API_PORT": "0"})
        )
        return up_banner(self.process, timeout, errors)

    def stop(self) -> int:
        assert self.process is not None
        code = interrupt(self.process)
        self.process = None
        return code

    def kill(self) -> None:
        """Stop after a failed test. The dev server runs in its own session and outlives a
        SIGKILLed `lemniscate up`, so ask politely first: `up` then stops it."""
        if self.process is None:
            return
        stop_or_kill(self.process, signal.SIGINT, 30)
        self.process = None


def launch_up(args: Sequence[str], env: Mapping[str, str]) -> tuple[subprocess.Popen[str], IO[bytes]]:
    """`lemniscate up ARGS`, its output on a pipe and its errors in a file of their own: a
    pipe nobody reads would fill up and stall it."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - read after the process ended
    process = subprocess.Popen(
        [LEMNISCATE, "up", *args], env=dict(env), stdout=subprocess.PIPE, stderr=errors, text=True
    )
    return process, errors


def up_banner(process: subprocess.Popen[str], timeout: float, errors: IO[bytes] | None = None) -> str:
    """What `lemniscate up` printed until it said how to stop it: it is ready then. Should it
    exit first, the failure says what it wrote to `errors`."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            said = ""
            if errors is not None:
                process.wait(timeout=10)
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace")[-4000:]
            raise AssertionError(f"lemniscate up exited early: {''.join(lines)}{said}")
        lines.append(line)
        if line.strip().startswith("stop"):
            return "".join(lines)
    raise AssertionError(f"lemniscate up did not report ready within {timeout:g} s")


def interrupt(process: subprocess.Popen[Any], timeout: float = 30) -> int:
    """Ctrl-C, as an operator stops `lemniscate up`; its exit code."""
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=timeout)


def stop_or_kill(process: subprocess.Popen[Any], sig: signal.Signals, timeout: float) -> None:
    """`sig` first, so the process can stop what it started; SIGKILL if it does not exit."""
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Background:
    """A long-running command with its output in a log file; killed on `kill()`."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log: IO[bytes] = open(log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            list(argv),
            env=clean_env(env),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log():
                return
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.process.args!r} exited ({self.process.returncode}):\n{self.log()}"
                )
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} not in the log within {timeout:g} s:\n{self.log()}")

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        self._log.close()


def worker(env: Mapping[str, str], log_path: Path) -> Background:
    return Background([LEMNISCATE, "worker"], env, log_path)


def python_command(
    module: str, command: str, args: Sequence[str], env: Mapping[str, str], log_path: Path
) -> Background:
    """A click command object run as its own process (for commands not in `lemniscate`)."""
    code = f"import sys; from {module} import {command}; {command}(sys.argv[1:])"
    return Background([sys.executable, "-c", code, *args], env, log_path)
