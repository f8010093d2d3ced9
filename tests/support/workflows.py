"""Driving a coalition and reading what its workflow recorded, on either server: the raw
description, status, search attributes and history length, waiting for eventually
consistent reads, a bare start, and walks with their dates moved."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from temporalio.api.common.v1 import SearchAttributes, WorkflowExecution
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
    DescribeWorkflowExecutionResponse,
)
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.converter import decode_typed_search_attributes

from lemniscate.coalitions import CoalitionService
from lemniscate.examples.walks import Step
from lemniscate.models import chain
from lemniscate.models.journal import JournalEntry
from lemniscate.workflows.io import CoalitionView

T = TypeVar("T")


async def describe(
    client: Client, workflow_id: str, run_id: str | None = None
) -> DescribeWorkflowExecutionResponse:
    """A raw DescribeWorkflowExecution.

    Why not `handle.describe()`: after `value_unset()` of a Datetime search attribute the
    time-skipping test server keeps the key with a JSON `null` payload, and `describe()`
    then raises TypeError while decoding the deprecated untyped attributes. (The dev server
    removes the key.)
    """
    return await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace,
            execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id or ""),
        )
    )


async def workflow_status(
    client: Client, workflow_id: str, run_id: str | None = None
) -> WorkflowExecutionStatus:
    info = (await describe(client, workflow_id, run_id)).workflow_execution_info
    return WorkflowExecutionStatus(info.status)


async def search_attributes(client: Client, workflow_id: str, run_id: str | None = None) -> dict[str, Any]:
    """The typed search attributes of a workflow as `{key name: value}`; an unset key is
    absent, on either server."""
    raw = (await describe(client, workflow_id, run_id)).workflow_execution_info.search_attributes
    present = SearchAttributes()
    for name, payload in raw.indexed_fields.items():
        if payload.data not in (b"", b"null", b"[]"):
            present.indexed_fields[name].CopyFrom(payload)
    typed = decode_typed_search_attributes(present)
    return {pair.key.name: pair.value for pair in typed}


async def history_length(client: Client, workflow_id: str, run_id: str | None = None) -> int:
    handle = client.get_workflow_handle(workflow_id, run_id=run_id)
    return len((await handle.fetch_history()).events)


async def settled_history_length(
    client: Client, workflow_id: str, *, quiet: float = 0.3, timeout: float = 10.0
) -> int:
    """The history length once it stopped growing for `quiet` seconds (workflow idle)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    length = await history_length(client, workflow_id)
    while True:
        await asyncio.sleep(quiet)
        again = await history_length(client, workflow_id)
        if again == length:
            return length
        if loop.time() > deadline:
            raise AssertionError(f"history of {workflow_id} still growing after {timeout} s")
        length = again


async def eventually(
    check: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    timeout: float = 10.0,
    interval: float = 0.05,
) -> T:
    """Call `check` until `accept` holds for its value; the last value otherwise fails."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await check()
        if accept(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s; last value: {value!r}")
        await asyncio.sleep(interval)


def bare_start(slug: str, partners: Iterable[str] = (), programme: str | None = None) -> dict[str, Any]:
    """A coalition's start with nothing recorded yet: one initiator, the coordinator, and
    `partners` added by name (each one an interview due); escalations go to `programme`'s
    office, or to the coordinator without one."""
    task = {"title": "Under test"} | ({"programme": programme} if programme else {})
    return {
        "id": slug,
        "name": f"Coalition {slug}",
        "task": task,
        "initiators": ["Gemeente"],
        "coordinator": "coordinator",
        "partners": [{"name": name} for name in partners],
    }


async def walk_service(
    service: CoalitionService, slug: str, steps: Iterable[Step]
) -> dict[str, CoalitionView]:
    """Fire `steps` in order through the service; every one must be accepted. Returns the
    view each trigger returned (the last one per trigger name)."""
    views: dict[str, CoalitionView] = {}
    for step in steps:
        views[step.trigger] = await service.fire(slug, step.trigger, step.payload, step.actor, step.reason)
    return views


def shift_dates(steps: Iterable[Step], days: int) -> list[Step]:
    """The steps with every ISO date (YYYY-MM-DD) in their payloads moved by `days`, so a
    walk written for 2027 lands where a test needs it relative to the server's clock."""

    def shift(value: Any) -> Any:
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        if isinstance(value, dict):
            return {k: shift(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shift(v) for v in value]
        return value

    return [dataclasses.replace(s, payload=shift(s.payload)) for s in steps]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def resealed(journal: list[JournalEntry]) -> list[JournalEntry]:
    """A forger's journal: every hash recomputed, so the chain alone looks intact."""
    sealed: list[JournalEntry] = []
    for entry in journal:
        prev = chain.GENESIS if not sealed else sealed[-1].hash
        body = entry.model_copy(update={"prev_hash": prev, "hash": None})
        sealed.append(body.model_copy(update={"hash": chain.entry_hash(body.model_dump(mode="json"))}))
    return sealed
