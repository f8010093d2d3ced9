"""Continue-as-new on a dev server of its own, told to suggest it after 20 events: the view and
the journal carry over into the new run."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import Client, WorkflowExecutionStatus

from lemniscate import states
from lemniscate.cluster import search_attributes as sa
from lemniscate.coalitions import CoalitionFinished
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import workflow_id
from tests.support.lifecycle import assert_journal_in_order, unique, where
from tests.support.servers import dev_server_env, running_worker
from tests.support.workflows import history_length, walk_service


async def run_ids(client: Client, wid: str) -> list[str]:
    """Every run of a workflow id, oldest first, by following the continued-as-new chain."""
    history = await client.get_workflow_handle(wid).fetch_history()
    runs = [history.run_id]
    started = history.events[0].workflow_execution_started_event_attributes
    while started.continued_execution_run_id:
        runs.insert(0, started.continued_execution_run_id)
        history = await client.get_workflow_handle(
            wid, run_id=started.continued_execution_run_id
        ).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
    return runs


@pytest.mark.slow
async def test_continue_as_new_keeps_view_and_journal() -> None:
    # A server of its own: dynamic config that suggests continue-as-new far earlier.
    async with dev_server_env("--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=20") as env:
        client = env.client
        slug = unique("long-lived")
        wid = workflow_id(slug)
        steps = [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle()]
        async with running_worker(client) as service:
            await service.start(walks.taskforce_start(slug), COORDINATOR)
            first_run = (await client.get_workflow_handle(wid).describe()).run_id
            seen = [first_run]
            for step in steps:
                view = await service.fire(slug, step.trigger, step.payload, step.actor)
                run = (await client.get_workflow_handle(wid).describe()).run_id
                if run != seen[-1]:
                    seen.append(run)
            runs = await run_ids(client, wid)
            assert len(runs) >= 3, f"continued as new only {len(runs) - 1} times"
            assert runs[0] == first_run and set(seen) <= set(runs)
            for run in runs[:-1]:
                described = await client.get_workflow_handle(wid, run_id=run).describe()
                assert described.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
                assert await history_length(client, wid, run) < 80

            n = 1 + len(steps)
            journal = await service.journal(slug, READER)
            assert_journal_in_order(journal, ["start", *(s.trigger for s in steps)])
            assert len(journal) == n
            assert [e.event.payload for e in journal[1:]] == [s.payload for s in steps]
            current = await service.view(slug, READER)
            assert where(current) == ("doing", "execution", "het")
            assert current.coalition.cycle == 1
            assert current.status.journal_length == n
            assert current.coalition == view.coalition
            # What the last run carries is exactly what its journal replays to.
            assert states.replay([e.event for e in journal]) == current.coalition
            assert current.status.last_activity_at == journal[-1].event.at
            # The new runs index the coalition as the first did (the dev server's describe()
            # decodes them fine; see tests.support.workflows.describe for the test server).
            indexed = (await client.get_workflow_handle(wid).describe()).typed_search_attributes
            assert (indexed.get(sa.STATE), indexed.get(sa.ROUND), indexed.get(sa.SIDE)) == (
                "doing",
                "execution",
                "het",
            )
            assert indexed.get(sa.ORGANISATIONS) == ["ActiZ", "Aedes", "BZK", "VNG", "VWS", "ZN"]
            assert indexed.get(sa.PROGRAMME) == "Wonen en Zorg"
            assert indexed.get(sa.NEXT_FOLLOW_UP) == current.status.next_follow_up_at
            assert indexed.get(sa.AT_RISK) is False

            # Concurrent triggers across further continue-as-new: none lost, none doubled.
            for batch in range(2):
                await asyncio.gather(
                    *(
                        service.fire(
                            slug,
                            "record_signal",
                            {
                                "region": f"Regio {batch}-{i}",
                                "kind": "opportunity",
                                "description": "A region asks to join.",
                            },
                            COORDINATOR,
                        )
                        for i in range(8)
                    )
                )
            signalled = await service.view(slug, READER)
            assert sorted(s.region for s in signalled.coalition.signals) == sorted(
                f"Regio {b}-{i}" for b in range(2) for i in range(8)
            )
            n += 16
            assert [e.seq for e in await service.journal(slug, READER)] == list(range(1, n + 1))

            await walk_service(service, slug, walks.taskforce_closing())
            handle = client.get_workflow_handle_for(CoalitionWorkflow.run, wid)
            result = await handle.result()
            assert result.coalition.state == "closed"
            assert result.status.journal_length == n + len(walks.taskforce_closing())
            assert len(await run_ids(client, wid)) >= len(runs)
            indexed = (await client.get_workflow_handle(wid).describe()).typed_search_attributes
            assert indexed.get(sa.STATE) == "closed" and indexed.get(sa.NEXT_FOLLOW_UP) is None
            # A finished coalition takes no more triggers, and says so.
            with pytest.raises(
                CoalitionFinished, match=f"coalition '{slug}' is completed; it takes no more triggers."
            ):
                await service.fire(
                    slug,
                    "record_signal",
                    {"region": "Noord", "kind": "opportunity", "description": "x"},
                    COORDINATOR,
                )
