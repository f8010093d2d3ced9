"""Properties of the method core under random trigger sequences (hypothesis).

From a fresh coalition or from a point along one of the example walks, fire a random mix of
walk steps (by their own or a random actor), well-formed payloads naming what the coalition
has, mutated payloads and random JSON-ish dicts. After every attempt the invariants hold.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lemniscate import states
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from tests.support.method_properties import (
    SETTINGS,
    Attempt,
    check_coalition,
    draw_attempt,
    fire_attempt,
    starting_points,
)


@pytest.mark.slow
@settings(SETTINGS, max_examples=200)
@given(start=starting_points(), data=st.data())
def test_random_trigger_sequences_keep_the_invariants(
    start: tuple[Coalition, list[Event]], data: st.DataObject
) -> None:
    c, events = start
    check_coalition(c)
    last: Attempt | None = None
    for _ in range(data.draw(st.integers(5, 25), label="attempts")):
        attempt = data.draw(st.composite(draw_attempt)(c, last), label="attempt")
        accepted = len(events)
        c = fire_attempt(c, events, attempt)
        if len(events) > accepted:
            last = attempt
    # The same events always give the same coalition.
    assert states.replay(events).model_dump() == states.replay(list(events)).model_dump() == c.model_dump()
