"""The machine described for people and tools: as data, and as a Mermaid diagram."""

from __future__ import annotations

from typing import Any

from lemniscate.models.payloads import StartCoalition
from lemniscate.states.machine import START
from lemniscate.states.table import MOVES, STATES
from lemniscate.states.triggers import TRIGGERS


def method_description() -> dict[str, Any]:
    """States with round and side; triggers with their moves, guards and payload schema."""
    triggers = []
    for name, spec in TRIGGERS.items():
        moves = [m for m in MOVES if m.trigger == name]
        triggers.append(
            {
                "name": name,
                "summary": spec.summary,
                "kind": "step" if any(m.is_step for m in moves) else "record",
                "partners_may_fire": spec.partner_scope is not None,
                "moves": [
                    {
                        "from": list(m.sources),
                        "to": m.dest,
                        "when": [s.__name__ for s in m.when],
                        "guards": [
                            {"name": g.name, "holds_when": g.describe}
                            for g in m.guards
                            if not g.name.startswith("playbook_gate:")
                        ],
                    }
                    for m in moves
                ],
                "payload_schema": spec.payload.model_json_schema(),
            }
        )
    return {
        "states": [
            {
                "id": s.id,
                "round": s.round.value,
                "side": s.side.value,
                "step": s.step,
                "title": s.title,
                "final": s.final,
            }
            for s in STATES
        ],
        "start": {"name": START, "payload_schema": StartCoalition.model_json_schema()},
        "triggers": triggers,
    }


def mermaid() -> str:
    """A state diagram of the steps (records stay inside their state and are left out)."""
    lines = ["stateDiagram-v2", f"    [*] --> {STATES[0].id}"]
    for state in STATES:
        lines.append(f"    {state.id} : {state.title} (round {state.round.value}, {state.side.value})")
    for move in MOVES:
        if not move.is_step:
            continue
        guards = [g.name for g in move.guards if not g.name.startswith("playbook_gate:")]
        when = [s.__name__.replace("_", " ") for s in move.when]
        label = move.trigger + (f" [{', '.join(when)}]" if when else "")
        if guards:
            label += f" / {', '.join(guards)}"
        lines += [f"    {source} --> {move.dest} : {label}" for source in move.sources]
    lines += [f"    {s.id} --> [*]" for s in STATES if s.final]
    return "\n".join(lines) + "\n"
