"""One durable workflow per coalition: it holds the method's state and applies events.

Thin and deterministic: every decision is made by the pure method core (`states`), every
side effect by an activity. Triggers arrive as updates whose validator refuses, before
anything reaches the history, what the method would refuse.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TemporalError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from lemniscate import states
    from lemniscate.activities.notify import CHANNELS, Notification
    from lemniscate.cluster import search_attributes as sa
    from lemniscate.models import chain
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.events import Event, Role
    from lemniscate.models.journal import (
        CoalitionSnapshot,
        CoalitionStatus,
        FollowUpRecord,
        JournalEntry,
        TriggerRequest,
        pack_journal,
    )
    from lemniscate.models.outbound import OutboundEvent
    from lemniscate.states import followups
    from lemniscate.workflows.io import (
        SYSTEM,
        WORKFLOW_NAME,
        Accepted,
        CoalitionInput,
        CoalitionView,
        refusal,
        workflow_id,
    )
    from lemniscate.workflows.log import workflow_logger


PUBLISH_AFTER = timedelta(seconds=1)
# How long "nobody has subscribed" is believed before the next batch asks again: the longest
# a new subscription waits for a busy coalition's events.
AUDIENCE_RECHECK = timedelta(minutes=1)

# Changes to what a run does, kept out of runs that started before them (see
# tests/refresh_histories.py): the night candle lit at the delivery time; outbound events
# published as soon as they happen (the start too, before any next step) and dropped while
# nobody has subscribed.
NIGHT_CANDLE_AT_DELIVERY_TIME = "night-candle-at-delivery-time"
PUBLISH_AT_ONCE_TO_AN_AUDIENCE = "publish-at-once-to-an-audience"


@workflow.defn(name=WORKFLOW_NAME)
class CoalitionWorkflow:
    @workflow.init
    def __init__(self, input: CoalitionInput) -> None:
        if input.snapshot is not None:
            snapshot = input.snapshot
        elif input.start is not None:
            start = input.start
            event = Event(
                trigger=states.START,
                payload=start.payload,
                actor=start.actor,
                at=workflow.now(),
                reason=start.reason,
            )
            coalition = states.genesis(event)
            entry = _entry(1, event, None, coalition, previous=None)
            snapshot = CoalitionSnapshot(coalition=coalition, journal=[entry], last_activity_at=event.at)
        else:
            raise ApplicationError("a coalition starts from a request or a snapshot", non_retryable=True)
        self._coalition = snapshot.coalition
        self._journal = snapshot.entries()
        self._last_activity_at = snapshot.last_activity_at
        self._sent = list(snapshot.sent_follow_ups)
        self._sent_keys = {f.key for f in self._sent}
        self._refused_signals: list[str] = list(snapshot.refused_signals)
        self._failed_notifications: list[str] = list(snapshot.failed_notifications)
        self._deliveries: set[asyncio.Task[None]] = set()
        # Accepted facts whose consequences reach other workflows, sent from the run loop.
        self._outbox: list[TriggerRequest] = list(snapshot.outbox)
        self._unpublished: list[OutboundEvent] = list(snapshot.unpublished)
        if input.start is not None:
            self._unpublished.append(_transition_event(self._journal[0]))
        self._changed = False
        self._publishing = False
        self._ending = False
        # One timer for the earliest follow-up, replaced only when that moves earlier: each
        # update moves the night candle later, and a timer per update would double the
        # history for nothing.
        self._alarm: asyncio.Task[None] | None = None
        self._alarm_at: datetime | None = None
        self._indexed: tuple[object, ...] = ()
        self._exact_night_candle = not workflow.patched(NIGHT_CANDLE_AT_DELIVERY_TIME)
        self._lean_publishing = workflow.patched(PUBLISH_AT_ONCE_TO_AN_AUDIENCE)
        self._unheard_until: datetime | None = None  # nobody subscribed, as of a moment ago
        self._planned_for: tuple[Coalition, datetime, list[followups.FollowUp]] | None = None
        self._log = workflow_logger(self._coalition.id, lambda: self._coalition.state)

    @workflow.run
    async def run(self, input: CoalitionInput) -> CoalitionView:
        while True:
            self._upsert_search_attributes()
            if states.STATE_INFO[self._coalition.state].final:
                break
            info = workflow.info()
            if (
                info.is_continue_as_new_suggested()
                or info.get_current_history_length() >= input.history_limit
            ):
                await self._quiesce()
                self._log.info(
                    "continuing as new",
                    journal_length=len(self._journal),
                    history_length=workflow.info().get_current_history_length(),
                )
                workflow.continue_as_new(
                    CoalitionInput(snapshot=self._snapshot(), history_limit=input.history_limit)
                )
            if self._lean_publishing:
                self._publish()
            self._set_alarm(self._next_follow_up_at())
            self._changed = False
            await workflow.wait_condition(
                lambda: self._changed or (self._alarm is not None and self._alarm.done())
            )
            await self._flush_outbox()
            self._deliver_due_follow_ups()
            if not self._lean_publishing:
                self._publish()
        await self._quiesce()
        self._log.info("coalition finished")
        return self._view()

    # Triggers --------------------------------------------------------------------------

    @workflow.update(name="fire")
    def fire(self, request: TriggerRequest) -> Accepted:
        entry = self._accept(request)
        return Accepted(
            seq=entry.seq,
            trigger=entry.event.trigger,
            from_state=entry.from_state,
            state=entry.to_state,
            round=entry.round,
            side=entry.side,
            allowed=states.allowed_triggers(self._coalition),
            warnings=states.warnings(self._coalition),
        )

    @fire.validator
    def _validate_fire(self, request: TriggerRequest) -> None:
        if request.actor.role == Role.system:
            raise refusal(
                request.trigger, ["the system role is reserved for the engine itself."], forbidden=True
            )
        verdict = states.evaluate(self._coalition, request.trigger, request.payload, request.actor)
        if not verdict.allowed:
            raise refusal(request.trigger, verdict.reasons, verdict.forbidden)

    @workflow.signal(name="external_fact")
    def external_fact(self, request: TriggerRequest) -> None:
        """A fact from another system that needs no answer; refused ones are only kept
        as a note, since a signal cannot be rejected."""
        try:
            self._accept(request)
        except ApplicationError as refused:
            self._refused_signals.append(refused.message)
            self._log.warning("signal refused", trigger=request.trigger, reason=refused.message)

    # Queries -----------------------------------------------------------------------------

    @workflow.query(name="view")
    def view(self) -> CoalitionView:
        return self._view()

    @workflow.query(name="journal")
    def journal(self, since: int = 0) -> list[JournalEntry]:
        return [e for e in self._journal if e.seq > since]

    @workflow.query(name="follow_ups")
    def follow_ups(self) -> list[followups.FollowUp]:
        """Pending follow-ups, earliest first."""
        return [f for f in self._plan() if f.key not in self._sent_keys]

    @workflow.query(name="delivered_follow_ups")
    def delivered_follow_ups(self) -> list[FollowUpRecord]:
        return list(self._sent)

    # Internals ---------------------------------------------------------------------------

    def _accept(self, request: TriggerRequest) -> JournalEntry:
        event = Event(
            trigger=request.trigger,
            payload=request.payload,
            actor=request.actor,
            at=workflow.now(),
            reason=request.reason,
        )
        before = self._coalition
        try:
            after = states.apply(before, event)
        except states.Refused as refused:
            # The validator passed moments ago; only a signal can get here.
            raise refusal(request.trigger, refused.reasons) from None
        self._coalition = after
        entry = _entry(
            len(self._journal) + 1,
            event,
            before.state,
            after,
            previous=self._journal[-1] if self._journal else None,
        )
        self._journal.append(entry)
        self._unpublished.append(_transition_event(entry))
        if request.actor.role != Role.system:
            self._last_activity_at = event.at
        if request.trigger in ("spawn_region", "signal_national"):
            self._outbox.append(request)
            self._changed = True
        self._changed = True
        update = workflow.current_update_info()
        self._log.info(
            "trigger accepted",
            trigger=request.trigger,
            actor=str(request.actor),
            from_state=before.state,
            update_id=update.id if update else None,
        )
        return entry

    def _plan(self) -> list[followups.FollowUp]:
        # A wake-up asks three times (alarm, index, deliveries); the facts are immutable, so
        # the plan changes only with the coalition or the last activity.
        c, last_activity_at = self._coalition, self._last_activity_at
        cached = self._planned_for
        if cached is None or cached[0] is not c or cached[1] != last_activity_at:
            cached = self._planned_for = (
                c,
                last_activity_at,
                followups.plan(c, last_activity_at, exact_night_candle=self._exact_night_candle),
            )
        return cached[2]

    def _set_alarm(self, due: datetime | None) -> None:
        if self._alarm is not None and self._alarm.done():
            self._alarm = None  # it rang: a rung alarm must not wake the loop again
        alarm_pending = self._alarm is not None
        if due is None or (alarm_pending and self._alarm_at is not None and due >= self._alarm_at):
            return  # the pending alarm rings first; waking early costs only a look
        if self._alarm is not None:
            self._alarm.cancel()
        self._alarm_at = due
        self._alarm = asyncio.ensure_future(workflow.sleep(max(due - workflow.now(), timedelta(seconds=1))))

    def _next_follow_up_at(self) -> datetime | None:
        now = workflow.now()
        upcoming = [
            f.due_at
            for f in self._plan()
            if f.key not in self._sent_keys and (f.expires_at is None or f.expires_at > now)
        ]
        return min(upcoming, default=None)

    async def _quiesce(self) -> None:
        """Let in-flight handlers and deliveries finish before completing or continuing."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._ending = True
        await self._flush_outbox()
        self._publish()
        await workflow.wait_condition(lambda: not self._deliveries)

    def _publish(self) -> None:
        """Hand what happened to subscribed systems, a second's worth in one batch."""
        if not self._unpublished or self._publishing:
            return
        if self._unheard_until is not None and workflow.now() < self._unheard_until:
            # Nobody had subscribed a moment ago. What happened is in the journal; asking
            # again with an activity per step would double what a step costs.
            self._unpublished = []
            return
        self._publishing = True
        self._in_background(self._publish_soon())

    async def _publish_soon(self) -> None:
        # A burst of triggers becomes one activity rather than one per trigger; when the
        # run is about to end there is no more waiting.
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._ending, timeout=PUBLISH_AFTER)
        batch, self._unpublished = self._unpublished, []
        self._publishing = False
        subscriptions = await self._deliver("publish_events", batch, batch[0].id)
        if self._lean_publishing and subscriptions == 0:
            self._unheard_until = workflow.now() + AUDIENCE_RECHECK

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        # A slow receiver must not hold back the next follow-up or trigger.
        task = asyncio.ensure_future(work)
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, activity: str, argument: object, what: str) -> object:
        """The activity's result, or None once it has failed for good."""
        try:
            return await workflow.execute_activity(
                activity,
                argument,
                start_to_close_timeout=timedelta(minutes=1),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=10),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(hours=1),
                    maximum_attempts=12,
                ),
            )
        except ActivityError as error:
            # A bad target ends as a visible failure, never a stuck coalition.
            cause = error.cause.message if isinstance(error.cause, ApplicationError) else error
            self._failed_notifications.append(f"{workflow.now():%Y-%m-%d %H:%M} {activity} {what}: {cause}")
            self._log.warning("delivery failed", activity=activity, what=what, error=str(cause))
            return None

    async def _flush_outbox(self) -> None:
        while self._outbox:
            request = self._outbox[0]
            try:
                if request.trigger == "spawn_region":
                    await self._start_region(request)
                else:
                    await self._signal_national(request)
            except TemporalError as error:
                note = f"{workflow.now():%Y-%m-%d %H:%M} {request.trigger}: {error}"
                self._failed_notifications.append(note)
                self._log.warning("outbox delivery failed", trigger=request.trigger, error=str(error))
            self._outbox.pop(0)

    async def _start_region(self, request: TriggerRequest) -> None:
        region = {**request.payload["region"], "parent": self._coalition.id}
        start = TriggerRequest(
            trigger=states.START, payload=region, actor=request.actor, reason=request.reason
        )
        await workflow.start_child_workflow(
            CoalitionWorkflow.run,
            CoalitionInput(start=start),
            id=workflow_id(region["id"]),
            # The region has its own life: it outlives a national coalition that closes.
            parent_close_policy=ParentClosePolicy.ABANDON,
        )

    async def _signal_national(self, request: TriggerRequest) -> None:
        assert self._coalition.parent is not None  # checked when signal_national was accepted
        fact = TriggerRequest(
            trigger="record_signal",
            actor=SYSTEM,
            reason=request.reason,
            payload={
                "region": self._coalition.name,
                "kind": request.payload["kind"],
                "description": request.payload["description"],
                "from_coalition": self._coalition.id,
            },
        )
        await workflow.get_external_workflow_handle(workflow_id(self._coalition.parent)).signal(
            "external_fact", fact
        )

    def _deliver_due_follow_ups(self) -> None:
        now = workflow.now()
        for follow_up in self._plan():
            if follow_up.key in self._sent_keys or not follow_up.deliverable(now):
                continue
            self._sent_keys.add(follow_up.key)
            self._sent.append(
                FollowUpRecord(
                    key=follow_up.key, kind=follow_up.kind.value, at=now, message=follow_up.message
                )
            )
            self._log.info("follow-up due", kind=follow_up.kind.value, key=follow_up.key)
            if follow_up.system_trigger is not None:
                self._fire_as_system(follow_up.system_trigger, follow_up.system_payload)
            notification = Notification(
                coalition_id=self._coalition.id,
                coalition_name=self._coalition.name,
                workflow_id=workflow.info().workflow_id,
                follow_up=follow_up,
            )
            self._in_background(self._notify(notification))
            self._unpublished.append(
                OutboundEvent(
                    id=notification.delivery_id,
                    type="follow_up",
                    coalition_id=self._coalition.id,
                    at=now,
                    follow_up=follow_up.model_dump(mode="json"),
                )
            )

    async def _notify(self, notification: Notification) -> None:
        for channel in CHANNELS:
            await self._deliver(channel.__name__, notification, notification.follow_up.key)

    def _fire_as_system(self, trigger: str, payload: dict[str, object]) -> None:
        request = TriggerRequest(trigger=trigger, payload=payload, actor=SYSTEM, reason="follow-up came due")
        if states.evaluate(self._coalition, trigger, payload, SYSTEM).allowed:
            self._accept(request)

    def _status(self) -> CoalitionStatus:
        return CoalitionStatus(
            last_activity_at=self._last_activity_at,
            at_risk=followups.at_risk(
                self._coalition,
                self._last_activity_at,
                workflow.now(),
                exact_night_candle=self._exact_night_candle,
            ),
            next_follow_up_at=self._next_follow_up_at(),
            journal_length=len(self._journal),
            follow_ups_sent=len(self._sent),
        )

    def _view(self) -> CoalitionView:
        return CoalitionView(
            coalition=self._coalition,
            overview=states.overview(self._coalition),
            status=self._status(),
            refused_signals=self._refused_signals,
            failed_notifications=self._failed_notifications,
        )

    def _snapshot(self) -> CoalitionSnapshot:
        return CoalitionSnapshot(
            coalition=self._coalition,
            packed_journal=pack_journal(self._journal),
            last_activity_at=self._last_activity_at,
            sent_follow_ups=self._sent,
            failed_notifications=self._failed_notifications,
            refused_signals=self._refused_signals,
            outbox=self._outbox,
            unpublished=self._unpublished,
        )

    def _upsert_search_attributes(self) -> None:
        """Keep what programme offices filter on current; unchanged values cost no event."""
        c = self._coalition
        status = self._status()
        values = (
            c.state,
            states.current_round(c).value,
            states.STATE_INFO[c.state].side.value,
            c.task.programme,
            c.playbook.ref,
            tuple(c.organisations()),
            status.at_risk,
            status.next_follow_up_at,
        )
        if values == self._indexed:
            return
        self._indexed = values
        workflow.upsert_search_attributes(
            [
                sa.STATE.value_set(c.state),
                sa.ROUND.value_set(values[1]),
                sa.SIDE.value_set(values[2]),
                sa.PROGRAMME.value_set(c.task.programme) if c.task.programme else sa.PROGRAMME.value_unset(),
                sa.PLAYBOOK.value_set(c.playbook.ref),
                sa.ORGANISATIONS.value_set(c.organisations()),
                sa.AT_RISK.value_set(status.at_risk),
                sa.NEXT_FOLLOW_UP.value_set(status.next_follow_up_at)
                if status.next_follow_up_at
                else sa.NEXT_FOLLOW_UP.value_unset(),
            ]
        )


def _transition_event(entry: JournalEntry) -> OutboundEvent:
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


def _entry(
    seq: int, event: Event, from_state: str | None, after: Coalition, previous: JournalEntry | None
) -> JournalEntry:
    """The journal entry for `event`, sealed into the hash chain after `previous`.

    Only computes (hashlib over canonical JSON, see `audit.chain`): no commands, so histories
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
