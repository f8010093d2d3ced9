"""Outbound events to subscribed systems: signed like the follow-up webhooks, retried by
Temporal, each carrying a delivery id that stays the same across retries."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lemniscate.activities.notify import DELIVERY_HEADER, SIGNATURE_HEADER, sign
from lemniscate.models.outbound import OutboundEvent, Subscription

log = structlog.get_logger("lemniscate.publish")


Subscriptions = Callable[[], Awaitable[list[Subscription]]]


class PublishActivities:
    """`subscriptions` reads the register (the worker passes `CoalitionService.subscriptions`):
    activities sit below the workflows and do not know the register's workflow."""

    def __init__(self, subscriptions: Subscriptions) -> None:
        self._subscriptions = subscriptions

    @activity.defn(name="publish_events")
    async def publish(self, events: list[OutboundEvent]) -> int:
        """Returns how many subscriptions there are: with none, the coalition stops asking
        for a while."""
        # Asked per batch, not cached: a new subscription must see the very next event.
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
