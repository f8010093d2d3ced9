"""What crosses the boundary between people or systems and a coalition's workflow."""

from __future__ import annotations

import base64
import zlib
from datetime import datetime
from typing import Any

from pydantic import Field, TypeAdapter

from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Event
from lemniscate.models.outbound import OutboundEvent
from lemniscate.models.records import Name, Record, Text


class TriggerRequest(Record):
    """Somebody asks to fire a trigger. The workflow stamps the time; nobody else does."""

    trigger: Name
    payload: dict[str, Any] = Field(default_factory=dict)
    actor: Actor
    reason: Text | None = None
    # The caller's Idempotency-Key (see `models.idempotency`); None for a request sent once.
    idempotency_key: str | None = Field(default=None, max_length=200)
    # The journal length the caller saw (the API's If-Match): refused if the coalition has
    # moved on since, so two integrations cannot each decide on a state that is gone.
    expected_seq: int | None = Field(default=None, ge=1)


class Accepted(Record):
    """The reply to an accepted trigger. Small on purpose: Temporal keeps every update's
    reply in the history, and a retried request with the same key gets this same reply."""

    seq: int
    trigger: str
    from_state: str | None
    state: str
    round: str
    side: str
    allowed: list[str]
    warnings: list[str]
    # Absent from replies recorded before it was added; those still read.
    created: str | None = Field(default=None, description="the id of the record it created, e.g. A3")


class Remembered(Record):
    """A keyed request the coalition answered: whose key, the request's fingerprint, when,
    and the reply a retry gets (`models.idempotency`)."""

    actor_id: str
    key: str
    fingerprint: str
    at: datetime
    reply: Accepted


class JournalEntry(Record):
    """One accepted change, in order, with the states before and after."""

    seq: int = Field(ge=1)
    event: Event
    from_state: str | None
    to_state: str
    round: str
    side: str
    # Tamper evidence (see models.chain): `hash` is sha256 over the canonical JSON of this
    # entry without `hash`, `prev_hash` the previous entry's hash (a fixed genesis value for
    # the first). Optional only so snapshots carried from before the chain still load.
    prev_hash: str | None = None
    hash: str | None = None


class ReadEntry(JournalEntry):
    """A journal entry as a reader received it (`states.redaction`): `redacted` is true when
    confidential parts of its payload were blanked for this reader; such an entry carries no
    `hash`, since it no longer is what was sealed. Null otherwise, which the chain's hash
    leaves out, so an entry shown whole still verifies."""

    redacted: bool | None = None

    @classmethod
    def of(cls, entry: JournalEntry) -> ReadEntry:
        if isinstance(entry, ReadEntry):
            return entry
        # Fields taken as they are: the entry was validated when it was made.
        return cls.model_construct(**dict(entry))


class ChannelOutcome(Record):
    """How one channel took a delivered follow-up: `delivered`, `skipped` (the channel is
    not configured, or knows no address) or `failed` (for good, after the retries)."""

    channel: str
    outcome: str
    at: datetime


class FollowUpRecord(Record):
    """A follow-up that was delivered: never delivered twice.

    The fields after `message` were added for the follow-up read model; records delivered
    before them (and older records past `bounds.DELIVERY_DETAILS_KEPT`) lack them."""

    key: str
    kind: str
    at: datetime
    message: str
    due_at: datetime | None = None
    audience: str | None = None
    recipients: list[str] = Field(default_factory=list)
    channels: list[ChannelOutcome] = Field(default_factory=list)


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
    # The journal so far, packed (see `pack_journal`); read it with `entries()`. Snapshots
    # carried before packing hold the entries themselves in `journal`.
    packed_journal: str | None = None
    journal: list[JournalEntry] = Field(default_factory=list)
    last_activity_at: datetime
    sent_follow_ups: list[FollowUpRecord] = Field(default_factory=list)
    failed_notifications: list[str] = Field(default_factory=list)
    refused_signals: list[str] = Field(default_factory=list)
    outbox: list[TriggerRequest] = Field(default_factory=list)
    unpublished: list[OutboundEvent] = Field(default_factory=list)
    # Recent keyed requests, oldest first, bounded by `models.idempotency`.
    remembered: list[Remembered] = Field(default_factory=list)
    # The run whose input holds the journal entries before these (None: these start at the
    # first). Older entries stay in the histories of the runs that recorded them.
    journal_continues_in: str | None = None

    def entries(self) -> list[JournalEntry]:
        if self.packed_journal is None:
            return list(self.journal)
        return _JOURNAL.validate_json(zlib.decompress(base64.b64decode(self.packed_journal)))


_JOURNAL = TypeAdapter(list[JournalEntry])


def pack_journal(entries: list[JournalEntry]) -> str:
    """The journal as zlib-compressed JSON in base64: a quarter of its JSON or less.

    A coalition busy for years carries thousands of entries (some 600 bytes each) into every
    continue-as-new, and the server refuses an input over 2 MB: packed, that ceiling is
    some twelve thousand entries instead of about three thousand."""
    return base64.b64encode(zlib.compress(_JOURNAL.dump_json(entries), 6)).decode("ascii")
