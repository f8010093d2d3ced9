"""Properties of the method core along the example walks (hypothesis): a record fired again
and again where it is allowed, and any walk step fired at any point by anyone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lemniscate import states
from lemniscate.examples.walks import COORDINATOR, partner_actor
from tests.support.method_helpers import AUDITOR, SYSTEM, integration, sample_payload
from tests.support.method_properties import (
    SETTINGS,
    STEP_POOL,
    STEP_TRIGGERS,
    WALKS,
    fill,
    fire_attempt,
    prefix,
)


def _where_allowed() -> dict[str, list[tuple[str, int]]]:
    """For every record trigger, the points along the walks where a coordinator may fire it."""
    found: dict[str, list[tuple[str, int]]] = {}
    for which, done in WALKS.items():
        c = states.genesis(done.events[0])
        for index, e in enumerate([None, *done.events[1:]]):
            if e is not None:
                c = states.apply(c, e)
            for trigger in states.overview(c).allowed:
                if trigger not in STEP_TRIGGERS:
                    found.setdefault(trigger, []).append((which, index))
    return found


WHERE_ALLOWED = _where_allowed()


@settings(SETTINGS, max_examples=250)
@given(trigger=st.sampled_from(sorted(WHERE_ALLOWED)), data=st.data())
def test_repeating_a_record_keeps_the_invariants(trigger: str, data: st.DataObject) -> None:
    """The same record fired again and again: limits (three options of a kind), duplicate
    names and ids, and records that may exist only once are where this goes wrong."""
    which, index = data.draw(st.sampled_from(WHERE_ALLOWED[trigger]), label="where")
    c, events = prefix(which, index)
    payload = sample_payload(
        trigger, c, data.draw(st.sampled_from([q.name for q in c.partners] or ["VNG"]), label="partner")
    )
    if data.draw(st.booleans(), label="fill"):
        payload = fill(data.draw, trigger, payload)
    for _ in range(data.draw(st.integers(2, 5), label="times")):
        c = fire_attempt(c, events, (trigger, payload, COORDINATOR))
    assert states.replay(events).model_dump() == c.model_dump()


@settings(SETTINGS, max_examples=100)
@given(which=st.sampled_from(sorted(WALKS)), data=st.data())
def test_walk_steps_fired_at_any_point_by_anyone(which: str, data: st.DataObject) -> None:
    """A step of either walk, fired too early, too late, on the other coalition or by someone
    else: refused with reasons and no change, or accepted with every invariant intact."""
    index = data.draw(st.sampled_from(range(len(WALKS[which].events))), label="where")
    c, events = prefix(which, index)
    step = data.draw(st.sampled_from(STEP_POOL), label="step")
    actor = data.draw(
        st.sampled_from(
            [step.actor, COORDINATOR, AUDITOR, SYSTEM, partner_actor("Woonbond"), integration(step.trigger)]
        ),
        label="actor",
    )
    after = fire_attempt(c, events, (step.trigger, step.payload, actor))
    assert states.replay(events).model_dump() == after.model_dump()
