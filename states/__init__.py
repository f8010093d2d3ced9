"""The method as a state machine: states, guarded transitions, playbooks.

Public API (everything else is internal):
- `evaluate(coalition, trigger, payload, actor) -> Verdict`: may it fire now, and if not why.
- `apply(coalition, event) -> Coalition`: the only way a coalition changes; raises `Refused`.
- `genesis(start_event) -> Coalition` and `replay(events) -> Coalition`.
- `overview(coalition) -> Overview`: state, round, side, allowed triggers, blockers, warnings.
- `STATES`, `MOVES`, `TRIGGERS`: the declarative table, for documentation and tools.
"""

from lemniscate.states.errors import Refused, describe_errors
from lemniscate.states.machine import (
    START,
    Overview,
    TriggerStatus,
    Verdict,
    allowed_triggers,
    apply,
    evaluate,
    genesis,
    overview,
    parse_payload,
    replay,
    warnings,
)
from lemniscate.states.table import MOVES, STATE_INFO, STATES, TRIGGER_NAMES, Round, Side, current_round
from lemniscate.states.triggers import TRIGGERS

__all__ = [
    "MOVES",
    "START",
    "STATES",
    "STATE_INFO",
    "TRIGGERS",
    "TRIGGER_NAMES",
    "Overview",
    "Refused",
    "Round",
    "Side",
    "TriggerStatus",
    "Verdict",
    "allowed_triggers",
    "apply",
    "current_round",
    "describe_errors",
    "evaluate",
    "genesis",
    "overview",
    "parse_payload",
    "replay",
    "warnings",
]
