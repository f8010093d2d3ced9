"""The register of webhook subscriptions for outbound events, a small workflow of its own
(`workflows.subscriptions`), read and changed through the service (`CoalitionService.webhooks`)."""

from __future__ import annotations

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from lemniscate.activities.targets import TargetRefused, check_target_async
from lemniscate.coalitions import answers
from lemniscate.coalitions.errors import CoalitionNotFound, InvalidPayload, refuse_unless_allowed
from lemniscate.coalitions.registers import Register
from lemniscate.models.events import Actor
from lemniscate.models.outbound import Subscription
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.workflows.subscriptions import SUBSCRIPTIONS_ID, SubscriptionsWorkflow


class SubscriptionRegister:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._register = Register(client, task_queue, SubscriptionsWorkflow.run, SUBSCRIPTIONS_ID)

    async def subscribe(self, subscription: Subscription) -> Subscription:
        """Register a webhook for outbound events; the register starts on first use. A target
        the worker must not call (`activities.targets`) is refused, naming the field."""
        try:
            await check_target_async(subscription.url)
        except TargetRefused as refused:
            said = Sentence(
                "field",
                "{field}: {reason}",
                field="url",
                reason=refused.args[0] if refused.args else str(refused),
            )
            raise InvalidPayload("subscribe", [said]) from None
        await self._register.start()
        return await self._register.handle().execute_update(SubscriptionsWorkflow.subscribe, subscription)

    async def subscriptions(self) -> list[Subscription]:
        return await self._register.read(SubscriptionsWorkflow.subscriptions)

    async def subscription(self, subscription_id: str) -> Subscription:
        for known in await self.subscriptions():
            if known.id == subscription_id:
                return known
        raise CoalitionNotFound(answers.no_subscription(subscription_id))

    async def unsubscribe(self, subscription_id: str, actor: Actor) -> None:
        """Remove a subscription: its own maker's, or any for a coordinator (`states.policy`)."""
        known = await self.subscription(subscription_id)
        refuse_unless_allowed("unsubscribe", policy.may_remove_subscription(actor, known))
        try:
            await self._register.handle().execute_update(SubscriptionsWorkflow.unsubscribe, subscription_id)
        except (WorkflowUpdateFailedError, RPCError):
            raise CoalitionNotFound(answers.no_subscription(subscription_id)) from None
