"""Everything one run of a coalition workflow holds, as one record: what it starts from
(a start request or the snapshot of the run before) and what it hands to the next run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, PrivateAttr
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from lemniscate import states
    from lemniscate.models import bounds, chain, idempotency
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.events import Event, Role
    from lemniscate.models.journal import (
        Accepted,
        ChannelOutcome,
        CoalitionSnapshot,
        FollowUpRecord,
        JournalEntry,
        Remembered,
        TriggerRequest,
        pack_journal,
    )
    from lemniscate.models.outbound import OutboundEvent
    from lemniscate.states.followup_model import FollowUp
    from lemniscate.workflows.budget import Budget
    from lemniscate.workflows.io import CoalitionInput


# Notes of refused signals and failed notifications a snapshot keeps: the latest.
KEPT_NOTES = 50

# The snapshot's own fields, carried as they are; the journal travels packed.
_CARRIED = tuple(name for name in CoalitionSnapshot.model_fields if name not in ("journal", "packed_journal"))


class RunState(CoalitionSnapshot):
    """A run's record: the continue-as-new snapshot itself, changed in place while the run
    lasts, with the journal unpacked in `journal` and packed again when it is handed on."""

    model_config = ConfigDict(frozen=False)
    _sent_keys: set[str] = PrivateAttr(default_factory=set)
    _budget: Budget = PrivateAttr()
    _own_from: int = PrivateAttr(default=0)  # where this run's own journal entries begin

    def model_post_init(self, context: Any, /) -> None:
        self._sent_keys = {f.key for f in self.sent_follow_ups}
        self._budget = Budget(self.coalition)

    @property
    def budget(self) -> Budget:
        return self._budget

    @property
    def sent_keys(self) -> set[str]:
        return self._sent_keys

    @classmethod
    def begin(cls, input: CoalitionInput) -> RunState:
        if input.snapshot is not None:
            return cls.of(input.snapshot)
        if input.start is None:
            raise ApplicationError("a coalition starts from a request or a snapshot", non_retryable=True)
        event = stamped(input.start, trigger=states.START)
        coalition = states.genesis(event)
        entry = seal(1, event, None, coalition, previous=None)
        return cls(
            coalition=coalition,
            journal=[entry],
            last_activity_at=event.at,
            unpublished=[transition_event(entry)],
        )

    @classmethod
    def of(cls, snapshot: CoalitionSnapshot) -> RunState:
        run = cls(journal=snapshot.entries(), **{name: getattr(snapshot, name) for name in _CARRIED})
        run._own_from = len(run.journal)
        return run

    def snapshot(self, run_id: str, *, in_segments: bool) -> CoalitionSnapshot:
        """The continue-as-new input: this record, with the journal packed.

        `in_segments`, only the entries this run recorded travel on (with the last before
        them, when it recorded none, so the hash chain goes on): the earlier ones are in
        this run's own input, which `journal_continues_in` names for whoever reads them."""
        carried = {name: getattr(self, name) for name in _CARRIED}
        carried["refused_signals"] = self.refused_signals[-KEPT_NOTES:]
        carried["failed_notifications"] = self.failed_notifications[-KEPT_NOTES:]
        carried["sent_follow_ups"] = _details_bounded(self.sent_follow_ups)
        entries = self.journal
        if in_segments and len(self.journal) > self._own_from:
            entries = self.journal[self._own_from :]
            carried["journal_continues_in"] = run_id
        return CoalitionSnapshot(packed_journal=pack_journal(entries), **carried)

    @property
    def journal_length(self) -> int:
        """Entries so far, in every run: the last one's number."""
        return self.journal[-1].seq

    def record(self, event: Event, after: Coalition, payload_size: int) -> JournalEntry:
        """`event` was accepted and made `after`: journal it and queue it for subscribers."""
        before = self.coalition
        entry = seal(self.journal_length + 1, event, before.state, after, self.journal[-1])
        self.coalition = after
        self.journal.append(entry)
        self._budget.recorded(after, payload_size)
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

    def recall(self, request: TriggerRequest, now: datetime) -> Remembered | None:
        """The remembered answer to the caller's key, if the request has one still kept."""
        if request.idempotency_key is None:
            return None
        since = now - idempotency.RETENTION
        for kept in reversed(self.remembered):
            if kept.actor_id == request.actor.id and kept.key == request.idempotency_key:
                return kept if kept.at >= since else None
        return None

    def remember(self, request: TriggerRequest, reply: Accepted, now: datetime) -> None:
        """Keep the reply to a keyed request, for `RETENTION` and the last `MAX_REMEMBERED`.
        State only, no commands: runs recorded before it replay unchanged."""
        if request.idempotency_key is None:
            return
        since = now - idempotency.RETENTION
        kept = [
            r
            for r in self.remembered
            if r.at >= since and (r.actor_id, r.key) != (request.actor.id, request.idempotency_key)
        ]
        kept.append(
            Remembered(
                actor_id=request.actor.id,
                key=request.idempotency_key,
                fingerprint=idempotency.fingerprint(request),
                at=now,
                reply=reply,
            )
        )
        self.remembered = kept[-idempotency.MAX_REMEMBERED :]

    def mark_sent(self, follow_up: FollowUp, at: datetime) -> None:
        self.sent_keys.add(follow_up.key)
        self.sent_follow_ups.append(
            FollowUpRecord(
                key=follow_up.key,
                kind=follow_up.kind.value,
                at=at,
                message=follow_up.message,
                due_at=follow_up.due_at,
                audience=follow_up.audience.value,
                recipients=follow_up.recipients[: bounds.RECIPIENTS_KEPT],
            )
        )

    def took(self, key: str, channel: str, outcome: str, at: datetime) -> None:
        """How `channel` took the delivered follow-up `key`. State only, no commands: the
        activities ran before this was recorded too, so older histories replay unchanged."""
        for index in range(len(self.sent_follow_ups) - 1, -1, -1):
            record = self.sent_follow_ups[index]
            if record.key == key:
                taken = [*record.channels, ChannelOutcome(channel=channel, outcome=outcome, at=at)]
                self.sent_follow_ups[index] = record.model_copy(update={"channels": taken})
                return


def _details_bounded(records: list[FollowUpRecord]) -> list[FollowUpRecord]:
    """Every delivered record, the older ones past `DELIVERY_DETAILS_KEPT` without their
    recipients and channels (their keys are what keeps them from being delivered again)."""
    cut = len(records) - bounds.DELIVERY_DETAILS_KEPT
    return [
        r.model_copy(update={"recipients": [], "channels": []})
        if i < cut and (r.recipients or r.channels)
        else r
        for i, r in enumerate(records)
    ]


def stamped(request: TriggerRequest, trigger: str | None = None) -> Event:
    """The event `request` becomes, at the workflow's time: nobody else stamps it."""
    return Event(
        trigger=trigger or request.trigger,
        payload=request.payload,
        actor=request.actor,
        at=workflow.now(),
        reason=request.reason,
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
