"""A real OpenID provider for the log-in tests: the npm package oidc-provider, run by Node.js
from tests/peers/oidc (installed by scripts/install-test-peers), on a free loopback port.

Its people (tests/peers/oidc/provider.js) log in on its own development pages with any
password: `anna` (coordinator), `piet` (partner, Aedes), `ria` (partner, ActiZ, her role
as a list as Entra ID gives it), `els` (auditor), `kees` (no role), `root` (claims the
engine's system role). One confidential client, `lemniscate`, whose one redirect URI is
the dashboard's callback on the port the test will serve it on.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lemniscate.cluster import OidcSettings
from tests.support.ports import free_ports
from tests.support.processes import stop_or_kill

PEER = Path(__file__).resolve().parents[1] / "peers" / "oidc"
CLIENT_ID = "lemniscate"
CLIENT_SECRET = "lemniscate-test-client-secret-0123456789"


@dataclass(frozen=True)
class OidcPeer:
    issuer: str
    dashboard_port: int  # the port the dashboard must be served on: its redirect URI names it

    @property
    def dashboard(self) -> str:
        return f"http://127.0.0.1:{self.dashboard_port}"

    def settings(self, **overrides: str) -> OidcSettings:
        env = {
            "LEMNISCATE_OIDC_ISSUER": self.issuer,
            "LEMNISCATE_OIDC_CLIENT_ID": CLIENT_ID,
            "LEMNISCATE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **overrides,
        }
        settings = OidcSettings.from_env(env)
        assert settings is not None
        return settings


@contextmanager
def oidc_provider(timeout: float = 30) -> Iterator[OidcPeer]:
    node = shutil.which("node")
    assert node, "Node.js is needed for the test OpenID provider"
    assert (PEER / "node_modules" / "oidc-provider").is_dir(), "run scripts/install-test-peers first"
    port, dashboard_port = free_ports(2)
    redirect = f"http://127.0.0.1:{dashboard_port}/dashboard/oidc/callback"
    process = subprocess.Popen(
        [node, "provider.js", str(port), redirect, CLIENT_SECRET],
        cwd=PEER,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # its warnings about development-only defaults
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline and not line.startswith("ready "):
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise AssertionError(f"the test OpenID provider exited with {process.returncode}")
        assert line.startswith("ready "), "the test OpenID provider did not start in time"
        yield OidcPeer(line.split()[1], dashboard_port)
    finally:
        stop_or_kill(process, signal.SIGTERM, 10)
