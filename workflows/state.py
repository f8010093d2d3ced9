"""Everything one run of a coalition workflow holds, as one record: what it starts from
(a start request or the snapshot of the run before) and what it hands to the next run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from lemniscate import states
    from lemniscate.models import chain
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.events import Event, Role
    from lemniscate.models.journal import (
        CoalitionSnapshot,
        FollowUpRecord,
        JournalEntry,
        TriggerRequest,
        pack_journal,
    )
    from lemniscate.models.outbound import OutboundEvent
    from lemniscate.states.followups import FollowUp
    from lemniscate.workflows.io import CoalitionInput


@dataclass
class RunState:
    coalition: Coalition
    journal: list[JournalEntry]
    last_activity_at: datetime
    sent: list[FollowUpRecord]
    failed_notifications: list[str]
    refused_signals: list[str]
    # Accepted facts whose consequences reach other workflows, sent from the run loop.
    outbox: list[TriggerRequest]
    # What happened and has not reached subscribed systems yet.
    unpublished: list[OutboundEvent]
    sent_keys: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.sent_keys = {f.key for f in self.sent}

    @classmethod
    def begin(cls, input: CoalitionInput) -> RunState:
        if input.snapshot is not None:
            return cls.of(input.snapshot)
        if input.start is None:
            raise ApplicationError("a coalition starts from a request or a snapshot", non_retryable=True)
        start = input.start
        event = Event(
            trigger=states.START,
            payload=start.payload,
            actor=start.actor,
            at=workflow.now(),
            reason=start.reason,
        )
        coalition = states.genesis(event)
        entry = seal(1, event, None, coalition, previous=None)
        return cls(coalition, [entry], event.at, [], [], [], [], [transition_event(entry)])

    @classmethod
    def of(cls, snapshot: CoalitionSnapshot) -> RunState:
        return cls(
            snapshot.coalition,
            snapshot.entries(),
            snapshot.last_activity_at,
            list(snapshot.sent_follow_ups),
            list(snapshot.failed_notifications),
            list(snapshot.refused_signals),
            list(snapshot.outbox),
            list(snapshot.unpublished),
        )

    def snapshot(self) -> CoalitionSnapshot:
        """The continue-as-new input: this record, with the journal packed."""
        return CoalitionSnapshot(
            coalition=self.coalition,
            packed_journal=pack_journal(self.journal),
            last_activity_at=self.last_activity_at,
            sent_follow_ups=self.sent,
            failed_notifications=self.failed_notifications,
            refused_signals=self.refused_signals,
            outbox=self.outbox,
            unpublished=self.unpublished,
        )

    def record(self, event: Event, after: Coalition) -> JournalEntry:
        """`event` was accepted and made `after`: journal it and queue it for subscribers."""
        before = self.coalition
        entry = seal(len(self.journal) + 1, event, before.state, after, self.journal[-1])
        self.coalition = after
        self.journal.append(entry)
        self.unpublished.append(transition_event(entry))
        if event.actor.role != Role.system:
            self.last_activity_at = event.at
        if states.TRIGGERS[event.trigger].consequence is not None:
            self.outbox.append(
                TriggerRequest(
                    trigger=event.trigger, payload=event.payload, actor=event.actor, reason=event.reason
                )
            )
        return entry

    def mark_sent(self, follow_up: FollowUp, at: datetime) -> None:
        self.sent_keys.add(follow_up.key)
        self.sent.append(
            FollowUpRecord(key=follow_up.key, kind=follow_up.kind.value, at=at, message=follow_up.message)
        )


def transition_event(entry: JournalEntry) -> OutboundEvent:
    return OutboundEvent(
        id=f"{workflow.info().workflow_id}#{entry.seq}",
        type="transition",
        coalition_id=workflow.info().workflow_id.removeprefix("coalition/"),
        at=entry.event.at,
        trigger=entry.event.trigger,
        from_state=entry.from_state,
        to_state=entry.to_state,
        actor=entry.event.actor,
    )


def seal(
    seq: int, event: Event, from_state: str | None, after: Coalition, previous: JournalEntry | None
) -> JournalEntry:
    """The journal entry for `event`, sealed into the hash chain after `previous`.

    Only computes (hashlib over canonical JSON, see `models.chain`): no commands, so histories
    recorded before the chain replay unchanged."""
    prev_hash = (
        chain.GENESIS
        if previous is None
        else (previous.hash or chain.entry_hash(previous.model_dump(mode="json")))
    )
    entry = JournalEntry(
        seq=seq,
        event=event,
        from_state=from_state,
        to_state=after.state,
        round=states.current_round(after).value,
        side=states.STATE_INFO[after.state].side.value,
        prev_hash=prev_hash,
    )
    return entry.model_copy(update={"hash": chain.entry_hash(entry.model_dump(mode="json"))})
