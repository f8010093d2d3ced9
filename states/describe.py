"""The machine described for people and tools: as data, and as a Mermaid diagram."""

from __future__ import annotations

from typing import Any

from transitions.extensions.diagrams import GraphMachine

from lemniscate.models.payloads import StartCoalition
from lemniscate.states.declaring import Move
from lemniscate.states.names import START
from lemniscate.states.table import INITIAL_STATE, STATES
from lemniscate.states.triggers import TRIGGERS


def _guard_names(move: Move) -> list[str]:
    # Every move passes its playbook gate; naming it on each edge says nothing.
    return [g.name for g in move.guards if not g.name.startswith("playbook_gate:")]


def method_description() -> dict[str, Any]:
    """States with round and side; triggers with their moves, guards and payload schema."""
    triggers = [
        {
            "name": spec.name.value,
            "summary": spec.summary,
            "kind": spec.kind,
            "partners_may_fire": spec.partner_scope is not None,
            "moves": [
                {
                    "from": [s.value for s in m.sources],
                    "to": m.dest.value if m.dest else None,
                    "when": [s.__name__ for s in m.when],
                    "guards": [
                        {"name": g.name, "holds_when": g.describe}
                        for g in m.guards
                        if not g.name.startswith("playbook_gate:")
                    ],
                }
                for m in spec.moves
            ],
            "payload_schema": spec.payload.model_json_schema(),
        }
        for spec in TRIGGERS.values()
    ]
    return {
        "states": [
            {
                "id": s.id.value,
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


class _Diagram:
    """The model the diagram machine draws (the library binds `get_graph` onto it)."""


def mermaid() -> str:
    """A state diagram of the steps, drawn by the `transitions` library; records stay inside
    their state and are left out. Conditions are named, never called: selectors first, then
    the guards that must hold."""
    diagram = _Diagram()
    GraphMachine(
        model=diagram,
        states=[s.id.value for s in STATES],
        initial=INITIAL_STATE.value,
        transitions=[
            {
                "trigger": spec.name.value,
                "source": [s.value for s in m.sources],
                "dest": m.dest.value,
                "conditions": [s.__name__ for s in m.when] + _guard_names(m),
            }
            for spec in TRIGGERS.values()
            for m in spec.moves
            if m.dest is not None
        ],
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        # The library writes the title as the whole front matter: make it Mermaid's `title:`.
        title="title: The lemniscate, its states and steps",
    )
    drawn: str = diagram.get_graph().draw(None)  # type: ignore[attr-defined]
    return drawn if drawn.endswith("\n") else drawn + "\n"
