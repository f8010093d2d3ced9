"""The journal against the history: every entry must rest on something the server saw.

- Entry 1 on the start request of the first run.
- An entry made by a person or system on the accepted update whose reply names its seq
  (`Accepted.seq`), or on a signal: same trigger, actor, payload and reason.
- An entry the engine made itself (actor role `system`) on a timer that fired or an
  activity that completed just before the workflow task that made it, or on a signal
  another coalition's engine sent (a region's signal to its national coalition). Or on the
  update (signal, start) that the entry before it rests on, handled in the same workflow
  task, when the method's follow-up plan held that very step as already due on the
  coalition before it: an action added with a past due date opens its accountability item
  at once, with no timer in between.
- Each entry's time stamp is the start of the workflow task that handled its source:
  that is what `workflow.now()` returned when the entry was written.
- A run that continued as new started with journal entries of the run before (all so far,
  or that run's own): each must equal the journal's entry of the same number now.

And the other way round: an accepted update without an entry is a finding; a signal
without one is fine only if the method refuses it at that point (the workflow logged it as
refused). Findings name the entry and the history event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from lemniscate import states
from lemniscate.audit.history import Occurrence, Position, Timeline, Wakeup
from lemniscate.audit.sources import (
    Check,
    CrossCheck,
    Finding,
    Source,
    close_in_time,
    differences,
    differing_keys,
)
from lemniscate.audit.trail import Reading
from lemniscate.models.events import Role
from lemniscate.models.journal import JournalEntry
from lemniscate.states import followups


def _source(occurrence: Occurrence, detail: str) -> Source:
    kind: Literal["start", "update", "signal"] = (
        "update" if occurrence.kind == "update" else "signal" if occurrence.kind == "signal" else "start"
    )
    return Source(
        kind=kind,
        run=occurrence.position.run,
        run_id=occurrence.run_id,
        event_id=occurrence.position.event_id,
        event_time=occurrence.at,
        update_id=occurrence.update_id,
        detail=detail,
    )


class _Matcher:
    """Walks the journal once, in order, consuming history occurrences as it goes."""

    def __init__(
        self, journal: Sequence[JournalEntry], readings: Sequence[Reading], timeline: Timeline
    ) -> None:
        self.journal, self.readings, self.timeline = journal, readings, timeline
        self.result = CrossCheck()
        self.anchors: dict[int, Position] = {}
        self.consumed: set[Position] = set()
        self.updates: dict[int, Occurrence] = {}
        for occurrence in timeline.occurrences:
            if occurrence.kind == "update" and occurrence.reply is not None:
                seq = occurrence.reply.seq
                if seq in self.updates:
                    self.find(
                        "history",
                        seq,
                        f"two accepted updates reply as entry #{seq} "
                        f"({self.updates[seq].position} and "
                        f"{occurrence.position})",
                    )
                self.updates.setdefault(seq, occurrence)

    def find(self, check: Check, seq: int | None, message: str) -> None:
        self.result.findings.append(Finding(check=check, seq=seq, message=message))

    def run(self) -> CrossCheck:
        for occurrence in self.timeline.occurrences:
            if occurrence.decode_error:
                self.find(
                    "history",
                    occurrence.reply.seq if occurrence.reply else None,
                    f"{occurrence.kind} at {occurrence.position}: {occurrence.decode_error}",
                )
        self._snapshots()
        anchor = Position(0, 0)
        for entry in self.journal:
            matched = self._match(entry, anchor)
            if matched is not None:
                anchor = matched
                self.anchors[entry.seq] = matched
        self._leftovers()
        return self.result

    def _snapshots(self) -> None:
        # A run starts with the entries the run before handed on: all so far, or (in
        # segments) the ones that run recorded. Either way each must be the journal's entry
        # of the same number, as it is now.
        now = {e.seq: e.model_dump(mode="json") for e in self.journal}
        for occurrence in self.timeline.occurrences:
            if occurrence.snapshot is None:
                continue
            run = occurrence.position.run
            for entry in occurrence.snapshot:
                old, new = entry.model_dump(mode="json"), now.get(entry.seq)
                if new is None:
                    self.find(
                        "continue-as-new",
                        entry.seq,
                        f"run {run} started with this entry; the journal now has no entry #{entry.seq}",
                    )
                elif old != new:
                    fields = differing_keys(old, new)
                    self.find(
                        "continue-as-new",
                        entry.seq,
                        f"run {run} started with this entry as it was then; it differs "
                        f"from the journal now in: {', '.join(fields)}",
                    )

    def _match(self, entry: JournalEntry, anchor: Position) -> Position | None:
        event = entry.event
        if entry.seq == 1:
            return self._match_start(entry)
        if event.actor.role == Role.system:
            # The engine acts on a follow-up, or another coalition's engine tells it a fact
            # by signal (a region's signal_national arrives as the system's record_signal).
            return self._match_signal(entry, anchor, missing_is_a_finding=False) or self._match_follow_up(
                entry, anchor
            )
        update = self.updates.get(entry.seq)
        if update is not None:
            return self._match_update(entry, update, anchor)
        return self._match_signal(entry, anchor)

    def _check_time(self, entry: JournalEntry, occurrence: Occurrence) -> None:
        if not close_in_time(entry.event.at, occurrence.task_times):
            handled = ", ".join(t.isoformat() for t in occurrence.task_times) or "never"
            self.find(
                "history",
                entry.seq,
                f"stamped {entry.event.at.isoformat()}, but the "
                f"workflow task that handled its {occurrence.kind} "
                f"({occurrence.position}) started at {handled}",
            )

    def _match_start(self, entry: JournalEntry) -> Position | None:
        start = next(
            (o for o in self.timeline.occurrences if o.kind == "start" and o.position.run == 1), None
        )
        if start is None or start.request is None:
            self.find("history", entry.seq, "the first run of the history has no start request")
            return None
        self.consumed.add(start.position)
        for difference in differences(start.request, entry.event):
            self.find("history", entry.seq, f"start request: {difference}")
        self._check_time(entry, start)
        self.result.sources[entry.seq] = _source(start, "the start request of the workflow")
        return start.position

    def _match_update(self, entry: JournalEntry, update: Occurrence, anchor: Position) -> Position:
        self.consumed.add(update.position)
        assert update.request is not None and update.reply is not None  # replied, so decoded
        for difference in differences(update.request, entry.event):
            self.find("history", entry.seq, f"update {update.update_id}: {difference}")
        reply = update.reply
        if (reply.trigger, reply.from_state, reply.state, reply.round, reply.side) != (
            entry.event.trigger,
            entry.from_state,
            entry.to_state,
            entry.round,
            entry.side,
        ):
            self.find(
                "history",
                entry.seq,
                f"the update's reply says {reply.trigger}: "
                f"{reply.from_state} -> {reply.state} (round {reply.round}, {reply.side}); "
                f"the journal says {entry.event.trigger}: {entry.from_state} -> "
                f"{entry.to_state} (round {entry.round}, {entry.side})",
            )
        if update.position <= anchor:
            self.find(
                "history",
                entry.seq,
                f"its update ({update.position}) comes before the "
                "previous entry's source: the journal's order differs from the history's",
            )
        self._check_time(entry, update)
        self.result.sources[entry.seq] = _source(
            update, f"update {update.update_id}, accepted and completed as #{reply.seq}"
        )
        return update.position

    def _match_signal(
        self, entry: JournalEntry, anchor: Position, missing_is_a_finding: bool = True
    ) -> Position | None:
        for signal in self.timeline.occurrences:
            if (
                signal.kind != "signal"
                or signal.position in self.consumed
                or signal.position <= anchor
                or signal.request is None
            ):
                continue
            if not differences(signal.request, entry.event) and close_in_time(
                entry.event.at, signal.task_times
            ):
                self.consumed.add(signal.position)
                self.result.sources[entry.seq] = _source(signal, "signal external_fact")
                return signal.position
        if not missing_is_a_finding:
            return None
        self.find(
            "history",
            entry.seq,
            f"no accepted update, signal or start in the history "
            f"records {entry.event.trigger} by {entry.event.actor} at "
            f"{entry.event.at.isoformat()}",
        )
        return None

    def _match_follow_up(self, entry: JournalEntry, anchor: Position) -> Position | None:
        wakeup: Wakeup | None = next(
            (
                w
                for w in self.timeline.wakeups
                if w.position >= anchor and close_in_time(entry.event.at, w.task_times)
            ),
            None,
        )
        if wakeup is None:
            same_task = self._match_same_task(entry, anchor)
            if same_task is not None:
                return same_task
            self.find(
                "history",
                entry.seq,
                f"the engine's own {entry.event.trigger} at "
                f"{entry.event.at.isoformat()} follows no timer that fired and no activity "
                "that completed in the history",
            )
            return None
        self.result.sources[entry.seq] = Source(
            kind="follow-up",
            run=wakeup.position.run,
            run_id=self._run_id(wakeup.position.run),
            event_id=wakeup.position.event_id,
            event_time=wakeup.at,
            detail=f"{wakeup.what} (a follow-up came due)",
        )
        return wakeup.position

    def _match_same_task(self, entry: JournalEntry, anchor: Position) -> Position | None:
        """The engine's step made in the workflow task that handled the previous entry's
        source, because that input left a follow-up already due: the history holds no
        command for it, so the follow-up plan of the coalition before it must call for
        exactly this step (trigger and payload) at or before its time stamp."""
        source = next((o for o in self.timeline.occurrences if o.position == anchor), None)
        reading = self.readings[entry.seq - 1] if entry.seq <= len(self.readings) else None
        if source is None or reading is None or reading.before is None:
            return None
        if not source.accepted or not close_in_time(entry.event.at, source.task_times):
            return None
        event = entry.event
        due = [
            f
            for f in followups.plan(reading.before, event.at)
            if f.system_trigger == event.trigger
            and f.system_payload == event.payload
            and f.due_at <= event.at
        ]
        if not due:
            return None
        what = f"update {source.update_id}" if source.kind == "update" else f"the {source.kind}"
        self.result.sources[entry.seq] = Source(
            kind="follow-up",
            run=source.position.run,
            run_id=source.run_id,
            event_id=source.position.event_id,
            event_time=source.at,
            update_id=source.update_id,
            detail=f"{due[0].kind.value} already due when {what} was handled, in the same workflow task",
        )
        return anchor

    def _run_id(self, run: int) -> str:
        return next((r.run_id for r in self.timeline.runs if r.index == run), "")

    def _coalition_at(self, position: Position) -> Any:
        """The coalition after the last entry whose source precedes `position`."""
        before = [seq for seq, anchor in self.anchors.items() if anchor < position]
        if not before:
            return None
        return self.readings[max(before) - 1].after

    def _leftovers(self) -> None:
        for occurrence in self.timeline.occurrences:
            if occurrence.position in self.consumed or occurrence.kind in ("start", "snapshot"):
                continue
            request = occurrence.request
            what = (
                f"{request.trigger} by {request.actor}" if request is not None else "an undecodable request"
            )
            if occurrence.kind == "update":
                if not occurrence.completed:
                    self.result.notes.append(
                        f"Update {occurrence.update_id} ({what}, "
                        f"{occurrence.position}) was accepted but has not "
                        "completed yet."
                    )
                elif occurrence.failure is not None:
                    self.result.notes.append(
                        f"Update {occurrence.update_id} ({what}, "
                        f"{occurrence.position}) failed after acceptance: "
                        f"{occurrence.failure}. No entry expected."
                    )
                elif occurrence.reply is not None:
                    self.find(
                        "history",
                        None,
                        f"the accepted update {occurrence.update_id} "
                        f"({what}, {occurrence.position}) replied as entry "
                        f"#{occurrence.reply.seq}, which the journal does not hold",
                    )
                continue
            self._leftover_signal(occurrence, what)

    def _leftover_signal(self, signal: Occurrence, what: str) -> None:
        if signal.request is None:
            return  # already a finding: it could not be decoded
        coalition = self._coalition_at(signal.position)
        if coalition is None:
            self.find(
                "history",
                None,
                f"signal {what} at {signal.position} has no journal "
                "entry, and the coalition before it cannot be rebuilt to tell why",
            )
            return
        verdict = states.decide(coalition, signal.request)
        if verdict.allowed:
            self.find(
                "history",
                None,
                f"signal {what} at {signal.position} would have been "
                "accepted by the method, but no journal entry records it",
            )
        else:
            self.result.notes.append(
                f"Signal {what} at {signal.position} was refused by the "
                f"workflow: {' '.join(verdict.reasons)} No entry expected."
            )


def crosscheck(
    journal: Sequence[JournalEntry], readings: Sequence[Reading], timeline: Timeline
) -> CrossCheck:
    """Match every journal entry to the history, and every accepted input to the journal."""
    return _Matcher(journal, readings, timeline).run()
