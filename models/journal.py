"""What crosses the boundary between people or systems and a coalition's workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from models.coalition import Coalition
from models.events import Actor, Event
from models.outbound import OutboundEvent
from models.records import Name, Record, Text


class TriggerRequest(Record):
    """Somebody asks to fire a trigger. The workflow stamps the time; nobody else does."""

    trigger: Name
    payload: dict[str, Any] = Field(default_factory=dict)
    actor: Actor
    reason: Text | None = None


class JournalEntry(Record):
    """One accepted change, in order, with the states before and after."""

    seq: int = Field(ge=1)
    event: Event
    from_state: str | None
    to_state: str
    round: str
    side: str
    # Tamper evidence (see audit.chain): `hash` is sha256 over the canonical JSON of this
    # entry without `hash`, `prev_hash` the previous entry's hash (a fixed genesis value for
    # the first). Optional only so snapshots carried from before the chain still load.
    prev_hash: str | None = None
    hash: str | None = None


class FollowUpRecord(Record):
    """A follow-up that was delivered: never delivered twice."""

    key: str
    kind: str
    at: datetime
    message: str


class CoalitionStatus(Record):
    """What the workflow knows beyond the method: activity and follow-ups."""

    last_activity_at: datetime
    at_risk: bool
    next_follow_up_at: datetime | None
    journal_length: int
    follow_ups_sent: int


class CoalitionSnapshot(Record):
    """Everything a coalition's workflow carries across continue-as-new."""

    coalition: Coalition
    journal: list[JournalEntry]
    last_activity_at: datetime
    sent_follow_ups: list[FollowUpRecord] = Field(default_factory=list)
    failed_notifications: list[str] = Field(default_factory=list)
    refused_signals: list[str] = Field(default_factory=list)
    outbox: list[TriggerRequest] = Field(default_factory=list)
    unpublished: list[OutboundEvent] = Field(default_factory=list)
