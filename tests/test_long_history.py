"""Years of execution: a coalition continues as new before its history grows large, and
keeps its full state and journal across the runs."""

from __future__ import annotations

from datetime import timedelta

from pydantic import TypeAdapter

from lemniscate.examples import walks
from lemniscate.models.events import Event
from lemniscate.models.journal import JournalEntry, TriggerRequest
from lemniscate.states import replay
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import CoalitionInput, workflow_id
from tests.support.servers import running_worker, skip, time_skipping_env

SLUG = "three-years"
QUARTERS = 12


async def test_quarters_of_execution_across_continue_as_new() -> None:
    # A server of its own: three years skipped would move every later test's clock past the
    # example walks' dates.
    async with time_skipping_env() as env, running_worker(env.client) as service:
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
            # The engine opens the monitoring round itself when the review comes due. In
            # steps: one call that skips a whole quarter can outlast the RPC deadline.
            for _ in range(7):
                await skip(env, timedelta(days=13))
            assert (await service.view(SLUG)).overview.state == "monitoring", quarter
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
        view = await service.view(SLUG)
        assert view.coalition.cycle == QUARTERS
        assert len(view.coalition.monitoring_reports) == QUARTERS
        journal = await service.journal(SLUG)
        assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
        assert journal[0].event.trigger == "start"
        # The carried journal alone rebuilds the carried state.
        events: list[Event] = [e.event for e in journal]
        assert replay(events).model_dump() == view.coalition.model_dump()
        # The latest run's history is small; the whole story is in the journal.
        history = await handle.fetch_history()
        assert len(history.events) < 400
        # The latest run started with the journal so far, packed to a fraction of its JSON.
        started = history.events[0].workflow_execution_started_event_attributes
        [carried] = await env.client.data_converter.decode(started.input.payloads, [CoalitionInput])
        assert carried.snapshot is not None and carried.snapshot.journal == []
        packed = carried.snapshot.entries()
        assert packed == journal[: len(packed)] and len(packed) > 100
        plain = TypeAdapter(list[JournalEntry]).dump_json(packed)
        assert len(carried.snapshot.packed_journal or "") < len(plain) / 4
