"""The engine: one `transitions` machine per process, and the functions around it.

`evaluate` says whether a trigger may fire and, if not, why; `apply` is the only way a
coalition changes; `replay` rebuilds a coalition from its events. None of them touch the
clock, the network or any global state, so the same events always give the same coalition.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from transitions import EventData, Machine

from lemniscate.models.coalition import ActionStatus, Coalition
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.payloads import StartCoalition
from lemniscate.models.records import Record
from lemniscate.states import playbooks, policy
from lemniscate.states.effects import partner_from
from lemniscate.states.errors import Refused, describe_errors
from lemniscate.states.table import (
    INITIAL_STATE,
    MOVES,
    STATE_INFO,
    STATES,
    TRIGGER_NAMES,
    Move,
    Round,
    Side,
    current_round,
)
from lemniscate.states.triggers import TRIGGERS, TriggerSpec

START = "start"
M = TypeVar("M", bound=BaseModel)

# The library logs every transition; during workflow replay that would repeat history.
logging.getLogger("transitions").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Verdict:
    trigger: str
    reasons: tuple[str, ...]
    payload: Record | None = None
    forbidden: bool = False  # refused for who asked, not for what the coalition lacks

    @property
    def allowed(self) -> bool:
        return not self.reasons


class TriggerStatus(Record):
    trigger: str
    summary: str
    available_here: bool
    allowed: bool
    blockers: list[str]


class Overview(Record):
    """Where a coalition stands: what a coordinator or a query wants to see at once."""

    id: str
    name: str
    state: str
    title: str
    round: Round
    side: Side
    step: int | None
    track: str | None
    founded: bool
    final: bool
    playbook: str
    triggers: list[TriggerStatus]
    warnings: list[str]

    @property
    def allowed(self) -> list[str]:
        return [t.trigger for t in self.triggers if t.allowed]

    @property
    def blockers(self) -> dict[str, list[str]]:
        return {t.trigger: t.blockers for t in self.triggers if t.available_here and t.blockers}


class _Cursor:
    """What the machine moves: a state name and the record the effects rewrite."""

    def __init__(self, coalition: Coalition) -> None:
        self.state = coalition.state
        self.coalition = coalition


def _condition(move: Move) -> list[Any]:
    selectors = [lambda ev, s=s: s(ev.model.coalition) for s in move.when]
    guards = [lambda ev, g=g: g(ev.model.coalition) is None for g in move.guards]
    return selectors + guards


def _run_effect(ev: EventData) -> None:
    spec: TriggerSpec = TRIGGERS[ev.event.name]
    cursor: _Cursor = ev.model  # type: ignore[assignment]  # the library types models as object
    cursor.coalition = spec.effect(cursor.coalition, ev.kwargs["payload"], ev.kwargs["event"])


def _build_machine() -> Machine:
    machine = Machine(
        model=None,
        states=[s.id for s in STATES],
        initial=INITIAL_STATE,
        auto_transitions=False,
        send_event=True,
    )
    for move in MOVES:
        machine.add_transition(
            move.trigger, list(move.sources), move.dest, conditions=_condition(move), before=_run_effect
        )
    return machine


MACHINE = _build_machine()


# Looked up on every update and for every trigger of every overview: index the table once.
_MOVES_FROM: dict[tuple[str, str], list[Move]] = {}
for _move in MOVES:
    for _source in _move.sources:
        _MOVES_FROM.setdefault((_move.trigger, _source), []).append(_move)


def _moves_here(coalition: Coalition, trigger: str) -> tuple[list[Move], list[Move]]:
    """(moves of `trigger` leaving the current state, the first whose selectors hold)."""
    here = _MOVES_FROM.get((trigger, coalition.state), [])
    chosen = [m for m in here if all(select(coalition) for select in m.when)]
    return here, chosen[:1]


def _not_here(coalition: Coalition, trigger: str) -> str:
    sources = sorted(
        {s for m in MOVES if m.trigger == trigger for s in m.sources}, key=list(STATE_INFO).index
    )
    where = ", ".join(sources)
    return f"{trigger} is not possible in {coalition.state}; it applies in: {where}."


def parse_payload(trigger: str, raw: Mapping[str, Any]) -> Record:
    """Validate a trigger's JSON payload; refuses with field paths and reasons."""
    spec = TRIGGERS.get(trigger)
    if spec is None:
        raise Refused(trigger, [_unknown_trigger(trigger)])
    return _validate(spec.payload, raw, trigger)


def _validate(model: type[M], raw: Mapping[str, Any], trigger: str) -> M:
    try:
        # Through JSON, where strict mode accepts ISO dates; `default=str` lets Python
        # callers pass date objects.
        return model.model_validate_json(json.dumps(raw, default=str))
    except ValidationError as error:
        raise Refused(trigger, describe_errors(error)) from None


def _unknown_trigger(trigger: str) -> str:
    return f"there is no trigger {trigger!r}; see `lemniscate method` for the list."


def evaluate(coalition: Coalition, trigger: str, payload: Mapping[str, Any], actor: Actor) -> Verdict:
    """May `actor` fire `trigger` with `payload` now? Every reason why not, or none."""
    spec = TRIGGERS.get(trigger)
    if spec is None:
        return Verdict(trigger, (_unknown_trigger(trigger),))
    try:
        parsed = _validate(spec.payload, payload, trigger)
    except Refused as refused:
        return Verdict(trigger, tuple(refused.reasons))
    denied = policy.may_fire(actor, spec, coalition, parsed)
    if denied:
        return Verdict(trigger, tuple(denied), parsed, forbidden=True)
    here, chosen = _moves_here(coalition, trigger)
    if not chosen:
        if here:
            return Verdict(
                trigger,
                (
                    f"{trigger} does not apply to this coalition now "
                    f"(track {coalition.track}, founded {coalition.founded}).",
                ),
                parsed,
            )
        return Verdict(trigger, (_not_here(coalition, trigger),), parsed)
    blockers = [reason for guard in chosen[0].guards if (reason := guard(coalition))]
    return Verdict(trigger, (*blockers, *spec.check(coalition, parsed)), parsed)


