"""Events other systems can subscribe to, and their subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from lemniscate.models.events import Actor
from lemniscate.models.records import Name, Record

EventType = Literal["transition", "follow_up"]
ALL_EVENT_TYPES: tuple[EventType, ...] = ("transition", "follow_up")


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


class Subscription(Record):
    id: Name = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2000)
    secret: str = Field(
        min_length=16, max_length=200, description="HMAC-SHA256 key for the X-Lemniscate-Signature header"
    )
    events: list[EventType] = Field(default_factory=lambda: list(ALL_EVENT_TYPES), min_length=1)
    created_by: str = ""
