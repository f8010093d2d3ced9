"""Replay and determinism of the walks: replay equals the step-by-step result, the same events
give the same coalition, histories out of order are refused; and what the machine answers
along the walks (a new pass's meeting, allowed triggers as the overview says)."""

from __future__ import annotations

from typing import Any

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import Step
from tests.support.method_helpers import city_steps, fire, refusal, taskforce_steps, walk


def _walk_of(which: str) -> tuple[dict[str, Any], list[Step]]:
    """The start and the steps of the walk named `which`."""
    if which == "taskforce":
        return walks.taskforce_start(), taskforce_steps()
    return walks.city_start(), city_steps()


@pytest.mark.parametrize("which", ["taskforce", "city"])
def test_replay_equals_the_step_by_step_result(which: str) -> None:
    start, steps = _walk_of(which)
    done = walk(start, steps)
    assert states.replay(done.events).model_dump() == done.coalition.model_dump()
    # And at every point along the way.
    c = states.genesis(done.events[0])
    for n, e in enumerate(done.events[1:], start=2):
        c = states.apply(c, e)
        assert states.replay(done.events[:n]) == c


@pytest.mark.parametrize("which", ["taskforce", "city"])
def test_the_same_events_always_give_the_same_coalition(which: str) -> None:
    start, steps = _walk_of(which)
    one, two = walk(start, steps), walk(start, steps)
    assert one.events == two.events
    assert one.coalition.model_dump() == two.coalition.model_dump()
    assert states.replay(one.events).model_dump() == states.replay(two.events).model_dump()


def test_apply_never_changes_the_coalition_it_is_given() -> None:
    done = walk(walks.taskforce_start(), taskforce_steps())
    c = states.genesis(done.events[0])
    for e in done.events[1:]:
        before = c.model_dump()
        after = states.apply(c, e)
        assert c.model_dump() == before
        c = after


def test_replay_refuses_a_history_that_does_not_start_with_start() -> None:
    done = walk(walks.taskforce_start(), walks.taskforce_to_execution())
    with pytest.raises(states.Refused) as refused:
        states.replay(done.events[1:])
    assert refused.value.reasons == ["the first event of a coalition must be 'start'."]


def test_replay_refuses_a_history_with_a_step_out_of_order() -> None:
    done = walk(walks.taskforce_start(), walks.taskforce_to_execution())
    found = next(e for e in done.events if e.trigger == "found")
    with pytest.raises(states.Refused) as refused:
        states.replay([done.events[0], found])
    assert refused.value.reasons == [
        "found is not possible in intent_and_interests; it applies in: founding."
    ]


def test_a_new_pass_needs_its_own_exploration_meeting() -> None:
    """After going back to round 1, last pass's meeting does not count for this one."""
    steps = walks.taskforce_to_execution()
    outcome_at = next(i for i, s in enumerate(steps) if s.trigger == "record_meeting_outcome")
    walked = walk(walks.taskforce_start(), steps[:outcome_at])
    c = fire(
        walked.coalition,
        "record_meeting_outcome",
        {"meeting": "M1", "outcome": {"attended": ["VNG", "Aedes"], "commitment": "none"}},
    )
    for trigger in ("return_to_round_one", "map_domain", "plan_collaboration", "prepare_exploration_meeting"):
        c = fire(c, trigger)
    assert refusal(c, "hold_exploration_meeting") == [
        "No exploration meeting is planned (plan_meeting with kind 'exploration')."
    ]


def test_allowed_triggers_agree_with_the_overview_along_both_walks() -> None:
    for start, steps in (
        (walks.taskforce_start(), walks.taskforce_to_execution()),
        (walks.city_start(), walks.city_to_execution()),
    ):
        c = walk(start, []).coalition
        for step in steps:
            assert states.allowed_triggers(c) == states.overview(c).allowed
            assert states.warnings(c) == states.overview(c).warnings
            c = fire(c, step.trigger, step.payload, step.actor)
