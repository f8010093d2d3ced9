"""The strategies and invariants of the method's property tests (tests/test_method_properties*.py):
the walks as starting points, random attempts (walk steps, well-formed, mutated and random
payloads, by anyone), and what must hold after each."""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step, partner_actor
from lemniscate.models import coalition as cm
from lemniscate.models import payloads as pm
from lemniscate.models.coalition import BasisKind, Coalition, OptionKind
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.records import CommitmentLevel, ExecutionPower, Level, Record, Track
from lemniscate.states.table import EXECUTION, ROUND_ONE, ROUND_THREE, ROUND_TWO
from tests.support.method_helpers import (
    AT,
    AUDITOR,
    SYSTEM,
    Walked,
    city_steps,
    decide,
    integration,
    sample_payload,
    taskforce_steps,
    walk,
)

STATE_IDS = {s.id for s in states.STATES}
STEP_TRIGGERS = tuple(name for name, spec in states.TRIGGERS.items() if spec.kind == "step")
PARTNER_TRIGGERS = {n for n, spec in states.TRIGGERS.items() if spec.partner_scope is not None}
ORGANISATIONS = (*walks.TASKFORCE_PARTNERS, *walks.CITY_PARTNERS, "VWS", "Gemeente", "Woonbond")

# Every walk, and the coalition and accepted events at each point along it.
WALKS: dict[str, Walked] = {
    "taskforce": walk(walks.taskforce_start(), taskforce_steps()),
    "city": walk(walks.city_start(), city_steps()),
}
STEP_POOL: list[Step] = [*taskforce_steps(), *city_steps()]


def prefix(which: str, length: int) -> tuple[Coalition, list[Event]]:
    events = WALKS[which].events[: length + 1]
    return states.replay(events), list(events)


# Strategies ------------------------------------------------------------------------------

_FIELD_NAMES = sorted(
    {
        name
        for model in vars(pm).values()
        if isinstance(model, type) and issubclass(model, Record)
        for name in model.model_fields
    }
)
_ENUM_VALUES = sorted(
    {
        member.value
        for module in (cm, pm)
        for e in vars(module).values()
        if isinstance(e, type) and issubclass(e, enum.Enum)
        for member in e
    }
    | {m.value for e in (CommitmentLevel, ExecutionPower, Level, Track) for m in e}
)
_PLAUSIBLE: list[Any] = [
    *_ENUM_VALUES,
    *ORGANISATIONS,
    "A2",
    "A3",
    "A4",
    "A6",
    "M1",
    "M2",
    "O2",
    "O3",
    "R5",
    "2027-03-04",
    "2027-09-01",
    True,
    False,
    None,
    0,
    "",
    [],
    {},
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10**6)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(_PLAUSIBLE),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_FIELD_NAMES) | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
json_dicts = st.dictionaries(st.sampled_from(_FIELD_NAMES) | st.text(max_size=8), json_values, max_size=4)
trigger_names = st.sampled_from([*states.TRIGGER_NAMES, "start", "frobnicate"])


@st.composite
def actors(draw: st.DrawFn) -> Actor:
    kind = draw(st.sampled_from(["coordinator"] * 4 + ["partner"] * 3 + ["auditor", "integration", "system"]))
    if kind == "partner":
        return partner_actor(draw(st.sampled_from(ORGANISATIONS)))
    if kind == "integration":
        allowed = draw(st.lists(st.sampled_from(states.TRIGGER_NAMES), max_size=4, unique=True))
        return integration(*allowed)
    return {"coordinator": COORDINATOR, "auditor": AUDITOR, "system": SYSTEM}[kind]


def _field_values(trigger: str, key: str) -> list[Any]:
    """Values that fit field `key` of the trigger's payload model: an enum's own values."""
    spec = states.TRIGGERS.get(trigger)
    info = spec.payload.model_fields.get(key) if spec else None
    if info is not None:
        for kind in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(kind, type) and issubclass(kind, enum.Enum):
                return [member.value for member in kind]
            if kind is bool:
                return [True, False]
    return _PLAUSIBLE


Draw = Callable[[st.SearchStrategy[Any]], Any]  # a composite's draw, or data.draw


