"""The method as a state machine: states, guarded transitions, playbooks.

Public API (everything else is internal):
- `decide(coalition, command) -> Decision`: may it fire now, and if not why; asked once.
- `apply(coalition, event, decision=None) -> Coalition`: the only way a coalition changes;
  applies the decision made for it, raises `Refused`.
- `genesis(start_event) -> Coalition` and `replay(events) -> Coalition`.
- `overview(coalition) -> Overview`: state, round, side, every trigger's status, warnings;
  `allowed_triggers` and `warnings` for the reply to every update.
- `TRIGGERS` (each trigger declared once), `STATES`, `StateName`, `TriggerName`.
- `policy`: who may do what; `Refused` and `describe_errors`: the one error shape.
"""

from lemniscate.states import policy
from lemniscate.states.declaring import Consequence, Move, Trigger
from lemniscate.states.errors import Refused, describe_errors
from lemniscate.states.genesis import genesis
from lemniscate.states.machine import (
    MACHINE,
    Command,
    Decision,
    allowed_triggers,
    apply,
    chosen_move,
    created_id,
    decide,
    final,
    replay,
)
from lemniscate.states.names import START, StateName, TriggerName
from lemniscate.states.overview import Overview, TriggerStatus, overview, warnings
from lemniscate.states.parsing import parse_payload, spec_of
from lemniscate.states.table import STATE_INFO, STATES, Round, Side, StateInfo, current_round
from lemniscate.states.triggers import TRIGGER_NAMES, TRIGGERS

__all__ = [
    "MACHINE",
    "START",
    "STATES",
    "STATE_INFO",
    "TRIGGERS",
    "TRIGGER_NAMES",
    "Command",
    "Consequence",
    "Decision",
    "Move",
    "Overview",
    "Refused",
    "Round",
    "Side",
    "StateInfo",
    "StateName",
    "Trigger",
    "TriggerName",
    "TriggerStatus",
    "allowed_triggers",
    "apply",
    "chosen_move",
    "created_id",
    "current_round",
    "decide",
    "describe_errors",
    "final",
    "genesis",
    "overview",
    "parse_payload",
    "policy",
    "replay",
    "spec_of",
    "warnings",
]
