"""SDK metrics for Prometheus and OpenTelemetry tracing, both chosen by environment.

- `LEMNISCATE_METRICS_ADDRESS=0.0.0.0:9464`: the SDK serves Prometheus metrics at
  `http://<address>/metrics` (workflow and activity task latencies, request counts, ...).
- `LEMNISCATE_TRACING=1`: `temporalio.contrib.opentelemetry.TracingInterceptor` on clients
  and workers; spans go over OTLP/HTTP as the standard `OTEL_*` variables say. Needs the
  `tracing` extra (`pip install 'lemniscate[tracing]'`), imported only when switched on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from lemniscate.cluster.errors import ClusterConfigError

if TYPE_CHECKING:
    from temporalio.client import Interceptor

ENV_METRICS_ADDRESS: Final = "LEMNISCATE_METRICS_ADDRESS"
ENV_TRACING: Final = "LEMNISCATE_TRACING"
SERVICE_NAME: Final = "lemniscate"

_TRUE: Final = {"1", "true", "yes", "on"}
_FALSE: Final = {"", "0", "false", "no", "off"}

# One runtime per process and address: a second Runtime would try to bind the same port.
_runtimes: dict[str, Runtime] = {}
_lock = threading.Lock()
_tracer_provider_installed = False


def metrics_address(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    address = env.get(ENV_METRICS_ADDRESS, "").strip()
    if not address:
        return None
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ClusterConfigError(f"{ENV_METRICS_ADDRESS}={address!r} must be host:port, e.g. 0.0.0.0:9464")
    return address


def tracing_enabled(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    raw = env.get(ENV_TRACING, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ClusterConfigError(f"{ENV_TRACING}={raw!r} is not a boolean: use 1 or 0")


def runtime(environ: Mapping[str, str] | None = None) -> Runtime | None:
    """The SDK runtime exporting Prometheus metrics, or None for the SDK's default one."""
    address = metrics_address(environ)
    if address is None:
        return None
    with _lock:
        existing = _runtimes.get(address)
        if existing is None:
            try:
                existing = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
            except Exception as exc:  # the bridge raises a plain Exception on a taken port
                raise ClusterConfigError(
                    f"{ENV_METRICS_ADDRESS}={address!r}: cannot serve metrics there ({exc}); "
                    "choose a free port (each worker process needs its own)"
                ) from exc
            _runtimes[address] = existing
        return existing


def interceptors(environ: Mapping[str, str] | None = None) -> list[Interceptor]:
    """Client interceptors; the tracing one also instruments every worker of the client,
    and a Replayer should get the same list."""
    if not tracing_enabled(environ):
        return []
    try:
        from temporalio.contrib.opentelemetry import TracingInterceptor
    except ImportError as exc:
        raise ClusterConfigError(
            f"{ENV_TRACING}=1 needs OpenTelemetry: pip install 'lemniscate[tracing]' ({exc.name} is missing)"
        ) from exc
    _install_tracer_provider()
    return [TracingInterceptor()]


def _install_tracer_provider() -> None:
    """Export spans over OTLP unless the application already installed a provider."""
    global _tracer_provider_installed
    with _lock:
        if _tracer_provider_installed:
            return
        _tracer_provider_installed = True
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider

        if isinstance(trace.get_tracer_provider(), TracerProvider):
            return  # e.g. tests or an embedding application with its own exporter
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError as exc:
            raise ClusterConfigError(
                f"{ENV_TRACING}=1 needs the OTLP exporter: pip install 'lemniscate[tracing]'"
            ) from exc
        from opentelemetry.sdk.resources import SERVICE_NAME as SERVICE_NAME_KEY
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # Attributes given to Resource.create override the OTEL_* ones: name the service only
        # when the operator did not.
        named = "OTEL_SERVICE_NAME" in os.environ or "service.name" in os.environ.get(
            "OTEL_RESOURCE_ATTRIBUTES", ""
        )
        provider = TracerProvider(resource=Resource.create({} if named else {SERVICE_NAME_KEY: SERVICE_NAME}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
