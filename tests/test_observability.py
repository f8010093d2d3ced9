"""Observability: Prometheus metrics from a real worker process, OpenTelemetry spans around
starts, runs and triggers, and neither costing anything when switched off."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.testing import WorkflowEnvironment

from lemniscate.cluster import ClusterConfigError, ClusterSettings, connect, observability
from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from tests.support.ports import free_ports
from tests.support.processes import worker
from tests.support.servers import borrow, running_worker
from tests.support.workflows import eventually


async def test_worker_serves_sdk_metrics_for_prometheus(
    tmp_path: Path, dev_server: WorkflowEnvironment
) -> None:
    (port,) = free_ports(1)
    async with borrow(dev_server) as env:
        task_queue = f"metrics-{uuid.uuid4().hex[:8]}"
        process = worker(
            {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "LEMNISCATE_TASK_QUEUE": task_queue,
                "LEMNISCATE_METRICS_ADDRESS": f"127.0.0.1:{port}",
            },
            tmp_path / "worker.log",
        )
        try:
            process.wait_for_log('"worker started"')
            assert f'"metrics_address": "127.0.0.1:{port}"' in process.log()
            service = CoalitionService(env.client, task_queue)
            await service.start(walks.taskforce_start("metrics"), walks.COORDINATOR)
            await service.fire("metrics", "record_intent", {"intent": "Measured."}, walks.COORDINATOR)

            async def scrape() -> str:
                async with httpx.AsyncClient() as http:
                    return (await http.get(f"http://127.0.0.1:{port}/metrics")).text

            metrics = await eventually(
                scrape,
                lambda text: "temporal_workflow_task_execution_latency" in text,
                timeout=10,
                interval=0.2,
            )
        finally:
            process.kill()
    assert any(line.startswith("temporal_request") for line in metrics.splitlines())
    ours = [line for line in metrics.splitlines() if f'task_queue="{task_queue}"' in line]
    assert any(line.startswith("temporal_workflow_task_execution_latency") for line in ours)
    assert any(line.startswith("temporal_workflow_task_schedule_to_start_latency") for line in ours)


async def test_tracing_spans_cover_start_run_and_triggers(
    monkeypatch: pytest.MonkeyPatch, dev_server: WorkflowEnvironment
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # The global provider can be set once per process; the interceptor looks it up per span.
    trace.set_tracer_provider(provider)
    async with borrow(dev_server) as env:
        monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
        monkeypatch.setenv("LEMNISCATE_TRACING", "1")
        client = await connect(ClusterSettings.from_env())
        async with running_worker(client) as service:
            await service.start(walks.taskforce_start("traced"), walks.COORDINATOR)
            await service.fire("traced", "record_intent", {"intent": "Traced."}, walks.COORDINATOR)
    names = {span.name for span in exporter.get_finished_spans()}
    kinds = {name.partition(":")[0] for name in names}
    assert {"StartWorkflow", "RunWorkflow"} <= kinds, names
    assert {"StartWorkflowUpdate:fire", "ValidateUpdate:fire", "HandleUpdate:fire"} <= names


def test_tracing_and_metrics_are_off_by_default_and_import_nothing_extra() -> None:
    assert observability.interceptors({}) == []
    assert observability.runtime({}) is None
    code = (
        "import sys, lemniscate.cli.main, lemniscate.cli.doctor, lemniscate.cli.codec_server,"
        " lemniscate.workers.main, lemniscate.cluster as cluster;"
        "cluster.connect; print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))"
    )
    # From outside the checkout: the installed namespace, never the top-level folders.
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tempfile.gettempdir()
    )
    assert loaded.stdout.strip() == "[]"


def test_bad_observability_settings_name_the_variable() -> None:
    with pytest.raises(ClusterConfigError, match="LEMNISCATE_METRICS_ADDRESS='9464' must be host:port"):
        observability.runtime({"LEMNISCATE_METRICS_ADDRESS": "9464"})
    with pytest.raises(ClusterConfigError, match="LEMNISCATE_TRACING='maybe' is not a boolean"):
        observability.interceptors({"LEMNISCATE_TRACING": "maybe"})
