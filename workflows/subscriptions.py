"""The durable register of webhook subscriptions: one entity workflow, so subscriptions
live in Temporal with everything else and need no database of their own."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from lemniscate.models.outbound import Subscription

SUBSCRIPTIONS_WORKFLOW = "Subscriptions"
SUBSCRIPTIONS_ID = "lemniscate/subscriptions"
UNKNOWN = "UnknownSubscription"


@workflow.defn(name=SUBSCRIPTIONS_WORKFLOW)
class SubscriptionsWorkflow:
    @workflow.init
    def __init__(self, subscriptions: list[Subscription]) -> None:
        self._subscriptions = {s.id: s for s in subscriptions}

    @workflow.run
    async def run(self, subscriptions: list[Subscription]) -> None:
        # Rarely changed, so the history grows slowly; still, never without bound.
        await workflow.wait_condition(
            lambda: workflow.info().is_continue_as_new_suggested() and workflow.all_handlers_finished()
        )
        workflow.continue_as_new(list(self._subscriptions.values()))

    @workflow.update(name="subscribe")
    def subscribe(self, subscription: Subscription) -> Subscription:
        self._subscriptions[subscription.id] = subscription
        return subscription

    @workflow.update(name="unsubscribe")
    def unsubscribe(self, subscription_id: str) -> None:
        del self._subscriptions[subscription_id]

    @unsubscribe.validator
    def _known(self, subscription_id: str) -> None:
        if subscription_id not in self._subscriptions:
            raise ApplicationError(f"there is no subscription {subscription_id!r}", type=UNKNOWN)

    @workflow.query(name="subscriptions")
    def subscriptions(self) -> list[Subscription]:
        return list(self._subscriptions.values())
