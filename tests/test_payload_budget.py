"""The worst case the bounds allow, on the real dev server: the largest payloads, again and
again, keep a coalition continuing as new with no failed workflow task; a trigger that would
grow its record past the budget is refused with why and what to do, and changes nothing;
the whole journal reads back across the runs, its hash chain intact."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from lemniscate.audit.history import fetch_runs
from lemniscate.coalitions import CoalitionRefused
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models import bounds
from lemniscate.models.chain import verify_chain
from lemniscate.workflows.io import workflow_id
from tests.support.servers import WorkerRunner

pytestmark = pytest.mark.slow


def _fullest_agenda(tag: str) -> list[dict[str, Any]]:
    """As many agenda items, each with as long a description, as a payload may carry."""
    return [
        {"on": "2027-03-01", "kind": "decision_moment", "description": f"{tag} {i:03} ".ljust(200, "x")}
        for i in range(bounds.MAX_ITEMS)
    ]


async def test_the_largest_payloads_repeated_continue_as_new_and_never_fail_a_task(
    dev_server: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    slug = f"budget-{uuid.uuid4().hex[:6]}"
    async with worker(dev_server.client) as service:
        await service.start(walks.taskforce_start(slug), walks.COORDINATOR)
        payload = {"partner": "VNG", "agenda": _fullest_agenda("VNG")}
        assert bounds.MAX_PAYLOAD_BYTES * 3 // 4 < len(json.dumps(payload)) <= bounds.MAX_PAYLOAD_BYTES

        # The journal grows by a fullest payload each time; the record does not.
        for _ in range(30):
            await service.fire(slug, "update_agenda", payload, walks.COORDINATOR)

        # New partners with the fullest agendas grow the record, until the budget says no.
        added, refusal = 0, None
        while refusal is None and added < 40:
            partner = {"name": f"Partner {added}", "agenda": _fullest_agenda(f"P{added}")}
            try:
                await service.fire(slug, "add_partner", partner, walks.COORDINATOR)
                added += 1
            except CoalitionRefused as refused:
                refusal = refused
        assert refusal is not None, "the record grew past its budget unrefused"
        [reason] = refusal.reasons
        assert f"past the {bounds.STATE_BUDGET:,}" in reason and "document" in reason
        view = await service.view(slug, READER)
        assert len(view.coalition.partners) == len(walks.taskforce_start(slug)["partners"]) + added
        assert len(view.coalition.model_dump_json()) <= bounds.STATE_BUDGET

        # A trigger that does not grow the record still goes through.
        await service.fire(slug, "update_agenda", payload, walks.COORDINATOR)

        runs = await fetch_runs(dev_server.client, workflow_id(slug))
        assert len(runs) >= 4, f"{len(runs)} runs: the journal should have been handed on in segments"
        failed = [
            (r.run_id, e.event_id)
            for r in runs
            for e in r.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        assert failed == []

        journal = await service.journal(slug, READER)
        assert [e.seq for e in journal] == list(range(1, 1 + 1 + 30 + added + 1))
        assert verify_chain([e.model_dump(mode="json") for e in journal]) == []
        # Asked from the middle, the journal starts right after it, also in an earlier run.
        assert [e.seq for e in await service.journal(slug, READER, since=5)][:2] == [6, 7]
