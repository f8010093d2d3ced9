"""Events other systems can subscribe to, their subscriptions, and the data each event type
carries (the `data` of its CloudEvent: `activities.webhooks`, declared in the OpenAPI
document's `webhooks`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal

from pydantic import Field

from lemniscate.models.events import Actor
from lemniscate.models.records import Name, Record

EventType = Literal["transition", "follow_up"]
ALL_EVENT_TYPES: tuple[EventType, ...] = ("transition", "follow_up")
# The CloudEvents `type` of each: reverse-DNS, stable, never said in another language.
CLOUD_EVENT_TYPES: Final[dict[EventType, str]] = {
    "transition": "nl.lemniscate.coalition.transition",
    "follow_up": "nl.lemniscate.coalition.follow_up",
}


class OutboundEvent(Record):
    id: str = Field(description="stable across retries: receivers drop what they have seen")
    type: EventType
    coalition_id: str
    at: datetime
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    actor: Actor | None = None
    follow_up: dict[str, Any] | None = None


class TransitionData(Record):
    """The `data` of a `nl.lemniscate.coalition.transition` event: a step was taken."""

    coalition_id: str
    trigger: str = Field(description="the step, e.g. record_intent (`start` for the first)")
    from_state: str | None = Field(description="none for the start")
    to_state: str
    actor: Actor | None = Field(description="who took the step (the authenticated key or person)")


class FollowUpData(Record):
    """The `data` of a `nl.lemniscate.coalition.follow_up` event: a follow-up came due."""

    coalition_id: str
    follow_up: dict[str, Any] = Field(
        description="kind, key, audience, due_at, message and recipients (never their addresses)"
    )


class Subscription(Record):
    id: Name = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2000)
    secret: str = Field(
        min_length=16,
        max_length=200,
        description="the Standard Webhooks signing secret, `whsec_<base64>` (older subscriptions: "
        "plain text, whose UTF-8 bytes are the key)",
    )
    # While a secret is rotated, deliveries carry a signature with each, so that receivers can
    # switch to the new one at their pace.
    previous_secret: str | None = None
    previous_until: datetime | None = None
    events: list[EventType] = Field(default_factory=lambda: list(ALL_EVENT_TYPES), min_length=1)
    created_by: str = ""

    def secrets(self, now: datetime) -> list[str]:
        """The secrets deliveries are signed with at `now`: the current one, and the previous
        one until its overlap ends."""
        if self.previous_secret and self.previous_until and now < self.previous_until:
            return [self.secret, self.previous_secret]
        return [self.secret]
