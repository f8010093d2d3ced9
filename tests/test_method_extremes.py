"""Extremes (hypothesis): for any sequence of triggers the method accepts, with any payload
its models accept (the first and last day of the window, the longest texts, the fullest
lists), `apply`, `followups.plan`, `at_risk`, `overview` and the reply's lists never raise.

Payloads are the example walks' own, with every day in them (and the clock) replaced by a
drawn day of the window; random payloads of every trigger are fired in
test_method_properties, and at live workflows in test_fuzz_triggers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lemniscate import states
from lemniscate.examples import walks as example_walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.models import bounds
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.models.journal import TriggerRequest
from lemniscate.states import followups
from lemniscate.states.table import EXECUTION
from tests.support.method_helpers import city_steps, taskforce_steps

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples in every run: CI fails on a finding, never on luck
)
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WALKS = {"taskforce": taskforce_steps(), "city": city_steps()}
STARTS = {"taskforce": example_walks.taskforce_start(), "city": example_walks.city_start()}

days = st.dates(bounds.EARLIEST_DAY, bounds.LATEST_DAY)
extreme_days = st.sampled_from([bounds.EARLIEST_DAY, bounds.LATEST_DAY]) | days


def _with_days(value: Any, draw: Callable[..., Any]) -> Any:
    """`value` with every ISO day in it replaced by a drawn one."""
    if isinstance(value, str) and DAY.match(value):
        return str(draw(extreme_days))
    if isinstance(value, dict):
        return {k: _with_days(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_days(v, draw) for v in value]
    return value


def _edge(day: date) -> Any:
    """A stand-in for `draw` that draws `day` every time."""
    return lambda _strategy, **_: day


def _survives(c: Coalition, at: datetime) -> None:
    """What the workflow asks of a coalition after every accepted trigger."""
    plan = followups.plan(c, at)
    for follow_up in plan:
        follow_up.deliverable(at)
    followups.at_risk(c, at, at + timedelta(days=400))
    states.overview(c)
    states.allowed_triggers(c)
    states.warnings(c)
    c.model_dump_json()


def _fire(c: Coalition, trigger: str, payload: dict[str, Any], at: datetime, actor: Any) -> Coalition:
    request = TriggerRequest(trigger=trigger, payload=payload, actor=actor)
    decision = states.decide(c, request)
    if not decision.allowed:
        return c
    after = states.apply(c, Event(trigger=trigger, payload=payload, actor=actor, at=at), decision)
    _survives(after, at)
    return after


@settings(SETTINGS, max_examples=40)
@given(which=st.sampled_from(sorted(WALKS)), data=st.data())
def test_the_walks_with_any_days_of_the_window(which: str, data: st.DataObject) -> None:
    at = datetime.combine(data.draw(days, label="start day"), time(9), tzinfo=UTC)
    start = _with_days(STARTS[which], data.draw)
    c = states.genesis(Event(trigger=states.START, payload=start, actor=COORDINATOR, at=at))
    _survives(c, at)
    steps: list[Step] = WALKS[which]
    for step in steps:
        at = min(at + timedelta(days=data.draw(st.integers(0, 400))), datetime(2100, 12, 31, tzinfo=UTC))
        c = _fire(c, step.trigger, _with_days(step.payload, data.draw), at, step.actor)


def test_the_walk_on_the_window_s_first_and_last_day_plans_its_follow_ups() -> None:
    # Every day the walk names, and its clock, on the edge: the planner adds and subtracts
    # weeks and years from these without leaving Python's dates.
    for day in (bounds.EARLIEST_DAY, bounds.LATEST_DAY):
        at = datetime.combine(day, time(9), tzinfo=UTC)
        on_the_edge = _edge(day)
        start = _with_days(STARTS["taskforce"], on_the_edge)
        c = states.genesis(Event(trigger=states.START, payload=start, actor=COORDINATOR, at=at))
        for step in example_walks.taskforce_to_execution():
            c = _fire(c, step.trigger, _with_days(step.payload, on_the_edge), at, step.actor)
        assert c.state in EXECUTION, (day, c.state)
        assert followups.plan(c, at), day
