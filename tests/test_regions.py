"""National and regional: a national coalition spawns a regional mini-alliance as its own
coalition, and the region's signals land on the national table."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import CoalitionNotFound, CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.states.playbook_files import parse_data
from lemniscate.workflows.io import CoalitionView
from tests.support.servers import WorkerRunner, borrow
from tests.support.workflows import eventually


def _region() -> dict[str, Any]:
    return {
        "id": "regio-utrecht",
        "name": "Wonen en Zorg regio Utrecht",
        "task": {"title": "Housing with care in the Utrecht region", "programme": "Wonen en Zorg"},
        "initiators": ["Gemeente Utrecht"],
        "coordinator": "ambassador",
        "partners": [{"name": "Mitros"}, {"name": "Careyn"}],
    }


async def _view_or_none(service: CoalitionService, slug: str) -> CoalitionView | None:
    """The national coalition starts its region right after the update; it may lag."""
    try:
        return await service.view(slug, READER)
    except CoalitionNotFound:
        return None


async def test_region_is_its_own_coalition_and_signals_the_national_table(
    time_skipping: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    async with borrow(time_skipping) as env, worker(env.client) as service:
        await service.start(walks.taskforce_start("national"), walks.COORDINATOR)
        spawned = await service.fire(
            "national",
            "spawn_region",
            {"region": _region()},
            walks.COORDINATOR,
            reason="local initiative in Utrecht",
        )
        assert spawned.coalition.regions == ["regio-utrecht"]

        region = await eventually(
            lambda: _view_or_none(service, "regio-utrecht"), lambda view: view is not None
        )
        assert region is not None
        assert region.coalition.parent == "national"
        assert [p.name for p in region.coalition.partners] == ["Mitros", "Careyn"]
        assert region.coalition.initiators == ["Gemeente Utrecht"]
        assert region.overview.state == "intent_and_interests"
        assert region.coalition.numbering == "per_kind"  # a new coalition, numbered per kind

        await service.fire(
            "regio-utrecht",
            "signal_national",
            {"kind": "bottleneck", "description": "Care allowances block moving in together."},
            walks.COORDINATOR,
        )

        async def national_signals() -> list[Any]:
            return (await service.view("national", READER)).coalition.signals

        signals = await eventually(national_signals, lambda s: len(s) == 1)
        assert signals[0].from_coalition == "regio-utrecht"
        assert signals[0].region == "Wonen en Zorg regio Utrecht"
        assert signals[0].kind.value == "bottleneck"
        journal = await service.journal("national", READER)
        assert journal[-1].event.trigger == "record_signal"
        assert journal[-1].event.actor.role.value == "system"

        with pytest.raises(CoalitionRefused) as refused:
            await service.fire(
                "national", "signal_national", {"kind": "opportunity", "description": "x"}, walks.COORDINATOR
            )
        assert refused.value.reasons == [
            "this coalition is not a region of a national coalition (it has no parent)."
        ]
        with pytest.raises(CoalitionRefused) as again:
            await service.fire("national", "spawn_region", {"region": _region()}, walks.COORDINATOR)
        assert "region.id: regio-utrecht is already this coalition or one of its regions." in (
            again.value.reasons
        )


async def test_a_region_pins_the_published_playbook_it_names(
    time_skipping: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    office = parse_data({"name": "gemeente", "version": 1, "min_interviews": 1})
    async with borrow(time_skipping, own_namespace=True) as env, worker(env.client) as service:
        published = await service.playbooks.publish(office, walks.COORDINATOR)
        await service.start(walks.taskforce_start("landelijk"), walks.COORDINATOR)
        region = _region() | {"playbook": "gemeente"}
        await service.fire("landelijk", "spawn_region", {"region": region}, walks.COORDINATOR)

        view = await eventually(lambda: _view_or_none(service, "regio-utrecht"), lambda v: v is not None)
        assert view is not None
        assert view.coalition.playbook.ref == "gemeente@1" and view.coalition.playbook.min_interviews == 1
        (entry, *_) = await service.journal("regio-utrecht", READER)
        assert entry.event.payload["playbook_hash"] == published.hash

        with pytest.raises(CoalitionRefused) as refused:
            elsewhere = _region() | {"id": "regio-zwolle", "playbook": "gemeente", "playbook_version": 7}
            await service.fire("landelijk", "spawn_region", {"region": elsewhere}, walks.COORDINATOR)
        (reason,) = refused.value.reasons
        assert reason.startswith("region.playbook: no playbook 'gemeente@7'; known: ")
        assert (await service.view("landelijk", READER)).coalition.regions == ["regio-utrecht"]
