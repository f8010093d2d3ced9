"""`lemniscate doctor`: is this cluster ready for Lemniscate, and if not, what to do.

Each check prints one line, `ok` or `FAIL`, and a failure says what is wrong and how to fix
it. Checks that need a connection are skipped when there is none. Exit code 0 when all
pass, 1 when any fails, 3 when Temporal cannot be reached.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import click
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import PollerInfo, TaskQueue
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from lemniscate.cli.exits import EXIT_ERROR, EXIT_UNAVAILABLE
from lemniscate.cluster import (
    ClusterError,
    ClusterSettings,
    ClusterUnavailableError,
    codec_from_env,
    connect,
    observability,
    registered_types,
)
from lemniscate.cluster import search_attributes as sa

EXIT_FAILED = EXIT_ERROR  # a check failed
# A live worker re-polls at least once a minute (long polls last about 60 s); the server
# lists pollers for a few minutes after they stop, so older entries are gone workers.
POLLER_FRESHNESS: Final = timedelta(seconds=90)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: not checked
    detail: str

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "skip"}[self.ok]
        return f"{mark}  {self.name}: {self.detail}"


async def run_checks(connect_timeout: float) -> tuple[list[Check], bool]:
    """All checks in order, and whether Temporal was reachable."""
    try:
        settings = ClusterSettings.from_env()
        codec = codec_from_env()
        metrics = observability.metrics_address()
        tracing = observability.tracing_enabled()
    except ClusterError as error:
        return [Check("configuration", False, f"{error}")], True
    key_id = codec.active_key_id if codec is not None else None
    checks = [Check("configuration", True, _describe_config(settings, key_id, metrics, tracing))]
    try:
        client = await connect(settings, timeout=connect_timeout)
    except ClusterUnavailableError as error:
        checks.append(Check("connection", False, str(error)))
        checks += [
            Check(name, None, "not checked without a connection")
            for name in ("namespace", "search attributes", "worker")
        ]
        return checks, False
    checks.append(Check("connection", True, f"Temporal answers at {settings.target_address}"))
    namespace = await _namespace(client, settings)
    checks.append(namespace)
    if not namespace.ok:
        checks += [
            Check(name, None, "not checked without the namespace") for name in ("search attributes", "worker")
        ]
        return checks, True
    checks.append(await _search_attributes(client, settings))
    checks.append(await _worker(client, settings))
    return checks, True


def _describe_config(
    settings: ClusterSettings, key_id: str | None, metrics: str | None, tracing: bool
) -> str:
    target = (
        "embedded dev server" if settings.embedded else "TEMPORAL_ADDRESS"
    ) + f" {settings.target_address}, namespace {settings.namespace!r}, task queue {settings.task_queue!r}"
    if settings.api_key is not None:
        target += ", API key"
    elif settings.tls:
        target += ", TLS"
    extras = [
        f"encryption on (active key {key_id!r})" if key_id else "encryption off",
        f"metrics on {metrics}" if metrics else "metrics off",
        "tracing on" if tracing else "tracing off",
    ]
    return f"{target}; {', '.join(extras)}"


async def _namespace(client: Client, settings: ClusterSettings) -> Check:
    name = settings.namespace
    try:
        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=name))
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return Check(
                "namespace",
                False,
                f"namespace {name!r} does not exist on {settings.target_address}: create it "
                f"(temporal operator namespace create --namespace {name}; on Temporal Cloud "
                "in the Cloud UI or with tcld) or set TEMPORAL_NAMESPACE to an existing one",
            )
        return Check(
            "namespace",
            False,
            f"cannot describe namespace {name!r}: {error.message} "
            "(check that the API key or client certificate may use it)",
        )
    return Check("namespace", True, f"{name!r} exists")


async def _search_attributes(client: Client, settings: ClusterSettings) -> Check:
    try:
        existing = await registered_types(client, settings.namespace)
    except RPCError as error:
        return Check(
            "search attributes", False, f"cannot list them in {settings.namespace!r}: {error.message}"
        )
    missing = [key for key in sa.ALL if key.name not in existing]
    wrong = [key for key in sa.ALL if key.name in existing and existing[key.name] != sa.type_name(key)]
    if not missing and not wrong:
        return Check("search attributes", True, f"all {len(sa.ALL)} registered with the right types")
    problems = []
    if missing:
        problems.append(
            "missing "
            + ", ".join(f"{k.name} ({sa.type_name(k)})" for k in missing)
            + "; a worker registers missing ones when it starts (lemniscate worker), "
            "or run: "
            + "; ".join(
                f"temporal operator search-attribute create --namespace {settings.namespace} "
                f"--name {k.name} --type {sa.type_name(k)}"
                for k in missing
            )
        )
    if wrong:
        problems.append(
            "wrong type: "
            + ", ".join(f"{k.name} is {existing[k.name]} but must be {sa.type_name(k)}" for k in wrong)
            + "; a type cannot change: remove them (temporal operator search-attribute remove) "
            "and create them again, or use a fresh namespace"
        )
    return Check("search attributes", False, "; ".join(problems))


async def _worker(client: Client, settings: ClusterSettings) -> Check:
    kinds = {
        "workflow": TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        "activity": TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    }
    live: dict[str, set[str]] = {}
    for kind, queue_type in kinds.items():
        try:
            response = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=settings.namespace,
                    task_queue=TaskQueue(name=settings.task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
                    task_queue_type=queue_type,
                )
            )
        except RPCError as error:
            return Check(
                "worker", False, f"cannot describe task queue {settings.task_queue!r}: {error.message}"
            )
        live[kind] = {p.identity for p in response.pollers if _fresh(p)}
    if not live["workflow"]:
        return Check(
            "worker",
            False,
            f"no worker polls task queue {settings.task_queue!r} in namespace "
            f"{settings.namespace!r}: coalitions will not move; start one with "
            "`lemniscate worker` (same TEMPORAL_* settings and LEMNISCATE_TASK_QUEUE), "
            "or check that the running workers use this task queue",
        )
    if not live["activity"]:
        return Check(
            "worker",
            False,
            f"workers poll workflows but not activities on {settings.task_queue!r}: "
            "follow-ups will not be delivered; run `lemniscate worker`, which does both",
        )
    count = len(live["workflow"])
    return Check(
        "worker",
        True,
        f"{count} worker{'s' if count != 1 else ''} poll "
        f"{settings.task_queue!r}: {', '.join(sorted(live['workflow']))}",
    )


def _fresh(poller: PollerInfo) -> bool:
    if not poller.HasField("last_access_time"):
        return True
    seen = poller.last_access_time.ToDatetime(tzinfo=UTC)
    return datetime.now(UTC) - seen <= POLLER_FRESHNESS


@click.command()
@click.option(
    "--timeout",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1, 120),
    help="Seconds to wait for Temporal to answer.",
)
def doctor(timeout: float) -> None:
    """Check that Lemniscate can work: configuration, connection, namespace, the custom
    search attributes and their types, and a worker on the task queue. One line per check;
    every FAIL says what to do. Exit code 1 when a check fails, 3 when Temporal is
    unreachable.

    \b
    Example:
      TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_NAMESPACE=coalitions lemniscate doctor
    """
    checks, reachable = asyncio.run(run_checks(timeout))
    for check in checks:
        click.echo(check.line())
    if not reachable:
        sys.exit(EXIT_UNAVAILABLE)
    if any(check.ok is False for check in checks):
        sys.exit(EXIT_FAILED)
