"""`/subscriptions`: webhooks other systems register to hear every transition and follow-up,
delivered as CloudEvents signed per Standard Webhooks (`activities.webhooks`).

Registered by api/app.py's `create_app`. A signing secret is made here (`whsec_...`) unless
the caller brings one in that form, and shown only in the answer that made it; rotating it
makes a new one and keeps signing with the old one too for `ROTATION_OVERLAP`, so that a
receiver can switch without missing a delivery.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from lemniscate.activities.webhooks import TIMESTAMP_TOLERANCE_SECONDS, is_secret, new_secret
from lemniscate.api import contract, problems
from lemniscate.api.contract import operation
from lemniscate.api.deps import Caller, ServiceFactory, json_body
from lemniscate.coalitions.errors import refuse_unless_allowed
from lemniscate.models.outbound import ALL_EVENT_TYPES, EventType, Subscription
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy

ROTATION_OVERLAP: Final = timedelta(hours=24)
_SIGNING = (
    "Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); "
    f"receivers should refuse a timestamp more than {TIMESTAMP_TOLERANCE_SECONDS // 60} minutes off. "
    "Delivery is at least once: drop a `webhook-id` you have seen."
)


class SubscriptionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2000)
    secret: str | None = Field(
        default=None,
        max_length=200,
        description="`whsec_` and the base64 of 24 to 64 random bytes; left out, one is made",
    )
    events: list[EventType] = Field(default_factory=lambda: list(ALL_EVENT_TYPES), min_length=1)


class SubscriptionOut(BaseModel):
    """A subscription as shown back: never with its secret."""

    id: str
    url: str
    events: list[EventType]
    created_by: str
    previous_secret_until: datetime | None = Field(
        default=None, description="while rotating: until when the previous secret signs too"
    )

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionOut:
        until = s.previous_until if s.previous_secret else None
        return cls(id=s.id, url=s.url, events=s.events, created_by=s.created_by, previous_secret_until=until)


class SubscriptionWithSecret(SubscriptionOut):
    secret: str = Field(description="the signing secret: shown in this answer only")


def subscription_router(service: ServiceFactory, schemas: dict[str, Any]) -> APIRouter:
    router = APIRouter()

    @router.post(
        "/subscriptions",
        status_code=201,
        description=_SIGNING,
        **operation(
            "createSubscription",
            "events",
            "Receive every transition and follow-up at a webhook",
            problems=(403,),
            body=contract.body_schema(SubscriptionBody, schemas),
        ),
    )
    async def subscribe(
        body: Annotated[SubscriptionBody, Depends(json_body(SubscriptionBody))], caller: Caller
    ) -> SubscriptionWithSecret:
        """Events are delivered from within a minute of subscribing: a coalition that found
        nobody subscribed asks again at most a minute later."""
        refuse_unless_allowed("subscribe", policy.may_manage_subscriptions(caller))
        if body.secret is not None and not is_secret(body.secret):
            said = Sentence(
                "body.secret-form", "use whsec_ and the base64 of 24 to 64 bytes, or leave it out"
            )
            raise problems.field_problem("body.secret", said)
        secret = body.secret or new_secret()
        stored = await (await service()).webhooks.subscribe(
            Subscription(
                id=body.id or uuid.uuid4().hex[:12],
                url=body.url,
                secret=secret,
                events=body.events,
                created_by=caller.id,
            )
        )
        return SubscriptionWithSecret(**SubscriptionOut.of(stored).model_dump(), secret=secret)

    @router.post(
        "/subscriptions/{subscription_id}/secret",
        **operation(
            "rotateSubscriptionSecret",
            "events",
            "Make a new signing secret; the previous one signs too for 24 hours",
            problems=(403, 404, 422),
        ),
    )
    async def rotate(subscription_id: str, caller: Caller) -> SubscriptionWithSecret:
        # Whether the caller manages subscriptions at all first, as for deleting one.
        refuse_unless_allowed("rotate", policy.may_manage_subscriptions(caller))
        known = await (await service()).webhooks.subscription(subscription_id)
        refuse_unless_allowed("rotate", policy.may_remove_subscription(caller, known))
        secret = new_secret()
        rotated = known.model_copy(
            update={
                "secret": secret,
                "previous_secret": known.secret,
                "previous_until": datetime.now(UTC) + ROTATION_OVERLAP,
            }
        )
        stored = await (await service()).webhooks.subscribe(rotated)
        return SubscriptionWithSecret(**SubscriptionOut.of(stored).model_dump(), secret=secret)

    @router.get(
        "/subscriptions",
        **operation("listSubscriptions", "events", "The registered webhooks", problems=(403,)),
    )
    async def list_subscriptions(caller: Caller) -> list[SubscriptionOut]:
        refuse_unless_allowed("subscriptions", policy.may_list_subscriptions(caller))
        return [SubscriptionOut.of(s) for s in await (await service()).webhooks.subscriptions()]

    @router.delete(
        "/subscriptions/{subscription_id}",
        status_code=204,
        **operation("deleteSubscription", "events", "Stop sending events to a webhook", problems=(403, 404)),
    )
    async def unsubscribe(subscription_id: str, caller: Caller) -> None:
        refuse_unless_allowed("unsubscribe", policy.may_manage_subscriptions(caller))
        await (await service()).webhooks.unsubscribe(subscription_id, caller)

    return router
