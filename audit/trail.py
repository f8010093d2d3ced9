"""The journal replayed through the method: what each entry meant and why it was allowed.

Each entry is applied with `states.apply` to the coalition as it stood before it, exactly as
the workflow did. That gives, per entry, the plain-words sentence, whether it was a step or
a record, and for a step the guards of the move it took, each evaluated on the coalition
before the event: as they held at that moment. An entry the method refuses on replay, or
whose recorded states differ from the replayed ones, is a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from lemniscate import states
from lemniscate.audit.wording import sentence
from lemniscate.models.coalition import Coalition
from lemniscate.models.journal import JournalEntry
from lemniscate.states import Move, corrections

EntryKind = Literal["start", "step", "record"]


class GuardCheck(BaseModel):
    """One guard of a step, as it held on the coalition just before the step."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    held: bool
    detail: str | None = None  # the guard's own sentence when it did not hold


class CorrectedBy(BaseModel):
    """A later entry that superseded what this entry recorded (`correct_record`)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    actor: str  # who, as a reader calls them (the entry itself names the role)
    reason: str


@dataclass
class Reading:
    """One journal entry, read through the method."""

    entry: JournalEntry
    kind: EntryKind
    words: str
    guards: list[GuardCheck]
    before: Coalition | None  # None for the start
    after: Coalition | None = None  # None when the method refused it on replay
    problems: list[str] = field(default_factory=list)
    corrected_by: list[CorrectedBy] = field(default_factory=list)


def guard_checks(coalition: Coalition, trigger: str, move: Move) -> list[GuardCheck]:
    checks = []
    for guard in move.guards:
        if guard.name.startswith("playbook_gate:"):
            items = coalition.playbook.gates.get(trigger, [])
            if not items:
                continue  # the playbook gates nothing here: not a condition worth listing
            description = f"communication items the playbook {coalition.playbook.ref} requires: " + ", ".join(
                i.value.replace("_", " ") for i in items
            )
            name = "playbook gate"
        else:
            name, description = guard.name, guard.describe
        reason = guard(coalition)
        checks.append(GuardCheck(name=name, description=description, held=reason is None, detail=reason))
    return checks


def _summary(trigger: str) -> str | None:
    spec = states.TRIGGERS.get(trigger)
    return spec.summary if spec else None


def read_journal(journal: Sequence[JournalEntry]) -> list[Reading]:
    """Every entry read through the method, in order. Never raises on a bad entry: a
    refused or inconsistent entry becomes a problem of that reading."""
    readings: list[Reading] = []
    coalition: Coalition | None = None
    recorded_in: dict[tuple[str, str], Reading] = {}
    for entry in journal:
        event = entry.event
        words = sentence(event.trigger, event.payload, _summary(event.trigger))
        if coalition is None:
            reading = Reading(entry, "start", words, [], None)
            try:
                coalition = states.genesis(event)
            except states.Refused as refused:
                reading.problems.append(
                    "the method refuses this start on replay: " + " ".join(refused.reasons)
                )
            readings.append(reading)
            if coalition is not None:
                reading.after = coalition
                _compare(reading, coalition)
            continue
        move = states.chosen_move(coalition, event.trigger)
        kind: EntryKind = "step" if move is not None and move.is_step else "record"
        guards = guard_checks(coalition, event.trigger, move) if move is not None and move.is_step else []
        reading = Reading(entry, kind, words, guards, coalition)
        readings.append(reading)
        if entry.from_state != coalition.state:
            reading.problems.append(
                f"recorded as leaving {entry.from_state}, but the replayed coalition was in {coalition.state}"
            )
        try:
            after = states.apply(coalition, event)
        except states.Refused as refused:
            reading.problems.append("the method refuses this entry on replay: " + " ".join(refused.reasons))
            continue  # keep the coalition as it was: later entries are still read
        reading.after = after
        _compare(reading, after)
        _note_correction(reading, coalition, after, recorded_in)
        coalition = after
    return readings


def _note_correction(
    reading: Reading, before: Coalition, after: Coalition, recorded_in: dict[tuple[str, str], Reading]
) -> None:
    """Which entry last recorded each fact; a correction is noted on the entry it corrects
    (the original, or the correction before it) and then stands for the fact itself."""
    event = reading.entry.event
    which = (
        corrections.corrected(event.payload) if event.trigger == states.TriggerName.correct_record else None
    )
    original = recorded_in.get(which) if which is not None else None
    if original is not None:
        reason = str(event.payload.get("reason", ""))
        original.corrected_by.append(
            CorrectedBy(seq=reading.entry.seq, actor=str(event.actor), reason=reason)
        )
    for fact in corrections.recorded(event.trigger, event.payload, before, after):
        recorded_in[fact] = reading


def _compare(reading: Reading, after: Coalition) -> None:
    entry = reading.entry
    replayed = (after.state, states.current_round(after).value, states.STATE_INFO[after.state].side.value)
    recorded = (entry.to_state, entry.round, entry.side)
    if replayed != recorded:
        reading.problems.append(
            f"recorded as ending in {recorded[0]} (round {recorded[1]}, {recorded[2]}), but "
            f"the replay ends in {replayed[0]} (round {replayed[1]}, {replayed[2]})"
        )
