"""4. Replay: years of quarterly execution built on the time-skipping server, each run's
history replayed as a worker would after losing its cache."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Replayer, Worker

from bench.baseline import BASELINE_NAME, BaselineWorkflow, noop
from bench.harness.driver import request_dict
from bench.harness.progress import Progress, say
from lemniscate.cluster import data_converter
from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step, partner_actor
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.journal import TriggerRequest
from lemniscate.workers.main import create_replayer, create_worker
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import CoalitionInput, workflow_id
from tests.support.servers import time_skipping_env


def quarter_steps(quarter: int, report_id: str) -> list[Step]:
    """What a coalition does in a quarter after its monitoring report `report_id`."""
    return [
        Step("decide"),
        Step("record_decision", {"decision": "Carry on.", "rests_on": [report_id]}),
        Step("adjust"),
        Step("resume_doing"),
        Step(
            "report_progress",
            {"action": "A2", "status": "in_progress", "note": f"Quarter {quarter + 1}."},
            partner_actor("VNG"),
        ),
    ]


async def replay(years: int, history_limit: int) -> dict[str, Any]:
    """Build `years` of quarterly execution on the time-skipping server (months of timers
    in seconds), then replay every run's history as a worker would after losing its cache."""
    quarters = years * 4
    slug = f"replay-{uuid.uuid4().hex[:6]}"
    say(f"replay: building {years} years of execution on the time-skipping server")
    async with time_skipping_env() as env:
        queue = "replay"
        service = CoalitionService(env.client, queue)
        async with (
            create_worker(env.client, queue),
            Worker(
                env.client, task_queue=queue + "-baseline", workflows=[BaselineWorkflow], activities=[noop]
            ),
        ):
            start = TriggerRequest(trigger="start", payload=walks.taskforce_start(slug), actor=COORDINATOR)
            handle = await env.client.start_workflow(
                CoalitionWorkflow.run,
                CoalitionInput(start=start, history_limit=history_limit),
                id=workflow_id(slug),
                task_queue=queue,
            )
            first_run = handle.first_execution_run_id or handle.result_run_id
            updates = 0
            for step in walks.taskforce_to_execution():
                await service.trigger(slug, step.trigger, step.payload, step.actor)
                updates += 1
            progress = Progress("replay: quarters", quarters, "quarters", every=5)
            for quarter in range(quarters):
                await env.sleep(timedelta(days=91))  # the engine opens monitoring itself
                view = await service.view(slug, READER)
                if view.overview.state != "monitoring":
                    raise AssertionError(f"quarter {quarter}: in {view.overview.state}")
                view = await service.fire(
                    slug,
                    "record_monitoring_report",
                    {"summary": f"Quarter {quarter + 1}: on track."},
                    COORDINATOR,
                )
                updates += 1
                for step in quarter_steps(quarter, view.coalition.monitoring_reports[-1].id):
                    await service.trigger(slug, step.trigger, step.payload, step.actor)
                    updates += 1
                progress.add()
            progress.finish()
            histories = await _run_histories(env.client, workflow_id(slug), first_run)
            # A bare workflow given as many updates, in one run, for scale.
            base = await env.client.start_workflow(
                BASELINE_NAME,
                {"trigger": "start"},
                id=f"replay-base-{uuid.uuid4().hex[:6]}",
                task_queue=queue + "-baseline",
            )
            intent = request_dict(Step("record_intent", {"intent": "x"}))
            for _ in range(updates):
                await base.execute_update("fire", intent)
            base_history = await base.fetch_history()

    events = [len(h.events) for h in histories]
    say(f"replay: {len(histories)} runs, {sum(events):,} events; replaying")
    replayer = create_replayer([CoalitionWorkflow])
    timings: list[tuple[float, list[float]]] = []  # (all runs, each run) in seconds
    for attempt in range(3):  # the first pays for the sandbox's imports
        began = time.perf_counter()
        per_run = []
        for history in histories:
            run_began = time.perf_counter()
            await replayer.replay_workflow(history, raise_on_replay_failure=True)
            per_run.append(time.perf_counter() - run_began)
        timings.append((time.perf_counter() - began, per_run))
        say(f"replay: attempt {attempt + 1}: {timings[-1][0] * 1000:.0f} ms")
    base_replayer = Replayer(workflows=[BaselineWorkflow], data_converter=data_converter())
    base_times = []
    for _ in range(3):
        began = time.perf_counter()
        await base_replayer.replay_workflow(base_history, raise_on_replay_failure=True)
        base_times.append(time.perf_counter() - began)
    warm_total, warm_runs = min(timings[1:], key=lambda t: t[0])
    longest = max(range(len(histories)), key=lambda i: events[i])
    return {
        "years": years,
        "quarters": quarters,
        "updates": updates,
        "history_limit": history_limit,
        "runs": len(histories),
        "events_per_run": events,
        "events": sum(events),
        "history_bytes": sum(len(h.to_json()) for h in histories),
        "cold_total_ms": timings[0][0] * 1000,
        "warm_total_ms": warm_total * 1000,
        "warm_longest_run_ms": warm_runs[longest] * 1000,
        "warm_us_per_event": warm_total * 1e6 / sum(events),
        "baseline_events": len(base_history.events),
        "baseline_warm_ms": min(base_times[1:]) * 1000,
        "baseline_us_per_event": min(base_times[1:]) * 1e6 / len(base_history.events),
    }


async def _run_histories(client: Client, wid: str, first_run: str | None) -> list[Any]:
    """Every run's history, first to latest, following the continue-as-new chain."""
    histories = []
    run_id = first_run
    while run_id:
        history = await client.get_workflow_handle(wid, run_id=run_id).fetch_history()
        histories.append(history)
        last = history.events[-1]
        attrs = last.workflow_execution_continued_as_new_event_attributes
        run_id = (
            attrs.new_execution_run_id
            if last.HasField("workflow_execution_continued_as_new_event_attributes")
            else None
        )
    return histories