def fill(draw: Draw, trigger: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Give some fields of the payload other values that fit them (an enum's, a flag's)."""
    filled = dict(payload)
    for key in sorted(states.TRIGGERS[trigger].payload.model_fields):
        values = _field_values(trigger, key)
        if values is not _PLAUSIBLE and draw(st.integers(0, 2)) == 0:
            filled[key] = draw(st.sampled_from(values))
    return filled


def _mutate(draw: st.DrawFn, trigger: str, payload: dict[str, Any]) -> dict[str, Any]:
    mutated = dict(payload)
    how = draw(st.sampled_from(["drop", "replace", "fitting", "fitting", "add"]))
    fields = sorted(states.TRIGGERS[trigger].payload.model_fields) if trigger in states.TRIGGERS else []
    if how == "drop" and mutated:
        del mutated[draw(st.sampled_from(sorted(mutated)))]
    elif how == "replace" and mutated:
        mutated[draw(st.sampled_from(sorted(mutated)))] = draw(json_values)
    elif how == "fitting" and fields:
        key = draw(st.sampled_from(fields))
        mutated[key] = draw(st.sampled_from(_field_values(trigger, key)))
    else:
        key = draw(st.sampled_from(_FIELD_NAMES) | st.text(min_size=1, max_size=8))
        mutated[key] = draw(st.sampled_from(_PLAUSIBLE))
    return mutated


Attempt = tuple[str, dict[str, Any], Actor]


def draw_attempt(draw: st.DrawFn, c: Coalition, last: Attempt | None) -> Attempt:
    kind = draw(
        st.sampled_from(
            ["walk"] * 2
            + ["walk_allowed"] * 3
            + ["allowed"] * 2
            + ["advance"] * 2
            + ["again"] * 2
            + ["sample", "mutated", "random"]
        )
    )
    if kind == "again" and last is not None:  # the last accepted attempt once more
        return last
    partners = [q.name for q in c.partners] or ["VNG"]
    # Dissolving ends a sequence early: it comes only from the sample, mutated and random kinds.
    allowed = [t for t in states.overview(c).allowed if t != "dissolve"]
    steps = [t for t in allowed if t in STEP_TRIGGERS]
    if kind == "advance" and steps:
        trigger = draw(st.sampled_from(steps))
        return trigger, sample_payload(trigger, c), COORDINATOR
    fitting = [s for s in STEP_POOL if s.trigger in allowed]
    if kind == "walk" or (kind == "walk_allowed" and fitting):
        step = draw(st.sampled_from(fitting if kind == "walk_allowed" else STEP_POOL))
        actor = step.actor if draw(st.booleans()) else draw(actors())
        return step.trigger, step.payload, actor
    if kind == "random":
        return draw(trigger_names), draw(json_dicts), draw(actors())
    if kind in ("allowed", "walk_allowed") and allowed:
        trigger = draw(st.sampled_from(allowed))
    else:
        trigger = draw(st.sampled_from(states.TRIGGER_NAMES))
    action = draw(st.sampled_from([a.id for a in c.actions])) if c.actions else None
    payload = sample_payload(trigger, c, draw(st.sampled_from(partners)), action)
    if kind == "mutated":
        payload = _mutate(draw, trigger, payload)
    elif kind == "allowed" and draw(st.booleans()):
        payload = fill(draw, trigger, payload)
    actor = COORDINATOR if kind != "sample" and draw(st.booleans()) else draw(actors())
    return trigger, payload, actor


@st.composite
def starting_points(draw: st.DrawFn) -> tuple[Coalition, list[Event]]:
    """A fresh coalition, or one along a walk; by state first, so late states come up as
    often as early ones (the walks spend most of their steps in round 1)."""
    which = draw(st.sampled_from(sorted(WALKS)))
    if draw(st.integers(0, 4)) == 0:
        return prefix(which, 0)
    visited = WALKS[which].states
    state = draw(st.sampled_from(sorted(set(visited))))
    return prefix(which, draw(st.sampled_from([i for i, s in enumerate(visited) if s == state])))


# Invariants ------------------------------------------------------------------------------


def check_coalition(c: Coalition) -> None:
    assert c.state in STATE_IDS
    limit = c.playbook.max_options
    assert limit <= 3
    for kind in OptionKind:
        assert len(c.options_of(kind)) <= limit
    if c.founded:
        assert c.founding_bases, "a founded coalition always has a founding basis"
        assert c.track == Track.plan
    if c.state in (*ROUND_ONE, "sharing_interests"):
        assert c.track is None and not c.founded
    if c.state in (*ROUND_TWO[1:], *ROUND_THREE, *EXECUTION):
        assert c.track is not None
    if c.state in (*EXECUTION, "approach_adoption"):
        assert c.founded
    if c.state == "founding":
        assert not c.founded
    ids = [
        x.id
        for group in (c.meetings, c.actions, c.options, c.monitoring_reports, c.decisions, c.accountability)
        for x in group
    ]
    assert len(ids) == len(set(ids)), "generated ids never repeat"
    assert all(int(i[1:]) <= c.serial for i in ids)
    names = [q.name for q in c.partners]
    assert len(names) == len(set(names)), "a partner is listed once"
    topics = [t.name for t in c.topics]
    assert len(topics) == len(set(topics)), "a topic is mapped once"
    assert len(c.regions) == len(set(c.regions)) and c.id not in c.regions
    open_items = [i.action for i in c.open_accountability()]
    assert len(open_items) == len(set(open_items)), "one open accountability item per action"
    view = states.overview(c)
    info = states.STATE_INFO[c.state]
    assert (view.state, view.side, view.final) == (c.state, info.side, info.final)
    for trigger in STEP_TRIGGERS:
        # A step the overview offers is one the coordinator may fire (payload aside).
        verdict = decide(c, trigger, sample_payload(trigger, c), COORDINATOR)
        assert verdict.allowed == (trigger in view.allowed), (trigger, verdict.reasons)


def check_accepted(before: Coalition, after: Coalition, e: Event) -> None:
    assert e.actor.role != Role.auditor
    if e.actor.role == Role.partner:
        assert e.trigger in PARTNER_TRIGGERS
    if e.actor.role == Role.integration:
        assert e.trigger in e.actor.allowed_triggers
    moves = [m for m in states.TRIGGERS[e.trigger].moves if before.state in m.sources]
    assert moves
    if moves[0].is_step:
        assert after.state in {m.dest for m in moves} and after.state != before.state
    else:
        assert after.state == before.state
    assert after.serial >= before.serial
    if e.trigger in ("found", "adopt_approach"):
        # At the moment of founding: a basis and the playbook's minimum of committed partners.
        for c in (before, after):
            assert c.founding_bases
            assert len(c.committed_partners()) >= c.playbook.min_committed_partners
        assert after.founded
    if e.trigger == "adopt_approach":
        assert any(b.kind == BasisKind.plan_of_approach for b in after.founding_bases)
    if e.trigger == "begin_new_lemniscate":
        assert [q.name for q in after.partners] == [q.name for q in before.partners]
        assert len(after.archived) == len(before.archived) + 1
    else:
        assert after.passes >= before.passes
        assert after.archived == before.archived


def fire_attempt(c: Coalition, events: list[Event], attempt: Attempt) -> Coalition:
    """Fire one attempt and check every invariant; accepted events are added to `events`."""
    trigger, payload, actor = attempt
    # The event is what apply sees (it strips whitespace around the payload's keys).
    e = Event(trigger=trigger, payload=payload, actor=actor, at=AT)
    verdict = states.decide(c, e)
    assert states.decide(c, e) == verdict  # no hidden state
    before = c.model_dump()
    try:
        after = states.apply(c, e)
    except states.Refused as refused:
        assert not verdict.allowed, f"decide allowed {trigger} but apply refused it"
        assert refused.reasons == list(verdict.reasons)
        assert refused.reasons and all(isinstance(r, str) and r for r in refused.reasons)
        assert c.model_dump() == before, "a refused trigger changes nothing"
        check_coalition(c)
        return c
    assert verdict.allowed, f"apply accepted {trigger} but decide refused: {verdict}"
    assert c.model_dump() == before, "apply never edits the coalition it is given"
    check_accepted(c, after, e)
    assert states.apply(c, e, verdict).model_dump() == after.model_dump(), "the decision applies as decided"
    events.append(e)
    check_coalition(after)
    return after  # each test replays its events once, at the end: per attempt is quadratic


SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
