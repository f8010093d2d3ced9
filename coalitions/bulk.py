"""The activities of a bulk operation: select, then fire, through the service like any surface.

Firing uses a request id derived from the bulk id, so a chunk retried after a crash applies
each trigger at most once: Temporal answers a repeated update id with the first reply.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client

from lemniscate.coalitions.errors import CoalitionError, CoalitionRefused
from lemniscate.coalitions.portfolio import PortfolioFilter, read_whole
from lemniscate.coalitions.service import CoalitionService
from lemniscate.models.bulk import BulkChunk, BulkFilter, BulkResult
from lemniscate.models.events import Actor, Role


def bulk_request_id(bulk_id: str) -> str:
    return f"bulk:{bulk_id}"


# Who selects a bulk operation's targets. Only office-wide actors may run one (the gate asks
# `policy.may_run_bulk` before it starts), and the activity's input, fixed in running
# operations' histories, carries only the filter: the engine reads office-wide for them.
SELECTOR = Actor(id="bulk", role=Role.system)


class BulkActivities:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._service = CoalitionService(client, task_queue)

    @activity.defn(name="bulk_select")
    async def select(self, where: BulkFilter) -> list[str]:
        """Every running coalition that matches, fixed once so a resumed run aims at the
        same set."""
        portfolio = PortfolioFilter(**where.model_dump(), running_only=True)
        rows = await read_whole(self._service, portfolio, SELECTOR, page=500, progress=activity.heartbeat)
        return sorted({row.id for row in rows})

    @activity.defn(name="bulk_fire")
    async def fire(self, chunk: BulkChunk) -> list[BulkResult]:
        request = chunk.request
        results = []
        for number, target in enumerate(chunk.targets):
            try:
                await self._service.trigger(
                    target,
                    request.trigger,
                    request.payload,
                    request.actor,
                    request.reason,
                    bulk_request_id(request.id),
                    source="bulk",
                )
                results.append(BulkResult(coalition_id=target, outcome="accepted"))
            except CoalitionRefused as refused:
                results.append(BulkResult(coalition_id=target, outcome="refused", detail=refused.reasons))
            except CoalitionError as error:
                results.append(BulkResult(coalition_id=target, outcome="failed", detail=[str(error)]))
            activity.heartbeat(number + 1)
        return results
