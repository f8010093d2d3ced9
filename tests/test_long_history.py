"""Years of execution: a coalition continues as new before its history grows large, and
keeps its full state and journal across the runs.

On the real dev server, each quarter's monitoring round opened by the coordinator: that the
engine opens it by itself when the review comes due is shown with skipped time in
test_notifications. Skipping years here raced updates against continue-as-new on the Java
test server, whose clock then stayed locked."""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter
from temporalio.testing import WorkflowEnvironment

from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Event
from lemniscate.models.journal import JournalEntry, TriggerRequest
from lemniscate.states import replay
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import CoalitionInput, workflow_id
from tests.support.servers import WorkerRunner

SLUG = f"three-years-{uuid.uuid4().hex[:6]}"
QUARTERS = 12


async def test_quarters_of_execution_across_continue_as_new(
    dev_server: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    env = dev_server
    async with worker(env.client) as service:
        start = TriggerRequest(trigger="start", payload=walks.taskforce_start(SLUG), actor=walks.COORDINATOR)
        handle = await env.client.start_workflow(
            CoalitionWorkflow.run,
            CoalitionInput(start=start, history_limit=120),
            id=workflow_id(SLUG),
            task_queue=service.task_queue,
        )
        for step in walks.taskforce_to_execution():
            await service.fire(SLUG, step.trigger, step.payload, step.actor)

        run_ids = {(await handle.describe()).run_id}
        for quarter in range(QUARTERS):
            await service.fire(SLUG, "start_monitoring", {}, walks.COORDINATOR)
            assert (await service.view(SLUG, READER)).overview.state == "monitoring", quarter
            report = (
                await service.fire(
                    SLUG,
                    "record_monitoring_report",
                    {"summary": f"Quarter {quarter + 1}."},
                    walks.COORDINATOR,
                )
            ).coalition.monitoring_reports[-1]
            await service.fire(SLUG, "decide", {}, walks.COORDINATOR)
            await service.fire(
                SLUG, "record_decision", {"decision": "Carry on.", "rests_on": [report.id]}, walks.COORDINATOR
            )
            await service.fire(SLUG, "adjust", {}, walks.COORDINATOR)
            await service.fire(SLUG, "resume_doing", {}, walks.COORDINATOR)
            run_ids.add((await handle.describe()).run_id)

        assert len(run_ids) >= 3, "the workflow should have continued as new several times"
        view = await service.view(SLUG, READER)
        assert view.coalition.cycle == QUARTERS
        assert len(view.coalition.monitoring_reports) == QUARTERS
        journal = await service.journal(SLUG, READER)
        assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
        assert journal[0].event.trigger == "start"
        # The carried journal alone rebuilds the carried state.
        events: list[Event] = [e.event for e in journal]
        assert replay(events).model_dump() == view.coalition.model_dump()
        # The latest run's history is small; the whole story is in the journal.
        history = await handle.fetch_history()
        assert len(history.events) < 400
        # The latest run started with the entries the run before recorded (and names the
        # run whose input holds the ones before those), packed to a fraction of their JSON.
        started = history.events[0].workflow_execution_started_event_attributes
        [carried] = await env.client.data_converter.decode(started.input.payloads, [CoalitionInput])
        assert carried.snapshot is not None and carried.snapshot.journal == []
        assert carried.snapshot.journal_continues_in in run_ids
        packed = carried.snapshot.entries()
        assert packed == [e for e in journal if e.seq in {p.seq for p in packed}]
        assert 0 < len(packed) < len(journal) // 2
        plain = TypeAdapter(list[JournalEntry]).dump_json(packed)
        assert len(carried.snapshot.packed_journal or "") < len(plain) / 2
