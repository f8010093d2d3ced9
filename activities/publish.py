"""Outbound events to subscribed systems: signed like the follow-up webhooks, retried by
Temporal, each carrying a delivery id that stays the same across retries."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import structlog
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from lemniscate.activities.notify import DELIVERY_HEADER, SIGNATURE_HEADER, sign
from lemniscate.models.outbound import OutboundEvent, Subscription
from lemniscate.workflows.subscriptions import SUBSCRIPTIONS_ID, SubscriptionsWorkflow

log = structlog.get_logger("lemniscate.publish")


class PublishActivities:
    def __init__(self, client: Client) -> None:
        self._client = client

    async def _subscriptions(self) -> list[Subscription]:
        # Asked per batch, not cached: a new subscription must see the very next event.
        handle = self._client.get_workflow_handle_for(SubscriptionsWorkflow.run, SUBSCRIPTIONS_ID)
        try:
            found = await handle.query(SubscriptionsWorkflow.subscriptions)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            found = []  # nobody ever subscribed
        return found

    @activity.defn(name="publish_events")
    async def publish(self, events: list[OutboundEvent]) -> int:
        """Returns how many subscriptions there are: with none, the coalition stops asking
        for a while."""
        subscriptions = await self._subscriptions()
        for subscription in subscriptions:
            for event in [e for e in events if e.type in subscription.events]:
                await asyncio.to_thread(_post, subscription, event)
        return len(subscriptions)


def _post(subscription: Subscription, event: OutboundEvent) -> None:
    body = event.model_dump_json().encode()
    request = urllib.request.Request(
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            DELIVERY_HEADER: event.id,
            SIGNATURE_HEADER: sign(body, subscription.secret),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30):
            pass
    except urllib.error.HTTPError as error:
        if 400 <= error.code < 500 and error.code not in (408, 429):
            raise ApplicationError(
                f"{subscription.url} refused event {event.id}: HTTP {error.code}", non_retryable=True
            ) from error
        raise
    log.info("event published", subscription=subscription.id, event_id=event.id, event_type=event.type)
