"""The consequences an accepted trigger has beyond its coalition (`states.Consequence`):
a region started as its own coalition, a region's signal put on the national table."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import TemporalError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from lemniscate import states
    from lemniscate.models.journal import TriggerRequest
    from lemniscate.models.records import Numbering
    from lemniscate.workflows.io import SYSTEM, WORKFLOW_NAME, CoalitionInput, workflow_id
    from lemniscate.workflows.log import WorkflowLogger
    from lemniscate.workflows.state import RunState


async def flush(run: RunState, log: WorkflowLogger) -> None:
    """Send every pending consequence, oldest first; one that fails becomes a note."""
    while run.outbox:
        request = run.outbox[0]
        try:
            match states.TRIGGERS[request.trigger].consequence:
                case states.Consequence.start_region:
                    await _start_region(run, request)
                case states.Consequence.signal_parent:
                    await _signal_parent(run, request)
        except TemporalError as error:
            run.failed_notifications.append(f"{workflow.now():%Y-%m-%d %H:%M} {request.trigger}: {error}")
            log.warning("outbox delivery failed", trigger=request.trigger, error=str(error))
        run.outbox.pop(0)


async def _start_region(run: RunState, request: TriggerRequest) -> None:
    # A new coalition: its records numbered per kind unless the region's payload says how, as
    # the service's gate does for every start (the child's start request records it).
    region = {"numbering": Numbering.per_kind.value, **request.payload["region"], "parent": run.coalition.id}
    start = TriggerRequest(trigger=states.START, payload=region, actor=request.actor, reason=request.reason)
    await workflow.start_child_workflow(
        WORKFLOW_NAME,
        CoalitionInput(start=start),
        id=workflow_id(region["id"]),
        # The region has its own life: it outlives a national coalition that closes.
        parent_close_policy=ParentClosePolicy.ABANDON,
    )


async def _signal_parent(run: RunState, request: TriggerRequest) -> None:
    coalition = run.coalition
    assert coalition.parent is not None  # checked when signal_national was accepted
    fact = TriggerRequest(
        trigger=states.TriggerName.record_signal,
        actor=SYSTEM,
        reason=request.reason,
        payload={
            "region": coalition.name,
            "kind": request.payload["kind"],
            "description": request.payload["description"],
            "from_coalition": coalition.id,
        },
    )
    await workflow.get_external_workflow_handle(workflow_id(coalition.parent)).signal("external_fact", fact)
