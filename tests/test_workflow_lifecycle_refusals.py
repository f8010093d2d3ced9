"""Refused updates leave no trace in the history, on the dev server: the time-skipping test
server does not implement speculative workflow tasks (a rejected update there still writes
WorkflowTaskScheduled/Started/Completed). Concurrent conflicting triggers apply once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import CoalitionRefused
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, partner_actor
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models import idempotency
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import TriggerRequest
from lemniscate.models.sentence import from_wire
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import REFUSED, CoalitionView, workflow_id
from lemniscate.workflows.publisher import PUBLISH_AFTER
from tests.support.lifecycle import unique
from tests.support.method_helpers import AUDITOR
from tests.support.servers import borrow, running_worker
from tests.support.workflows import settled_history_length


@pytest_asyncio.fixture(scope="module")
async def dev_env(dev_server: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    async with borrow(dev_server, own_namespace=True) as env:
        yield env


async def test_refused_updates_leave_no_event_in_the_history(dev_env: WorkflowEnvironment) -> None:
    client = dev_env.client
    slug = unique("refusals")
    wid = workflow_id(slug)
    async with running_worker(client) as service:
        await service.start(walks.taskforce_start(slug), COORDINATOR)
        # Quiet for longer than the publisher's batching window: the start's event goes out
        # after it, and those events belong before the length the refusals must keep.
        length = await settled_history_length(client, wid, quiet=PUBLISH_AFTER.total_seconds() + 1)
        view = await service.view(slug, READER)

        async def refused_by_service(trigger: str, payload: dict[str, Any], actor: Actor) -> list[str]:
            with pytest.raises(CoalitionRefused) as refused:
                await service.fire(slug, trigger, payload, actor)
            assert refused.value.trigger == trigger
            return refused.value.reasons

        interview = walks.taskforce_to_execution()[1]  # record_interview for VNG
        aedes_interview = {**interview.payload, "partner": "Aedes"}
        assert await refused_by_service("map_domain", {}, COORDINATOR) == [
            "The initiator's own intent is not recorded yet (record_intent).",
            "5 of 5 prospective partners have no interview: VNG, Aedes, ActiZ, ZN, BZK "
            "(record_interview, or mark_not_reached with a reason).",
            "0 partners are interviewed; the playbook default@1 asks for at least 2.",
        ]
        assert await refused_by_service("record_interview", aedes_interview, partner_actor("VNG")) == [
            "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
        ]
        assert await refused_by_service("record_intent", {"intent": "Auditors only read."}, AUDITOR) == [
            "auditor-1 as auditor may read everything but change nothing."
        ]
        assert await refused_by_service(
            "record_intent", {"intent": "x"}, Actor(id="someone", role=Role.system)
        ) == ["the system role is reserved for the engine itself."]
        assert await refused_by_service("record_interview", {"partner": "VNG"}, COORDINATOR) == [
            "answers: Field required",
            "held_on: Field required",
            "interviewer: Field required",
        ]
        assert await refused_by_service(
            "plan_meeting",
            {"kind": "exploration", "on": "2027-03-04", "invitees": ["VNG", "Nobody"]},
            COORDINATOR,
        ) == ["invitees: Nobody is neither initiator nor partner of this coalition."]

        # The service checks a payload before sending it; the workflow's validator refuses
        # the same payload on its own when a caller goes around the service.
        handle = client.get_workflow_handle_for(CoalitionWorkflow.run, wid)
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update(
                CoalitionWorkflow.fire,
                TriggerRequest(
                    trigger="record_interview",
                    payload={"partner": "VNG", "held_on": "soon"},
                    actor=COORDINATOR,
                ),
            )
        cause = failed.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == REFUSED
        # Each reason travels as data (`Sentence.wire`), so the client can say it in Dutch.
        assert [from_wire(d) for d in cause.details] == [
            "answers: Field required",
            "held_on: Input should be a valid date in the format YYYY-MM-DD, input is too short",
            "interviewer: Field required",
        ]

        assert await settled_history_length(client, wid) == length
        assert await service.view(slug, READER) == view
        history = await client.get_workflow_handle(wid).fetch_history()
        assert not [
            e
            for e in history.events
            if e.event_type
            in (
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
            )
        ]

        # An accepted trigger does write the update's events.
        accepted = await service.fire(
            slug, "record_intent", {"intent": "Act together."}, COORDINATOR, request_id="intent-1"
        )
        assert accepted.coalition.intent == "Act together."
        assert accepted.status.journal_length == view.status.journal_length + 1
        history = await client.get_workflow_handle(wid).fetch_history()
        assert len(history.events) > length
        updates = [
            e
            for e in history.events[length:]
            if e.event_type
            in (
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
            )
        ]
        assert [e.event_type for e in updates] == [
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        ]
        # The update id binds the key to the caller and the request (models.idempotency).
        keyed = TriggerRequest(
            trigger="record_intent",
            payload={"intent": "Act together."},
            actor=COORDINATOR,
            idempotency_key="intent-1",
        )
        assert updates[
            0
        ].workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id == (
            idempotency.update_id(keyed)
        )

        # Retrying with the same request id applies it once.
        again = await service.fire(
            slug, "record_intent", {"intent": "Act together."}, COORDINATOR, request_id="intent-1"
        )
        assert again.status.journal_length == accepted.status.journal_length
        assert len(await service.journal(slug, READER)) == accepted.status.journal_length
        await client.get_workflow_handle(wid).terminate("test done")


async def test_concurrent_conflicting_triggers_apply_once(dev_env: WorkflowEnvironment) -> None:
    client = dev_env.client
    slug = unique("concurrent")
    async with running_worker(client) as service:
        await service.start(walks.taskforce_start(slug), COORDINATOR)
        outcomes = await asyncio.gather(
            *(service.fire(slug, "add_partner", {"name": "Woonbond"}, COORDINATOR) for _ in range(5)),
            return_exceptions=True,
        )
        accepted = [o for o in outcomes if isinstance(o, CoalitionView)]
        refused = [o for o in outcomes if isinstance(o, CoalitionRefused)]
        assert (len(accepted), len(refused)) == (1, 4), outcomes
        assert {tuple(r.reasons) for r in refused} == {
            ("name: Woonbond is already a partner of this coalition.",)
        }
        current = await service.view(slug, READER)
        assert [p.name for p in current.coalition.partners].count("Woonbond") == 1
        assert current.status.journal_length == 2
        history = await client.get_workflow_handle(workflow_id(slug)).fetch_history()
        assert [e.event_type for e in history.events].count(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        ) == 1
        await client.get_workflow_handle(workflow_id(slug)).terminate("test done")
