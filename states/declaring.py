"""What a trigger declaration is (`Trigger`, its `Move`s, its `Consequence`) and the words
`states.triggers` declares them in: `declare`, `step`, `move`, `stays`, partner scopes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from lemniscate.models import payloads as p
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.models.records import Record
from lemniscate.states import guards as g
from lemniscate.states import step_effects
from lemniscate.states.guards import Guard
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T

P = TypeVar("P", bound=Record)
Effect = Callable[[Coalition, P, Event], Coalition]
PayloadCheck = Callable[[Coalition, P], list[str]]
# Which organisation's records a payload concerns; partners may fire only for their own.
PartnerScope = Callable[[Coalition, P], str | None]
Selector = Callable[[Coalition], bool]


class Consequence(StrEnum):
    """What an accepted trigger makes the workflow do beyond the coalition itself."""

    start_region = "start_region"  # start the regional mini-alliance as its own coalition
    signal_parent = "signal_parent"  # put a region's signal on the national coalition's table


@dataclass(frozen=True)
class Move:
    """From any of `sources` to `dest` (None: stay, a record) when `when` selects this move
    and every guard holds. Selectors pick between moves of one trigger and never block."""

    sources: tuple[S, ...]
    dest: S | None
    guards: tuple[Guard, ...] = ()
    when: tuple[Selector, ...] = ()

    @property
    def is_step(self) -> bool:
        return self.dest is not None


@dataclass(frozen=True)
class Trigger(Generic[P]):
    name: T
    summary: str
    payload: type[P]
    effect: Effect[P]
    moves: tuple[Move, ...]
    check: PayloadCheck[P] | None = None
    partner_scope: PartnerScope[P] | None = None
    consequence: Consequence | None = None
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", "step" if any(m.is_step for m in self.moves) else "record")


def _sources(source: S | tuple[S, ...]) -> tuple[S, ...]:
    return (source,) if isinstance(source, S) else source


def move(source: S | tuple[S, ...], dest: S, *guards: Guard, when: tuple[Selector, ...] = ()) -> Move:
    return Move(_sources(source), dest, guards, when)


def declare(
    name: T,
    summary: str,
    payload: type[P],
    effect: Effect[P],
    *moves: Move,
    check: PayloadCheck[P] | None = None,
    partner_scope: PartnerScope[P] | None = None,
    consequence: Consequence | None = None,
) -> Trigger[P]:
    # Every move also passes the playbook's gate for this trigger (communication items the
    # pinned playbook demands first): one guard the playbook fills in, not a row per trigger.
    gate = g.playbook_gate(name)
    gated = tuple(Move(m.sources, m.dest, (*m.guards, gate), m.when) for m in moves)
    return Trigger(name, summary, payload, effect, gated, check, partner_scope, consequence)


def step(name: T, summary: str, *moves: Move) -> Trigger[p.Empty]:
    """A step without payload or effect of its own: only the state changes."""
    return declare(name, summary, p.Empty, step_effects.no_change, *moves)


def stays(sources: tuple[S, ...]) -> Move:
    """The move of a record: from any of `sources`, staying where it is."""
    return Move(sources, None)


def the_partner(c: Coalition, x: Any) -> str | None:
    return str(x.partner)


def the_action_owner(c: Coalition, x: Any) -> str | None:
    action = c.action(x.action)
    return action.owner if action is not None else None
