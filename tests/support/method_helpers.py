"""Shared helpers for the tests of the method core (`states`, `models`, `examples.walks`).

Walk a list of `Step`s from a start payload, fire single triggers, collect refusals, and build
a payload of the right shape for every trigger. Pure functions: no fixtures, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.models.coalition import Action, Coalition, Partner
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.journal import TriggerRequest
from lemniscate.states import playbooks

AT = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)

AUDITOR = Actor(id="auditor-1", role=Role.auditor)
SYSTEM = Actor(id="workflow", role=Role.system)


def integration(*allowed: str, key: str = "crm") -> Actor:
    return Actor(id=key, role=Role.integration, allowed_triggers=list(allowed))


def event(
    trigger: str, payload: dict[str, Any] | None = None, actor: Actor = COORDINATOR, reason: str | None = None
) -> Event:
    return Event(trigger=trigger, payload=payload or {}, actor=actor, at=AT, reason=reason)


def step_event(step: Step) -> Event:
    return event(step.trigger, step.payload, step.actor, step.reason)


def start_event(payload: dict[str, Any], actor: Actor = COORDINATOR) -> Event:
    return event(states.START, payload, actor)


@dataclass(frozen=True)
class Walked:
    """A coalition after a walk, the accepted events (start first) and the states passed."""

    coalition: Coalition
    events: list[Event]
    states: list[str]


def walk(start: dict[str, Any], steps: Sequence[Step]) -> Walked:
    """Fire `steps` one by one from a fresh coalition; every step must be accepted."""
    first = start_event(start)
    coalition = states.genesis(first)
    events, visited = [first], [coalition.state]
    for number, step in enumerate(steps):
        e = step_event(step)
        try:
            coalition = states.apply(coalition, e)
        except states.Refused as refused:  # pragma: no cover - a failing walk explains itself
            raise AssertionError(
                f"step {number} ({step.trigger}) refused in {coalition.state}: {refused.reasons}"
            ) from None
        events.append(e)
        visited.append(coalition.state)
    return Walked(coalition, events, visited)


def fire(
    c: Coalition, trigger: str, payload: dict[str, Any] | None = None, actor: Actor = COORDINATOR
) -> Coalition:
    """Apply one trigger that must be accepted."""
    return states.apply(c, event(trigger, payload, actor))


def decide(
    c: Coalition, trigger: str, payload: dict[str, Any] | None = None, actor: Actor = COORDINATOR
) -> states.Decision:
    """`states.decide` for a command of `actor`, as the workflow's validator asks it."""
    return states.decide(c, TriggerRequest(trigger=trigger, payload=payload or {}, actor=actor))


def refusal(
    c: Coalition, trigger: str, payload: dict[str, Any] | None = None, actor: Actor = COORDINATOR
) -> list[str]:
    """The reasons `trigger` is refused; asserts that decide and apply agree and that the
    coalition is left exactly as it was."""
    before = c.model_dump()
    verdict = decide(c, trigger, payload, actor)
    assert not verdict.allowed, f"{trigger} was allowed in {c.state}"
    try:
        states.apply(c, event(trigger, payload, actor))
    except states.Refused as refused:
        assert refused.trigger == trigger
        assert refused.reasons == list(verdict.reasons)
        assert c.model_dump() == before
        return refused.reasons
    raise AssertionError(f"apply accepted {trigger} although decide refused it")


def the_action(c: Coalition, action_id: str) -> Action:
    action = c.action(action_id)
    assert action is not None, f"no action {action_id}"
    return action


def the_partner(c: Coalition, name: str) -> Partner:
    partner = c.partner(name)
    assert partner is not None, f"no partner {name}"
    return partner


def steps_before(steps: Sequence[Step], trigger: str, nth: int = 1) -> list[Step]:
    """The steps before the `nth` occurrence of `trigger`."""
    seen = 0
    for index, step in enumerate(steps):
        if step.trigger == trigger:
            seen += 1
            if seen == nth:
                return list(steps[:index])
    raise AssertionError(f"{trigger} occurs fewer than {nth} times")


def steps_through(steps: Sequence[Step], trigger: str, nth: int = 1) -> list[Step]:
    """The steps up to and including the `nth` occurrence of `trigger`."""
    before = steps_before(steps, trigger, nth)
    return [*before, steps[len(before)]]


# The two worked coalitions, as whole walks.


def taskforce_steps() -> list[Step]:
    return walks.taskforce_to_execution() + walks.taskforce_one_cycle() + walks.taskforce_closing()


def city_steps() -> list[Step]:
    return walks.city_to_execution() + walks.city_transformation()


def answers(org: str = "the partner") -> dict[str, str]:
    return {
        "drive": f"{org} wants to join.",
        "developments": "Things change.",
        "expected_yield": "Results it cannot reach alone.",
        "willingness_to_adapt": "Yes.",
        "extra_efforts": "Staff time.",
        "worries_about_partners": "None.",
        "agreement_form": "A covenant.",
    }


def interview(partner: str, held_on: str = "2027-02-01") -> Step:
    return Step(
        "record_interview",
        {"partner": partner, "answers": answers(partner), "held_on": held_on, "interviewer": "coordinator"},
    )


def exploration_outcome(meeting: str, commitment: str, attended: Sequence[str]) -> Step:
    return Step(
        "record_meeting_outcome",
        {"meeting": meeting, "outcome": {"attended": list(attended), "commitment": commitment}},
    )


