"""Outbound events to subscribed systems: CloudEvents signed per Standard Webhooks
(`activities.webhooks`), retried by Temporal, each with a `webhook-id` that stays the same
across retries (delivery is at least once: receivers drop an id they have seen)."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog
from temporalio import activity

from lemniscate.activities import webhooks
from lemniscate.activities.targets import TargetRefused, check_target
from lemniscate.models.outbound import OutboundEvent, Subscription
from lemniscate.states import redaction

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
            wanted = [e for e in events if e.type in subscription.events]
            try:  # again at delivery: the name may resolve elsewhere than when it was subscribed
                if wanted:
                    await asyncio.to_thread(check_target, subscription.url)
            except TargetRefused as refused:
                # Skipped, not failed: one refused target must not hold back the others.
                log.warning("event not delivered", subscription=subscription.id, reason=str(refused))
                continue
            for event in wanted:
                await asyncio.to_thread(_post, subscription, event)
        return len(subscriptions)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead to an address the target check refuses: it is an error."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(subscription: Subscription, event: OutboundEvent) -> None:
    # Shaped for the subscriber here, at the edge: what the coalition keeps to publish (and
    # carries across continue-as-new) stays as it was.
    body = webhooks.cloud_event(redaction.event_for_subscriber(event))
    keys = subscription.secrets(datetime.now(UTC))
    request = urllib.request.Request(
        subscription.url, data=body, method="POST", headers=webhooks.headers(event.id, body, keys)
    )
    # A redirect (not followed, see `_NoRedirects`) will not change on a retry either.
    webhooks.post(_OPENER, request, f"{subscription.url} refused event {event.id}", final_from=300)
    log.info("event published", subscription=subscription.id, event_id=event.id, event_type=event.type)
