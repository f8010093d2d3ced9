"""Outbound events while nobody has subscribed: a coalition that asked and found no
subscription drops its events for a minute instead of running an activity per step for
nobody; a subscription made meanwhile hears the coalition's steps from then on."""

from __future__ import annotations

import json
from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.models.outbound import Subscription
from lemniscate.workflows.coalition import AUDIENCE_RECHECK
from lemniscate.workflows.io import workflow_id
from tests.support.receivers import Webhooks, webhook_receiver
from tests.support.servers import WorkerRunner, borrow, skip
from tests.support.workflows import eventually


async def publish_activities(client: Client, slug: str) -> int:
    history = await client.get_workflow_handle(workflow_id(slug)).fetch_history()
    return sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == "publish_events"
    )


async def test_events_nobody_hears_are_dropped_until_the_audience_is_asked_again(
    time_skipping: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    slug = "quiet-publisher"
    # A namespace of its own: the subscription register it creates (one per namespace) would
    # outlive the test, and every later coalition would ask it for an audience in vain.
    async with borrow(time_skipping, own_namespace=True) as env, worker(env.client) as service:
        await service.start(walks.taskforce_start(slug), COORDINATOR)
        await skip(env, timedelta(seconds=5))  # the start goes out at once: nobody listens
        assert await publish_activities(env.client, slug) == 1

        await service.fire(slug, "record_intent", {"intent": "Nobody hears this."}, COORDINATOR)
        await skip(env, timedelta(seconds=5))
        assert await publish_activities(env.client, slug) == 1  # dropped without asking

        hooks = Webhooks()
        with webhook_receiver(hooks) as url:
            await service.webhooks.subscribe(
                Subscription(id="crm", url=url, secret="s" * 16, events=["transition"])
            )
            await skip(env, AUDIENCE_RECHECK)
            await service.fire(slug, "record_intent", {"intent": "The CRM hears this."}, COORDINATOR)
            await skip(env, timedelta(seconds=5))

            async def received() -> list[str]:
                return [json.loads(body)["id"] for _, body in hooks.accepted()]

            delivered = await eventually(received, bool, timeout=10, interval=0.1)
        assert delivered == [f"{workflow_id(slug)}#3"]
        assert await publish_activities(env.client, slug) == 2