def sample_payload(
    trigger: str, c: Coalition | None = None, partner: str | None = None, action: str | None = None
) -> dict[str, Any]:
    """A payload of the right shape for `trigger`, naming things `c` has where it can."""
    partners = [q.name for q in c.partners] if c else []
    who = partner or (partners[0] if partners else "VNG")
    initiator = c.initiators[0] if c else "VWS"
    orgs = (c.organisations() if c else []) or [initiator, who]
    action = action or (c.actions[0].id if c and c.actions else "A1")
    meeting = c.meetings[-1].id if c and c.meetings else "M1"
    option = c.options[0].id if c and c.options else "O1"
    report = c.monitoring_reports[-1].id if c and c.monitoring_reports else "R1"
    payloads: dict[str, dict[str, Any]] = {
        "transform": {"new_task": {"title": "A new task"}},
        "start_closing": {"reason": "It stopped adding value."},
        "close": {"summary": "Closed with recognition."},
        "dissolve": {"reason": "No commitment."},
        "record_intent": {"intent": "The initiator wants to act."},
        "add_partner": {"name": "Nieuwe partner"},
        "add_member": {"member": "obs-1", "role": "observer"},
        "remove_member": {"member": "obs-1"},
        "adopt_playbook": {
            "playbook": "strict",
            "version": 1,
            "content": playbooks.STRICT.model_dump(mode="json"),
            "hash": playbooks.STRICT.content_hash,
        },
        "record_interview": {
            "partner": who,
            "answers": answers(who),
            "held_on": "2027-02-01",
            "interviewer": "coordinator",
        },
        "mark_not_reached": {"partner": who, "reason": "No answer."},
        "update_agenda": {
            "partner": who,
            "agenda": [{"on": "2027-06-01", "kind": "budget_cycle", "description": "Budget"}],
        },
        "map_topic": {"topic": "Shared topic", "partners": partners[:2] or [who]},
        "place_partner": {
            "partner": who,
            "placement": {
                "role": "partner",
                "execution_power": "limited",
                "interest": "medium",
                "influence": "medium",
            },
        },
        "sketch_collaboration": {"sketch": "A light network."},
        "plan_meeting": {
            "kind": "exploration",
            "on": "2027-04-01",
            "invitees": orgs[:2],
            "inviters": [initiator],
        },
        "reschedule_meeting": {"meeting": meeting, "on": "2027-04-02"},
        "record_meeting_outcome": {
            "meeting": meeting,
            "outcome": {"attended": orgs[:1], "commitment": "tentative"},
        },
        "record_vision": {"vision": "A shared vision."},
        "add_option": {
            "kind": "content" if c is None or c.state == "content_elaboration" else "collaboration",
            "title": "An option",
        },
        "remove_option": {"option": option},
        "choose_collaboration_model": {"model": "steering_group"},
        "add_action": {"title": "An action", "owner": who, "funding": "within_existing_work"},
        "update_action": {"action": action},
        "record_basic_agreements": {"funding": "Own staff time.", "progress_monitoring": "Yearly."},
        "sign_founding_basis": {
            "kind": "declaration_of_intent",
            "signatories": [initiator],
            "signed_on": "2027-06-01",
        },
        "commit": {"partner": who},
        "report_progress": {"action": action, "status": "in_progress"},
        "pick_up_action": {"action": action, "partner": who},
        "record_funder": {"name": "Fonds", "contribution": "Money."},
        "record_monitoring_report": {"summary": "On track."},
        "record_decision": {"decision": "Carry on.", "rests_on": [report]},
        "open_accountability_item": {"action": action},
        "build_message_house": {"message_house": MESSAGE_HOUSE | {"contributors": [initiator]}},
        "choose_positioning": {"positioning": POSITIONING},
        "record_constituency_support": {
            "partner": who,
            "support": {"managers": True, "legal_staff": True, "executives": True},
        },
        "publish_toolkit": {"items": ["Shared messages"]},
        "join_communication_coalition": {"partner": who, "advisor": "Comms advisor"},
        "record_signal": {"region": "North", "kind": "bottleneck", "description": "Too few homes."},
        "credit_partner": {"partner": who, "contribution": "Did its part."},
        "spawn_region": {
            "region": {
                "id": f"{c.id if c else 'national'}-noord",
                "name": "Regio Noord",
                "task": {"title": "A regional task"},
                "initiators": ["Provincie"],
                "coordinator": "regio",
            }
        },
        "signal_national": {"kind": "opportunity", "description": "A regional pilot works."},
        "correct_record": {
            "record": meeting,
            "meeting_outcome": {"notes": "As the minutes say."},
            "reason": "The notes were left out.",
        },
    }
    return payloads.get(trigger, {})


MESSAGE_HOUSE: dict[str, Any] = {
    "umbrella_story": "Together we keep housing with care within reach.",
    "key_messages": ["Homes first", "Care follows"],
    "substantiation": ["Twice as many people over 75 by 2040"],
    "contributors": ["VWS"],
}

POSITIONING: dict[str, Any] = {
    "choice": "endorsed",
    "rationale": "Partners reach their own members best.",
    "partner_visibility": "Clearly visible as members.",
    "serves_goals": "Yes: local agreements need local faces.",
    "spokesperson": "The chair",
    "when_tense": "The steering group speaks first.",
}
