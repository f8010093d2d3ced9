"""Published playbook versions on the dev server: pinned by new coalitions, kept by old ones,
their impact over many coalitions, and adopt_playbook through a worker restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.models.playbook import Playbook
from lemniscate.states.playbook_files import parse_data
from lemniscate.workers.main import create_replayer
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import workflow_id
from tests.support.servers import borrow, fresh_task_queue, running_worker
from tests.support.workflows import walk_service

MANY = 50  # coalitions on the older versions, half of which the new version would block


def office(version: int, **settings: object) -> Playbook:
    return parse_data({"name": "gemeente", "version": version, **settings})


@pytest_asyncio.fixture
async def env(dev_server: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    async with borrow(dev_server, own_namespace=True) as borrowed:  # a registry of its own
        yield borrowed


def round_one(interviews: int) -> list[Step]:
    steps = walks.taskforce_to_execution()[: 1 + interviews]
    return steps + [
        Step("mark_not_reached", {"partner": p, "reason": "No answer."})
        for p in walks.TASKFORCE_PARTNERS[interviews:]
    ]


async def start(
    service: CoalitionService, slug: str, playbook: str, interviews: int, version: int | None = None
) -> None:
    payload = walks.taskforce_start(slug, playbook=playbook) | {"playbook_version": version}
    await service.start(payload, COORDINATOR)
    await walk_service(service, slug, round_one(interviews))


async def test_published_versions_are_pinned_and_old_coalitions_keep_theirs(env: WorkflowEnvironment) -> None:
    async with running_worker(env.client) as service:
        first = await service.playbooks.publish(office(1, min_interviews=1), COORDINATOR)
        await service.start(walks.taskforce_start("old-one", playbook="gemeente"), COORDINATOR)
        await service.playbooks.publish(office(2, min_interviews=3), COORDINATOR)
        await service.start(walks.taskforce_start("new-one", playbook="gemeente"), COORDINATOR)

        old = await service.view("old-one", COORDINATOR)
        assert old.coalition.playbook.ref == "gemeente@1"
        assert (await service.view("new-one", COORDINATOR)).coalition.playbook.ref == "gemeente@2"
        (entry, *_) = await service.journal("old-one", COORDINATOR)
        assert entry.event.payload["playbook_hash"] == first.hash == old.coalition.playbook.content_hash

        with pytest.raises(CoalitionRefused) as refused:
            await service.playbooks.publish(office(2, min_interviews=4), COORDINATOR)
        assert refused.value.reasons[0].startswith("version: gemeente@2 is published already")
        with pytest.raises(CoalitionRefused):
            await service.start(
                walks.taskforce_start("nowhere", playbook="gemeente") | {"playbook_version": 9}, COORDINATOR
            )
        assert [p.ref for p in await service.playbooks.all()] == [
            "default@1",
            "strict@1",
            "gemeente@1",
            "gemeente@2",
        ]


async def test_impact_names_exactly_the_coalitions_the_new_version_would_block(
    env: WorkflowEnvironment,
) -> None:
    async with running_worker(env.client) as service:
        await service.playbooks.publish(office(1, min_interviews=1), COORDINATOR)
        blocked = {f"many-{i:02}" for i in range(MANY) if i % 2}
        await asyncio.gather(
            *(start(service, f"many-{i:02}", "gemeente", 1 if i % 2 else 3) for i in range(MANY)),
            start(service, "on-default", "default", 1),
        )
        await service.playbooks.publish(office(2, min_interviews=3), COORDINATOR)
        # Visibility is eventually consistent: ask until every coalition is indexed.
        deadline = asyncio.get_running_loop().time() + 30
        found = await service.playbook_impact("gemeente", 2, COORDINATOR)
        while len(found) < MANY and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)
            found = await service.playbook_impact("gemeente", 2, COORDINATOR)
        assert {i.coalition for i in found} == {f"many-{i:02}" for i in range(MANY)}
        assert {i.coalition for i in found if i.newly_blocked} == blocked
        assert all([s.trigger for s in i.newly_blocked] == ["map_domain"] for i in found if i.newly_blocked)


async def test_adopt_playbook_changes_guards_and_follow_ups_and_replays_after_a_restart(
    env: WorkflowEnvironment,
) -> None:
    queue = fresh_task_queue()
    async with running_worker(env.client, queue) as service:
        await service.playbooks.publish(office(1, min_interviews=1), COORDINATOR)
        await service.playbooks.publish(
            office(2, min_interviews=3, follow_up={"interview_reminder": 7, "inactivity": 30}), COORDINATOR
        )
        await service.start(
            walks.taskforce_start("adopting", playbook="gemeente") | {"playbook_version": 1}, COORDINATOR
        )
        await walk_service(service, "adopting", walks.taskforce_to_execution()[:2])  # intent, one interview
        handle = env.client.get_workflow_handle_for(CoalitionWorkflow.run, workflow_id("adopting"))
        before = {f.kind.value: f.due_at for f in await handle.query(CoalitionWorkflow.follow_ups)}
        view = await service.fire(
            "adopting", "adopt_playbook", {"playbook": "gemeente", "version": 2}, COORDINATOR
        )
        assert view.coalition.playbook.ref == "gemeente@2"
        map_domain = next(t for t in view.overview.triggers if t.trigger == "map_domain")
        assert any("asks for at least 3" in b for b in map_domain.blockers)
        after = {f.kind.value: f.due_at for f in await handle.query(CoalitionWorkflow.follow_ups)}
        assert after["interview_reminder"] < before["interview_reminder"]
        assert after["inactivity"] < before["inactivity"]

        # A coalition past the domain mapping with one interview cannot take on version 2.
        await start(service, "too-far", "gemeente", 1, version=1)
        await service.fire("too-far", "map_domain", {}, COORDINATOR)
        with pytest.raises(CoalitionRefused) as refused:
            await service.fire(
                "too-far", "adopt_playbook", {"playbook": "gemeente", "version": 2}, COORDINATOR
            )
        assert refused.value.reasons[0].startswith("map_domain is behind the coalition")

    # A new worker has nothing cached: the next task replays the history with the adoption.
    async with running_worker(env.client, queue) as service:
        view = await service.fire("adopting", *walks.taskforce_to_execution()[2].__dict__.values())
        assert view.coalition.playbook.ref == "gemeente@2"
        (entry,) = [
            e for e in await service.journal("adopting", COORDINATOR) if e.event.trigger == "adopt_playbook"
        ]
        assert entry.event.payload["hash"] == view.coalition.playbook.content_hash
    result = await create_replayer([CoalitionWorkflow]).replay_workflow(
        await handle.fetch_history(), raise_on_replay_failure=False
    )
    assert result.replay_failure is None
