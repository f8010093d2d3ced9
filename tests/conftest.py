"""Temporal servers shared by the whole session, in the pattern of temporalio/samples-python's
tests/conftest.py: one time-skipping test server and one dev server, each started on first
use with Lemniscate's search attributes and data converter, and a fresh task queue per test
with the project's worker on it.

A test or module takes its share with `tests.support.servers.borrow(...)`, which cleans up
after it. What starts coalitions borrows a namespace of its own too, so that listings, counts
and the subscription register see only its own, unless it needs the default namespace (the
dashboard's Web UI links name it; doctor and the observability tests configure only an
address). Tests that restart, kill or configure their server, or that move the time-skipping
server's clock by more than minutes (the clock only moves forward, and the example walks are
dated in 2027), keep a server of their own and say so where they start it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.oidc_provider import OidcPeer, oidc_provider
from tests.support.servers import (
    WorkerRunner,
    dev_server_env,
    fresh_task_queue,
    running_worker,
    time_skipping_env,
)
from tests.support.web_stack import WebStack, web_stack

# The office default is Dutch; the tests that read what a person reads assert English unless
# they ask for Dutch themselves (tests/test_language*.py, and each surface's Dutch test), so
# that one wording is checked once per language. Set before any app or process starts, so
# servers and commands started by tests inherit it.
os.environ.setdefault("LEMNISCATE_LANGUAGE", "en")
# Tests send hundreds of requests a second with one key (every hostile body, every route);
# the per-key limit is tested with a limiter of its own (tests/test_contract.py), not by
# slowing every other test down to 20 requests a second.
os.environ.setdefault("LEMNISCATE_API_RATE", "0")


@pytest.fixture(scope="session")
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    async with time_skipping_env() as env:
        yield env


@pytest.fixture
async def own_clock() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this test's alone: its clock starts at the real now, and
    only this test moves it, by weeks to years (the shared one only moves forward)."""
    async with time_skipping_env() as env:
        yield env


@pytest.fixture
def log_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Follow-ups go only to the log: no SMTP server or webhook from the environment, so
    e-mail and webhooks are skipped, and say so."""
    for name in ("LEMNISCATE_SMTP_HOST", "LEMNISCATE_WEBHOOK_URLS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    async with dev_server_env() as env:
        yield env


@pytest.fixture
def task_queue() -> str:
    return fresh_task_queue()


@pytest.fixture
def worker(task_queue: str) -> WorkerRunner:
    """`async with worker(client) as service:` runs the project's worker on this test's
    task queue, with the service that talks to it."""
    return functools.partial(running_worker, task_queue=task_queue)


@pytest.fixture(scope="module")
async def web(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment
) -> AsyncIterator[WebStack]:
    """The API with its dashboard and a worker on a namespace of its own, for one module,
    logging refusals to a file of that module's."""
    async with web_stack(dev_server, tmp_path_factory.mktemp("web") / "refusals.jsonl") as stack:
        yield stack


@pytest.fixture(scope="module")
def oidc_peer() -> Iterator[OidcPeer]:
    """A real OpenID provider (oidc-provider, on Node.js) for one module, with a client whose
    redirect URI is the dashboard's callback on `oidc_peer.dashboard_port`."""
    with oidc_provider() as peer:
        yield peer
