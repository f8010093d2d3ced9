"""One durable workflow per coalition: it holds the method's state and applies events.

Thin and deterministic: every decision is made by the pure method core (`states`), every
side effect by an activity. Triggers arrive as updates whose validator refuses, before
anything reaches the history, what the method would refuse; the handler applies what the
validator decided. The parts are small helpers: the run's record (`state`), the follow-up
alarm (`alarm`), background deliveries (`deliveries`), subscribers (`publisher`), the
consequences for other coalitions (`outbox`) and the names of its patches (`patches`).
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from lemniscate import states
    from lemniscate.activities.notify import CHANNEL_NAMES, CHANNELS, Notification
    from lemniscate.cluster import search_attributes as sa
    from lemniscate.models import idempotency
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.journal import CoalitionStatus, FollowUpRecord, JournalEntry, TriggerRequest
    from lemniscate.models.outbound import OutboundEvent
    from lemniscate.states import followup_view, followups, invitations
    from lemniscate.workflows import outbox, patches
    from lemniscate.workflows.alarm import Alarm
    from lemniscate.workflows.deliveries import Deliveries
    from lemniscate.workflows.io import (
        SYSTEM,
        WORKFLOW_NAME,
        Accepted,
        CoalitionInput,
        CoalitionView,
        FollowUpBook,
        JournalPage,
        key_reused,
        moved,
        refusal,
    )
    from lemniscate.workflows.log import workflow_logger
    from lemniscate.workflows.publisher import AUDIENCE_RECHECK, Publisher
    from lemniscate.workflows.state import RunState, stamped

__all__ = ["AUDIENCE_RECHECK", "CoalitionWorkflow"]


@workflow.defn(name=WORKFLOW_NAME)
class CoalitionWorkflow:
    @workflow.init
    def __init__(self, input: CoalitionInput) -> None:
        self._run = RunState.begin(input)
        self._log = workflow_logger(self._run.coalition.id, lambda: self._run.coalition.state)
        self._deliveries = Deliveries(self._run.failed_notifications, self._log)
        self._alarm = Alarm()
        self._changed = False
        self._ending = False
        self._decided: dict[str, states.Decision] = {}  # by update id, see _validate_fire
        self._indexed: sa.Values | None = None
        self._planned_for: tuple[Coalition, datetime, list[followups.FollowUp]] | None = None
        # Patch markers in this order, as runs recorded them.
        self._exact_night_candle = not workflow.patched(patches.NIGHT_CANDLE_AT_DELIVERY_TIME)
        self._lean_publishing = workflow.patched(patches.PUBLISH_AT_ONCE_TO_AN_AUDIENCE)
        self._publisher = Publisher(self._run, self._deliveries, lambda: self._ending, self._lean_publishing)
        self._in_segments = workflow.patched(patches.JOURNAL_IN_SEGMENTS)
        self._as_held = workflow.patched(patches.MEETINGS_AS_HELD)
        self._invitations = workflow.patched(patches.MEETING_INVITATIONS)
        self._agenda_index = workflow.patched(patches.AGENDA_INDEX)
        self._next_kind_indexed = workflow.patched(patches.PORTFOLIO_NEXT_KIND)

    @workflow.run
    async def run(self, input: CoalitionInput) -> CoalitionView:
        while True:
            self._upsert_search_attributes()
            if states.final(self._run.coalition):
                break
            info = workflow.info()
            if (
                info.is_continue_as_new_suggested()
                or info.get_current_history_length() >= input.history_limit
                or (self._in_segments and self._run.budget.segment_full)
            ):
                await self._quiesce()
                self._log.info(
                    "continuing as new",
                    journal_length=self._run.journal_length,
                    history_length=workflow.info().get_current_history_length(),
                )
                workflow.continue_as_new(
                    CoalitionInput(
                        snapshot=self._run.snapshot(info.run_id, in_segments=self._in_segments),
                        history_limit=input.history_limit,
                    )
                )
            if self._lean_publishing:
                self._publisher.publish()
            self._alarm.set(self._next_follow_up_at())
            self._changed = False
            await workflow.wait_condition(lambda: self._changed or self._alarm.rang)
            await outbox.flush(self._run, self._log)
            self._deliver_due_follow_ups()
            if not self._lean_publishing:
                self._publisher.publish()
        await self._quiesce()
        self._log.info("coalition finished")
        return self._view()

    # Triggers --------------------------------------------------------------------------

    @workflow.update(name="fire")
    def fire(self, request: TriggerRequest) -> Accepted:
        update = workflow.current_update_info()
        decided = self._decided.pop(update.id, None) if update else None
        # A retry of a keyed request from an earlier run (the server remembers update ids
        # per run only): the first reply, nothing applied again.
        kept = self._run.recall(request, workflow.now())
        if kept is not None and kept.fingerprint == idempotency.fingerprint(request):
            return kept.reply
        before = self._run.coalition
        entry = self._accept(request, decided)
        reply = Accepted(
            seq=entry.seq,
            trigger=entry.event.trigger,
            from_state=entry.from_state,
            state=entry.to_state,
            round=entry.round,
            side=entry.side,
            allowed=states.allowed_triggers(self._run.coalition),
            warnings=[
                *states.warnings(self._run.coalition),
                *followups.past_due_warnings(before, self._run.coalition, workflow.now()),
            ],
            created=states.created_id(before, self._run.coalition),
        )
        self._run.remember(request, reply, workflow.now())
        return reply

    @fire.validator
    def _validate_fire(self, request: TriggerRequest) -> None:
        if denied := states.policy.may_request(request.actor):
            raise refusal(request.trigger, denied, forbidden=True)
        kept = self._run.recall(request, workflow.now())
        if kept is not None:
            if kept.fingerprint != idempotency.fingerprint(request):
                raise key_reused(request.trigger, kept.reply.trigger)
            return  # a retry: the handler answers with the first reply
        # In the validator only, which replay does not run: histories from before If-Match
        # replay unchanged, and a request refused here leaves no trace in the history.
        current = self._run.journal_length
        if request.expected_seq is not None and request.expected_seq != current:
            raise moved(request.trigger, request.expected_seq, current, self._run.coalition.state)
        decision = states.decide(self._run.coalition, request)
        if not decision.allowed:
            raise refusal(request.trigger, decision.reasons, decision.forbidden)
        coalition = self._run.coalition
        too_large = self._run.budget.refusal(
            decision.size, lambda: states.apply(coalition, stamped(request), decision)
        )
        if too_large is not None:
            raise refusal(request.trigger, [too_large])
        # Handed to the handler, which runs next, so the method decides once. Nothing depends
        # on it: on replay no validator runs and the handler decides again, to the same end.
        update = workflow.current_update_info()
        if update is not None:
            self._decided[update.id] = decision

    @workflow.signal(name="external_fact")
    def external_fact(self, request: TriggerRequest) -> None:
        """A fact from another system that needs no answer; refused ones are only kept
        as a note, since a signal cannot be rejected."""
        try:
            self._accept(request)
        except ApplicationError as refused:
            self._run.refused_signals.append(refused.message)
            # Not the reason: its sentences can quote the payload, which encryption would hide.
            self._log.warning("signal refused", trigger=request.trigger)

    # Queries -----------------------------------------------------------------------------

    @workflow.query(name="view")
    def view(self) -> CoalitionView:
        return self._view()

    @workflow.query(name="journal")
    def journal(self, since: int = 0) -> list[JournalEntry]:
        """The entries after `since` that this run holds; `journal_page` says where the
        earlier ones are."""
        return [e for e in self._run.journal if e.seq > since]

    @workflow.query(name="journal_page")
    def journal_page(self, since: int = 0) -> JournalPage:
        held = self._run.journal
        return JournalPage(
            entries=[e for e in held if e.seq > since],
            first_seq=held[0].seq,
            continues_in=self._run.journal_continues_in,
        )

    @workflow.query(name="follow_ups")
    def follow_ups(self) -> list[followups.FollowUp]:
        """Pending follow-ups, earliest first, worded as of now (how overdue)."""
        c, now = self._run.coalition, workflow.now()
        return [followups.as_of(f, c, now) for f in self._plan() if f.key not in self._run.sent_keys]

    @workflow.query(name="follow_up_book")
    def follow_up_book(self) -> FollowUpBook:
        """Every follow-up the facts call for now, delivered or not (`follow_ups` leaves out
        the delivered: the plan tells an escalation still standing from one acted on), with
        the delivered ones' records, in one answer for the read model."""
        c, now = self._run.coalition, workflow.now()
        return FollowUpBook(
            now=now,
            plan=[followups.as_of(f, c, now) for f in self._plan()],
            delivered=list(self._run.sent_follow_ups),
        )

    @workflow.query(name="delivered_follow_ups")
    def delivered_follow_ups(self) -> list[FollowUpRecord]:
        return list(self._run.sent_follow_ups)

    # Internals ---------------------------------------------------------------------------

    def _accept(self, request: TriggerRequest, decided: states.Decision | None = None) -> JournalEntry:
        event = stamped(request)
        before = self._run.coalition
        decision = decided if decided is not None else states.decide(before, request)
        try:
            after = states.apply(before, event, decision)
        except states.Refused as refused:
            # The validator passed moments ago; only a signal can get here.
            raise refusal(request.trigger, refused.reasons) from None
        too_large = self._run.budget.refusal(decision.size, lambda: after)
        if too_large is not None:  # as above: only a signal gets here
            raise refusal(request.trigger, [too_large])
        entry = self._run.record(event, after, decision.size)
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
        c, last_activity_at = self._run.coalition, self._run.last_activity_at
        cached = self._planned_for
        if cached is None or cached[0] is not c or cached[1] != last_activity_at:
            planned = followups.plan(
                c, last_activity_at, exact_night_candle=self._exact_night_candle, as_held=self._as_held
            )
            if self._invitations and not states.final(c):
                planned = sorted(
                    [*planned, *invitations.plan(c, last_activity_at)], key=lambda f: (f.due_at, f.key)
                )
            cached = self._planned_for = (c, last_activity_at, planned)
        return cached[2]

    def _next_follow_up_at(self) -> datetime | None:
        upcoming = self._next_follow_up()
        return upcoming.due_at if upcoming else None

    def _next_follow_up(self) -> followups.FollowUp | None:
        now = workflow.now()
        upcoming = [
            f
            for f in self._plan()
            if f.key not in self._run.sent_keys and (f.expires_at is None or f.expires_at > now)
        ]
        # The soonest; of two due at once, one named the same on every replay.
        return min(upcoming, key=lambda f: (f.due_at, f.kind.value, f.key), default=None)

    async def _quiesce(self) -> None:
        """Let in-flight handlers and deliveries finish before completing or continuing."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._ending = True
        await outbox.flush(self._run, self._log)
        self._publisher.publish()
        await workflow.wait_condition(lambda: self._deliveries.idle)

    def _deliver_due_follow_ups(self) -> None:
        now = workflow.now()
        for follow_up in self._plan():
            if follow_up.key in self._run.sent_keys or not follow_up.deliverable(now):
                continue
            # Said as it is now: delivered after its day, an overdue action says how late.
            follow_up = followups.as_of(follow_up, self._run.coalition, now)
            self._run.mark_sent(follow_up, now)
            self._log.info("follow-up due", kind=follow_up.kind.value, key=follow_up.key)
            if follow_up.system_trigger is not None:
                self._fire_as_system(follow_up.system_trigger, follow_up.system_payload)
            notification = Notification(
                coalition_id=self._run.coalition.id,
                coalition_name=self._run.coalition.name,
                workflow_id=workflow.info().workflow_id,
                follow_up=follow_up,
            )
            self._deliveries.in_background(self._notify(notification))
            self._run.unpublished.append(
                OutboundEvent(
                    id=notification.delivery_id,
                    type="follow_up",
                    coalition_id=self._run.coalition.id,
                    at=now,
                    follow_up=follow_up.model_dump(mode="json"),
                )
            )

    async def _notify(self, notification: Notification) -> None:
        key = notification.follow_up.key
        for channel in CHANNELS:
            outcome = await self._deliveries.attempt(channel, notification, key)
            self._run.took(key, CHANNEL_NAMES[channel.__name__], outcome, workflow.now())

    def _fire_as_system(self, trigger: str, payload: dict[str, object]) -> None:
        request = TriggerRequest(trigger=trigger, payload=payload, actor=SYSTEM, reason="follow-up came due")
        decision = states.decide(self._run.coalition, request)
        if decision.allowed:
            self._accept(request, decision)

    def _status(self) -> CoalitionStatus:
        run = self._run
        return CoalitionStatus(
            last_activity_at=run.last_activity_at,
            at_risk=followups.at_risk(
                run.coalition,
                run.last_activity_at,
                workflow.now(),
                exact_night_candle=self._exact_night_candle,
            ),
            next_follow_up_at=self._next_follow_up_at(),
            journal_length=run.journal_length,
            follow_ups_sent=len(run.sent_follow_ups),
        )

    def _view(self) -> CoalitionView:
        return CoalitionView(
            coalition=self._run.coalition,
            overview=states.overview(self._run.coalition),
            status=self._status(),
            refused_signals=self._run.refused_signals,
            failed_notifications=self._run.failed_notifications,
        )

    def _upsert_search_attributes(self) -> None:
        """Keep what programme offices filter on current; unchanged values cost no event."""
        status = self._status()
        kind = None
        if self._next_kind_indexed:
            upcoming = self._next_follow_up()
            kind = upcoming.kind.value if upcoming else ""  # "": unset
        escalated = followup_view.standing_escalation(self._plan(), self._run.sent_keys)
        values = sa.values_of(
            self._run.coalition, status.at_risk, status.next_follow_up_at, escalated=escalated, next_kind=kind
        )
        if self._agenda_index:
            unchanged = values == self._indexed
        else:  # upsert when the run's history did; the index rides along
            unchanged = self._indexed is not None and (
                values.before_the_agenda_index() == self._indexed.before_the_agenda_index()
            )
        if unchanged:
            return
        since, self._indexed = self._indexed, values
        workflow.upsert_search_attributes(values.updates(since))
