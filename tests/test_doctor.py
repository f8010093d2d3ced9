"""`lemniscate doctor` against the real dev server: a healthy setup, a namespace with a
missing and a mistyped search attribute, a task queue without a worker, a missing
namespace, and no server at all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping

import pytest_asyncio
from click.testing import CliRunner, Result
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.testing import WorkflowEnvironment

from lemniscate.cli.doctor import doctor
from lemniscate.cluster import search_attributes as sa
from lemniscate.workers.main import create_worker
from tests.support.ports import free_ports
from tests.support.servers import borrow
from tests.support.workflows import eventually


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def env(dev_server: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    async with borrow(dev_server) as env:
        yield env


def _settings(env: WorkflowEnvironment, **extra: str) -> dict[str, str]:
    return {
        "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": "default",
        "LEMNISCATE_TASK_QUEUE": f"doctor-{uuid.uuid4().hex[:8]}",
        **extra,
    }


async def _doctor(environ: Mapping[str, str]) -> Result:
    # In a thread: the command runs its own event loop, while a worker may poll in ours.
    return await asyncio.to_thread(CliRunner().invoke, doctor, ["--timeout", "3"], env=dict(environ))


def _line(result: Result, check: str) -> str:
    return next(line for line in result.output.splitlines() if f"  {check}: " in line)


async def test_healthy_cluster_passes_every_check(env: WorkflowEnvironment) -> None:
    environ = _settings(env)
    async with create_worker(env.client, environ["LEMNISCATE_TASK_QUEUE"]):
        # A worker's first poll reaches the server a moment after it starts.
        result = await eventually(
            lambda: _doctor(environ), lambda r: r.exit_code == 0, timeout=10, interval=0.2
        )
    lines = result.output.splitlines()
    assert [line.split(":")[0].split("  ")[-1] for line in lines] == [
        "configuration",
        "connection",
        "namespace",
        "search attributes",
        "worker",
    ]
    assert all(line.startswith("ok  ") for line in lines), result.output
    assert "encryption off" in _line(result, "configuration")
    assert f"all {len(sa.ALL)} registered" in _line(result, "search attributes")
    assert "1 worker poll" in _line(result, "worker")


async def test_missing_and_mistyped_search_attributes_say_what_to_run(env: WorkflowEnvironment) -> None:
    namespace = f"doctor-{uuid.uuid4().hex[:8]}"
    await env.client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    present = [key for key in sa.ALL if key not in (sa.AT_RISK, sa.NEXT_FOLLOW_UP)]
    types = {key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in present}
    types[sa.AT_RISK.name] = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD  # the wrong type
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(namespace=namespace, search_attributes=types)
    )

    result = await _doctor(_settings(env, TEMPORAL_NAMESPACE=namespace))
    assert result.exit_code == 1
    line = _line(result, "search attributes")
    assert line.startswith("FAIL")
    assert "missing LemniscateNextFollowUp (Datetime)" in line
    assert (
        f"temporal operator search-attribute create --namespace {namespace} "
        "--name LemniscateNextFollowUp --type Datetime"
    ) in line
    assert "LemniscateAtRisk is Keyword but must be Bool" in line
    assert "LemniscateState" not in line
    assert _line(result, "namespace").startswith("ok")


async def test_no_worker_on_the_task_queue(env: WorkflowEnvironment) -> None:
    environ = _settings(env)
    result = await _doctor(environ)
    assert result.exit_code == 1
    line = _line(result, "worker")
    assert line.startswith("FAIL")
    assert f"no worker polls task queue {environ['LEMNISCATE_TASK_QUEUE']!r}" in line
    assert "lemniscate worker" in line
    assert [ln[:4] for ln in result.output.splitlines()] == ["ok  ", "ok  ", "ok  ", "ok  ", "FAIL"]


async def test_missing_namespace_skips_what_depends_on_it(env: WorkflowEnvironment) -> None:
    result = await _doctor(_settings(env, TEMPORAL_NAMESPACE="no-such-namespace"))
    assert result.exit_code == 1
    assert _line(result, "namespace").startswith("FAIL")
    assert "temporal operator namespace create --namespace no-such-namespace" in result.output
    assert _line(result, "worker").startswith("skip")


async def test_unreachable_server_exits_3_and_names_the_address() -> None:
    (port,) = free_ports(1)
    result = await _doctor({"TEMPORAL_ADDRESS": f"127.0.0.1:{port}"})
    assert result.exit_code == 3
    connection = _line(result, "connection")
    assert connection.startswith("FAIL") and f"127.0.0.1:{port}" in connection
    assert "connection refused" in connection and "check TEMPORAL_ADDRESS" in connection
    assert [_line(result, c)[:4] for c in ("namespace", "search attributes", "worker")] == ["skip"] * 3


async def test_bad_configuration_is_reported_before_connecting() -> None:
    result = await _doctor(
        {"TEMPORAL_ADDRESS": "127.0.0.1:7233", "LEMNISCATE_ENCRYPTION_KEYS": "k1:dG9vc2hvcnQ="}
    )
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "FAIL  configuration: LEMNISCATE_ENCRYPTION_KEYS: the key of 'k1' is 8 bytes; AES-256 needs 32 "
        '(make one with: python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())")'
    ]
