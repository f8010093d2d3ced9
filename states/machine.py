"""The engine: one `transitions` machine built from the trigger declarations.

The machine owns the moves: which transitions leave a state, their conditions, and firing.
`decide` asks it once whether a command may fire and why not; `apply` fires the decided
transition without deciding again. None of them touch the clock, the network or any global
state, so the same events always give the same coalition.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from transitions import EventData, Machine, Transition

from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Event
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states import date_window, policy
from lemniscate.states.declaring import Move
from lemniscate.states.errors import Refused, bounded
from lemniscate.states.genesis import genesis
from lemniscate.states.parsing import spec_of, validate
from lemniscate.states.table import INITIAL_STATE, STATE_INFO, STATES
from lemniscate.states.triggers import TRIGGERS
from lemniscate.states.words import founded_word, state_word, track_word, trigger_word

# The library logs every transition; during workflow replay that would repeat history.
logging.getLogger("transitions").setLevel(logging.WARNING)


class Command(Protocol):
    """What asks for a trigger: a request from outside, or an event being replayed."""

    @property
    def trigger(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def actor(self) -> Actor: ...


class MoveTransition(Transition):
    """A transition that knows the declared move it stands for."""

    def __init__(self, *args: Any, move: Move, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.move = move


class _MethodMachine(Machine):
    transition_cls = MoveTransition


class _Cursor:
    """What the machine moves: a state name and the record the effects rewrite."""

    def __init__(self, coalition: Coalition) -> None:
        self.state = coalition.state
        self.coalition = coalition


@dataclass(frozen=True)
class Decision:
    """Whether `command` may fire on `coalition`: the parsed payload, the chosen transition,
    and every reason why not (empty when it may)."""

    command: Command
    coalition: Coalition
    reasons: tuple[str, ...]
    payload: Record | None = None
    forbidden: bool = False  # refused for who asked, not for what the coalition lacks
    transition: MoveTransition | None = None
    size: int = 0  # of the payload's JSON, for the workflow's budget of what it carries

    @property
    def trigger(self) -> str:
        return self.command.trigger

    @property
    def allowed(self) -> bool:
        return not self.reasons

    def made_for(self, coalition: Coalition, command: Command) -> bool:
        """Still valid: decided for this very coalition record and the same command."""
        return self.coalition is coalition and (
            self.command is command
            or (self.command.trigger, self.command.payload, self.command.actor)
            == (command.trigger, command.payload, command.actor)
        )


def _selected(move: Move, coalition: Coalition) -> bool:
    return all(select(coalition) for select in move.when)


def _holds(move: Move, coalition: Coalition) -> bool:
    return all(guard.check(coalition) is None for guard in move.guards)


def _blockers(move: Move, coalition: Coalition) -> list[str]:
    return [reason for guard in move.guards if (reason := guard.check(coalition))]


def _admits(ev: EventData) -> bool:
    """The one condition of every transition: firing passes the Decision, and only the
    transition it chose holds, so nothing is evaluated again."""
    decision: Decision | None = ev.kwargs.get("decision")
    return decision is not None and decision.transition is ev.transition


def _run_effect(ev: EventData) -> None:
    decision: Decision = ev.kwargs["decision"]
    cursor = cast(_Cursor, ev.model)
    spec = TRIGGERS[decision.trigger]
    cursor.coalition = spec.effect(cursor.coalition, decision.payload, ev.kwargs["event"])


def _build_machine() -> Machine:
    machine = _MethodMachine(
        model=None,
        states=[s.id.value for s in STATES],
        initial=INITIAL_STATE.value,
        auto_transitions=False,
        send_event=True,
    )
    for spec in TRIGGERS.values():
        for move in spec.moves:
            machine.add_transition(
                spec.name.value,
                [s.value for s in move.sources],
                move.dest.value if move.dest else None,
                conditions=[_admits],
                before=_run_effect,
                move=move,
            )
    return machine


MACHINE = _build_machine()


def move_here(coalition: Coalition, trigger: str) -> tuple[bool, MoveTransition | None, list[str]]:
    """(the trigger leaves the current state at all, the transition selected for this
    coalition, its guards' sentences)."""
    transitions = MACHINE.events[trigger].transitions.get(coalition.state)
    if not transitions:
        return False, None, []
    transition = _first_selected(transitions, coalition)
    return True, transition, _blockers(transition.move, coalition) if transition else []


def _first_selected(transitions: Iterable[Transition], coalition: Coalition) -> MoveTransition | None:
    """The machine's first transition whose move is selected for the coalition (whether or
    not its guards hold): the one a trigger takes from here."""
    for transition in transitions:
        move_transition = cast(MoveTransition, transition)
        if _selected(move_transition.move, coalition):
            return move_transition
    return None


@functools.cache
def _leaving(state: str) -> tuple[tuple[str, tuple[Transition, ...]], ...]:
    """The machine's triggers that leave `state`, in declaration order, with their
    transitions from there (the library's own lists, read once per state)."""
    return tuple(
        (name, tuple(found))
        for name, event in MACHINE.events.items()
        if (found := event.transitions.get(state))
    )


def chosen_move(coalition: Coalition, trigger: str) -> Move | None:
    """The declared move `trigger` takes from where `coalition` stands, as the machine
    selects it (whether or not its guards hold)."""
    _, transition, _ = move_here(coalition, trigger)
    return transition.move if transition is not None else None


@functools.cache
def _applies_in(trigger: str) -> tuple[str, ...]:
    sources = {s for m in TRIGGERS[trigger].moves for s in m.sources}
    return tuple(state_word(s.id) for s in STATES if s.id in sources)


def not_here(coalition: Coalition, trigger: str) -> str:
    return not_here_in(coalition.state, trigger)


@functools.cache
def not_here_in(state: str, trigger: str) -> str:
    return Sentence(
        "machine.not-here",
        "{step} is not possible in {state}; it applies in: {states}.",
        step=trigger_word(trigger),
        state=state_word(state),
        states=_applies_in(trigger),
    )


def not_on_this_track(coalition: Coalition, trigger: str) -> str:
    return Sentence(
        "machine.not-on-this-track",
        "{step} does not apply to this coalition now (track {track}, founded {founded}).",
        step=trigger_word(trigger),
        track=track_word(coalition.track),
        founded=founded_word(coalition.founded),
    )


def decide(coalition: Coalition, command: Command) -> Decision:
    """May `command` fire on `coalition` now? Every reason why not, or none."""
    try:
        spec = spec_of(command.trigger)
        parsed, size = validate(spec.payload, command.payload, command.trigger)
    except Refused as refused:
        return Decision(command, coalition, tuple(refused.reasons))
    denied = policy.may_fire(command.actor, spec, coalition, parsed)
    if denied:
        return Decision(command, coalition, tuple(denied), parsed, forbidden=True)
    leaves, transition, blockers = move_here(coalition, command.trigger)
    if transition is None:
        reason = not_on_this_track if leaves else not_here
        return Decision(command, coalition, (reason(coalition, command.trigger),), parsed)
    if spec.check is not None:
        blockers += spec.check(coalition, parsed)
    blockers += date_window.outside(coalition.playbook, parsed)
    # As a refusal shows them (`Refused` bounds its reasons the same way).
    reasons = tuple(bounded(blockers)) if blockers else ()
    return Decision(command, coalition, reasons, parsed, transition=transition, size=size)


def apply(coalition: Coalition, event: Event, decision: Decision | None = None) -> Coalition:
    """The coalition after `event`; raises `Refused` (and changes nothing) if it may not fire.

    A `decision` made for this coalition and this command is applied as it is; any other
    (or none) is made again, so a stale decision can never fire."""
    if decision is None or not decision.made_for(coalition, event):
        decision = decide(coalition, event)
    if not decision.allowed:
        raise Refused(event.trigger, list(decision.reasons), decision.forbidden)
    cursor = _Cursor(coalition)
    if not MACHINE.events[event.trigger].trigger(cursor, decision=decision, event=event):
        raise RuntimeError(f"{event.trigger}: the machine did not fire the decided transition")
    after = cursor.coalition
    return after if after.state == cursor.state else after.model_copy(update={"state": cursor.state})


@functools.cache
def leaving_triggers(state: str) -> frozenset[str]:
    """The triggers with a transition out of `state` (the machine's `get_triggers`)."""
    return frozenset(name for name, _ in _leaving(state))


def allowed_triggers(coalition: Coalition) -> list[str]:
    """The triggers whose guards hold now, in declaration order: one pass over the machine."""
    allowed = []
    for name, transitions in _leaving(coalition.state):
        transition = _first_selected(transitions, coalition)
        if transition is not None and _holds(transition.move, coalition):
            allowed.append(name)
    return allowed


def created_id(before: Coalition, after: Coalition) -> str | None:
    """The id of the record a trigger created (`add_action` -> A3), if it created one."""
    had = set(before.record_ids())
    return next((i for i in after.record_ids() if i not in had), None)


def replay(events: Iterable[Event]) -> Coalition:
    """Rebuild a coalition from its accepted events."""
    iterator = iter(events)
    coalition = genesis(next(iterator))
    for event in iterator:
        coalition = apply(coalition, event)
    return coalition


def final(coalition: Coalition) -> bool:
    return STATE_INFO[coalition.state].final