def apply(coalition: Coalition, event: Event) -> Coalition:
    """The coalition after `event`; raises `Refused` (and changes nothing) if it may not fire."""
    verdict = evaluate(coalition, event.trigger, event.payload, event.actor)
    if not verdict.allowed:
        raise Refused(event.trigger, list(verdict.reasons))
    cursor = _Cursor(coalition)
    fired = MACHINE.events[event.trigger].trigger(cursor, payload=verdict.payload, event=event)
    if not fired:  # evaluate and the machine disagree: a bug in the table, never user error
        raise RuntimeError(f"{event.trigger} passed evaluation but the machine did not fire")
    return cursor.coalition.model_copy(update={"state": cursor.state})


def genesis(event: Event) -> Coalition:
    """The coalition a `start` event creates, in the first state of round 1."""
    if event.trigger != START:
        raise Refused(event.trigger, ["the first event of a coalition must be 'start'."])
    if event.actor.role not in (Role.coordinator, Role.integration, Role.system):
        raise Refused(START, [f"{event.actor} may not start a coalition."])
    start = _validate(StartCoalition, event.payload, START)
    try:
        playbook = playbooks.resolve(start.playbook, start.playbook_version)
    except playbooks.UnknownPlaybookError as error:
        raise Refused(START, [str(error)]) from None
    names = [q.name for q in start.partners]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise Refused(START, [f"partners: {', '.join(duplicates)} listed more than once."])
    return Coalition(
        id=start.id,
        name=start.name,
        task=start.task,
        initiators=start.initiators,
        coordinator=start.coordinator,
        coordinator_email=start.coordinator_email,
        playbook=playbook,
        state=INITIAL_STATE,
        parent=start.parent,
        partners=[partner_from(q, event.at.date()) for q in start.partners],
    )


def replay(events: Iterable[Event]) -> Coalition:
    """Rebuild a coalition from its accepted events."""
    iterator = iter(events)
    coalition = genesis(next(iterator))
    for event in iterator:
        coalition = apply(coalition, event)
    return coalition


def _warnings(c: Coalition) -> list[str]:
    found: list[str] = []
    if c.state not in ("intent_and_interests", "closed", "dissolved"):
        on_topics = {name for t in c.topics for name in t.partners}
        found += [
            f"{q.name} was interviewed but no domain topic matters to it (map_topic)."
            for q in c.partners
            if q.interview is not None and q.name not in on_topics
        ]
    agendas = {q.name: q.agenda for q in c.partners}
    for m in c.meetings:
        if m.outcome is not None:
            continue
        for name in m.invitees or list(agendas):
            found += [
                f"Meeting {m.id} ({m.kind.value}) on {m.on} collides with {name}'s "
                f"{item.kind.value.replace('_', ' ')}: {item.description}."
                for item in agendas.get(name, [])
                if item.on == m.on
            ]
    for a in c.actions:
        if a.owner is None or a.due_on is None or a.status in (ActionStatus.done, ActionStatus.cancelled):
            continue
        found += [
            f"Action {a.id} is due on {a.due_on}, {a.owner}'s "
            f"{item.kind.value.replace('_', ' ')}: {item.description}."
            for item in agendas.get(a.owner, [])
            if item.on == a.due_on
        ]
    for q in c.committed_partners():
        if q.constituency is not None and not q.constituency.complete:
            missing = [
                role
                for role, backs in (
                    ("managers", q.constituency.managers),
                    ("legal staff", q.constituency.legal_staff),
                    ("executives", q.constituency.executives),
                )
                if not backs
            ]
            found.append(f"{q.name}'s {', '.join(missing)} do not back its participation yet.")
    return found


def allowed_triggers(c: Coalition) -> list[str]:
    """The triggers whose guards hold now: what `overview(c).allowed` says, without the
    sentences, for the reply to every update."""
    allowed = []
    for trigger in TRIGGER_NAMES:
        _, chosen = _moves_here(c, trigger)
        if chosen and all(guard(c) is None for guard in chosen[0].guards):
            allowed.append(trigger)
    return allowed


def warnings(c: Coalition) -> list[str]:
    return _warnings(c)


def overview(c: Coalition) -> Overview:
    info = STATE_INFO[c.state]
    statuses = []
    for trigger in TRIGGER_NAMES:
        here, chosen = _moves_here(c, trigger)
        if chosen:
            blockers = [reason for guard in chosen[0].guards if (reason := guard(c))]
        elif here:
            blockers = [f"{trigger} does not apply on this track now."]
        else:
            blockers = [_not_here(c, trigger)]
        statuses.append(
            TriggerStatus(
                trigger=trigger,
                summary=TRIGGERS[trigger].summary,
                available_here=bool(chosen),
                allowed=not blockers,
                blockers=blockers,
            )
        )
    return Overview(
        id=c.id,
        name=c.name,
        state=c.state,
        title=info.title,
        round=current_round(c),
        side=info.side,
        step=info.step,
        track=c.track.value if c.track else None,
        founded=c.founded,
        final=info.final,
        playbook=c.playbook.ref,
        triggers=statuses,
        warnings=_warnings(c),
    )
