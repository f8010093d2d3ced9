"""Variants of the guards' sentences: one partner or many, partners added later, the strict
playbook's counts, cancelled actions, the other track."""

from __future__ import annotations

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.states import guards as g
from tests.support.guard_walks import CITY, CT, TASKFORCE, TF, TF_ALL, TF_INTERVIEWS, credit_step, step_args
from tests.support.method_helpers import (
    decide,
    fire,
    interview,
    refusal,
    start_event,
    steps_through,
    the_partner,
    walk,
)


def test_partners_guard_without_any_partner() -> None:
    c = states.genesis(start_event({**TASKFORCE, "partners": []}))
    c = fire(c, "record_intent", {"intent": "Act together."})
    assert refusal(c, "map_domain") == [
        "There are no prospective partners yet (add_partner).",
        "0 partners are interviewed; the playbook default@1 asks for at least 2.",
    ]


def test_partners_guard_names_a_single_open_partner() -> None:
    c = walk(TASKFORCE, [TF[0], *[interview(o) for o in ("VNG", "Aedes", "ZN", "BZK")]]).coalition
    assert g.PARTNERS_INTERVIEWED_OR_UNREACHED(c) == (
        "1 of 5 prospective partners has no interview: ActiZ "
        "(record_interview, or mark_not_reached with a reason)."
    )


def test_a_partner_added_later_must_be_interviewed_too() -> None:
    c = walk(TASKFORCE, TF_INTERVIEWS).coalition
    assert decide(c, "map_domain", {}, COORDINATOR).allowed
    c = fire(c, "add_partner", {"name": "Ieder(in)"})
    assert refusal(c, "map_domain") == [
        "1 of 6 prospective partners has no interview: Ieder(in) "
        "(record_interview, or mark_not_reached with a reason)."
    ]


def test_the_strict_playbook_asks_for_three_interviews() -> None:
    steps = [
        TF[0],
        interview("VNG"),
        interview("Aedes"),
        *[
            Step("mark_not_reached", {"partner": org, "reason": "On holiday."})
            for org in ("ActiZ", "ZN", "BZK")
        ],
    ]
    c = walk(walks.taskforce_start(playbook="strict"), steps).coalition
    assert refusal(c, "map_domain") == [
        "2 partners are interviewed; the playbook strict@1 asks for at least 3."
    ]
    # Interviewing a partner marked not reached clears the mark and counts.
    c = fire(c, *step_args(interview("ZN")))
    assert the_partner(c, "ZN").not_reached_reason is None
    assert fire(c, "map_domain").state == "domain_mapping"


def test_zero_content_options_are_counted_too() -> None:
    c = walk(CITY, steps_through(CT, "record_vision")).coalition
    assert refusal(c, "propose_collaboration") == [
        "The initiative proposal needs 2 to 3 content options; there are 0 (add_option)."
    ]


def test_cancelled_actions_neither_count_as_plan_nor_need_settling() -> None:
    c = walk(TASKFORCE, steps_through(TF, "complete_proposal")).coalition
    c = fire(c, "update_action", {"action": "A4", "cancel": True})
    assert decide(c, "call_founding_meeting", {}, COORDINATOR).allowed
    vision = walk(TASKFORCE, steps_through(TF, "record_vision")).coalition
    vision = fire(vision, "add_action", {"title": "Short-lived"})
    vision = fire(vision, "update_action", {"action": vision.actions[0].id, "cancel": True})
    assert refusal(vision, "propose_collaboration") == [
        "The plan of approach has no actions yet (add_action)."
    ]


def test_everyone_credited_names_a_single_partner_and_includes_action_owners() -> None:
    c = walk(
        TASKFORCE,
        [*steps_through(TF_ALL, "start_closing"), *[credit_step(o) for o in ("VNG", "Aedes", "ActiZ")]],
    ).coalition
    # ZN never committed but owns an action: its contribution is recognised too.
    assert refusal(c, "close", {"summary": "Done."}) == [
        "1 partner is not yet credited for its contribution: ZN (credit_partner)."
    ]


def test_track_guards_hold_on_the_other_track() -> None:
    plan = walk(TASKFORCE, steps_through(TF, "complete_proposal")).coalition
    assert plan.options == [] and plan.basic_agreements is None
    assert g.CONTENT_OPTIONS(plan) is None
    assert g.COLLABORATION_OPTIONS(plan) is None
    assert g.BASIC_AGREEMENTS(plan) is None
    initiative = walk(CITY, steps_through(CT, "complete_proposal")).coalition
    assert initiative.actions == [] and initiative.collaboration_model is None
    assert g.PLAN_HAS_ACTIONS(initiative) is None
    assert g.ACTIONS_SETTLED(initiative) is None
    assert g.COLLABORATION_MODEL_CHOSEN(initiative) is None
