"""`lemniscate bulk`: one trigger for every coalition that matches a filter, durably."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import click

from lemniscate.cli import render
from lemniscate.cli.common import (
    ACTOR_ID_OPTION,
    ACTOR_OPTION,
    REASON_HELP,
    actor_from,
    handles_errors,
    load_data,
    service,
    with_reason,
)
from lemniscate.models.bulk import BulkFilter, BulkProgress, BulkRequest
from lemniscate.states import Round, Side


@click.group()
def bulk() -> None:
    """Apply one trigger to every running coalition matching a filter, as a durable batch
    that survives crashes, with progress and a report of what was refused and why."""


@bulk.command(name="run")
@click.argument("trigger")
@click.option("--data", default=None, metavar="JSON|@FILE", help="The trigger's payload.")
@click.option("--state")
@click.option("--round", "round_", type=click.Choice([r.value for r in Round]))
@click.option("--side", type=click.Choice([s.value for s in Side]))
@click.option("--programme")
@click.option("--organisation")
@click.option("--at-risk/--not-at-risk", default=None)
@click.option("--id", "bulk_id", default=None, help="Name it (default: generated).")
@click.option("--reason", default=None, help=REASON_HELP)
@click.option(
    "--wait/--no-wait", default=True, show_default=True, help="Follow the progress until it finishes."
)
@ACTOR_OPTION
@ACTOR_ID_OPTION
@handles_errors
async def run(
    trigger: str,
    data: str | None,
    round_: str | None,
    bulk_id: str | None,
    reason: str | None,
    wait: bool,
    as_: str,
    actor_id: str | None,
    **where: Any,
) -> None:
    """Start a bulk operation.

    \b
    Example (announce the new subsidy round to programme RES in round 2):
      lemniscate bulk run record_signal --programme RES --round 2 \\
        --data '{"region": "national", "kind": "opportunity",
                 "description": "New subsidy round opens 1 March"}'
    """
    request = BulkRequest(
        id=bulk_id or uuid.uuid4().hex[:12],
        where=BulkFilter(round=round_, **where),
        trigger=trigger,
        payload=with_reason(trigger, load_data(data), reason),
        actor=actor_from(as_, actor_id),
        reason=reason,
    )
    svc = await service()
    progress = await svc.bulk_runs.start(request, source="cli")
    click.echo(f"bulk operation {request.id} started: {trigger}")
    if wait:
        progress = await _follow(lambda i: svc.bulk_runs.progress(i, request.actor), request.id, progress)
    click.echo(render.bulk(progress))


@bulk.command()
@click.argument("bulk_id")
@ACTOR_OPTION
@handles_errors
async def status(bulk_id: str, as_: str) -> None:
    """Progress and per-coalition results of a bulk operation.

    \b
    Example:
      lemniscate bulk status 3f2a9c1b7d4e
    """
    click.echo(render.bulk(await (await service()).bulk_runs.progress(bulk_id, actor_from(as_, None))))


async def _follow(read: Any, bulk_id: str, progress: BulkProgress) -> BulkProgress:
    last = -1
    while not progress.finished:
        if progress.done != last:
            total = "?" if progress.total is None else progress.total
            click.echo(f"  {progress.done}/{total} done", err=True)
            last = progress.done
        await asyncio.sleep(0.5)
        progress = await read(bulk_id)
    return progress
