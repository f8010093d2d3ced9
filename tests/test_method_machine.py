"""The engine (`states.machine`): triggers declared once, the `transitions` machine built
from them, a decision made once and applied as made, never when stale."""

from __future__ import annotations

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.states.describe import mermaid
from tests.support.method_helpers import decide, event, steps_before, taskforce_steps, walk


def test_every_trigger_name_is_declared_exactly_once() -> None:
    assert list(states.TRIGGERS) == list(states.TriggerName)
    assert tuple(states.TriggerName) == states.TRIGGER_NAMES


def test_the_machine_holds_every_declared_move_and_nothing_else() -> None:
    declared = {
        (spec.name.value, source.value, move.dest.value if move.dest else None)
        for spec in states.TRIGGERS.values()
        for move in spec.moves
        for source in move.sources
    }
    in_machine = {
        (name, source, transition.dest)
        for name, ev in states.MACHINE.events.items()
        for source, transitions in ev.transitions.items()
        for transition in transitions
    }
    assert in_machine == declared


def _before_map_domain() -> states.Decision:
    walked = walk(walks.taskforce_start(), steps_before(taskforce_steps(), "map_domain"))
    return decide(walked.coalition, "map_domain")


def test_a_decision_is_applied_as_made() -> None:
    decision = _before_map_domain()
    assert decision.allowed and decision.transition is not None
    assert decision.transition.move.dest == states.StateName.domain_mapping
    after = states.apply(decision.coalition, event("map_domain"), decision)
    assert after.state == states.StateName.domain_mapping


def test_a_stale_refusal_does_not_refuse_a_coalition_that_now_qualifies() -> None:
    fresh = states.genesis(event(states.START, walks.taskforce_start()))
    stale = decide(fresh, "map_domain")
    assert not stale.allowed
    ready = _before_map_domain().coalition
    after = states.apply(ready, event("map_domain"), stale)  # decided again for `ready`
    assert after.state == states.StateName.domain_mapping


def test_a_stale_permission_does_not_let_a_coalition_that_lacks_it_move() -> None:
    allowed = _before_map_domain()
    fresh = states.genesis(event(states.START, walks.taskforce_start()))
    try:
        states.apply(fresh, event("map_domain"), allowed)
    except states.Refused as refused:
        assert refused.reasons == list(decide(fresh, "map_domain").reasons)
    else:
        raise AssertionError("a decision made for another coalition was applied")


def test_a_decision_for_another_command_is_not_applied() -> None:
    allowed = _before_map_domain()
    try:
        states.apply(allowed.coalition, event("found"), allowed)
    except states.Refused as refused:
        assert refused.reasons == [states.machine.not_here(allowed.coalition, "found")]
    else:
        raise AssertionError("a decision for map_domain fired found")


def test_the_allowed_triggers_come_from_the_machine_in_declaration_order() -> None:
    ready = _before_map_domain().coalition
    allowed = states.allowed_triggers(ready)
    assert "map_domain" in allowed
    assert allowed == [t for t in states.TRIGGER_NAMES if t in allowed]
    assert set(allowed) <= set(states.MACHINE.get_triggers(ready.state))


def test_the_triggers_leaving_a_state_are_the_machines_own() -> None:
    for state in states.STATES:
        leaving = states.machine.leaving_triggers(state.id)
        assert leaving == set(states.MACHINE.get_triggers(state.id)), state.id


def test_the_diagram_is_drawn_by_the_library_with_every_step() -> None:
    diagram = mermaid()
    assert "\nstateDiagram-v2\n" in diagram
    for spec in states.TRIGGERS.values():
        for move in spec.moves:
            if move.dest is None:
                continue
            for source in move.sources:
                assert f"{source} --> {move.dest}: {spec.name}" in diagram, (spec.name, source)
    assert "[internal]" not in diagram  # records stay inside their state and are left out
