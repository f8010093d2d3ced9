"""Every guard fails with its sentence and then holds; the strict playbook; warnings that do
not block; who may fire what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step, partner_actor
from lemniscate.models.coalition import Coalition
from lemniscate.models.playbook import CommunicationItem
from lemniscate.states import guards as g
from lemniscate.states.guards import Guard
from tests.support.method_helpers import (
    AUDITOR,
    MESSAGE_HOUSE,
    POSITIONING,
    SYSTEM,
    decide,
    exploration_outcome,
    fire,
    integration,
    interview,
    refusal,
    sample_payload,
    start_event,
    steps_before,
    steps_through,
    the_action,
    the_partner,
    walk,
)

TASKFORCE = walks.taskforce_start()
STRICT_TASKFORCE = walks.taskforce_start(playbook="strict")
CITY = walks.city_start()
TF = walks.taskforce_to_execution()
TF_ALL = TF + walks.taskforce_one_cycle() + walks.taskforce_closing()
CT = walks.city_to_execution()


def _plan_exploration(invitees: list[str], inviters: list[str], kind: str = "exploration") -> Step:
    return Step(
        "plan_meeting", {"kind": kind, "on": "2027-03-04", "invitees": invitees, "inviters": inviters}
    )


def _commit(org: str) -> Step:
    return Step("commit", {"partner": org}, partner_actor(org))


def _credit(org: str) -> Step:
    return Step("credit_partner", {"partner": org, "contribution": f"{org} did its part."})


@dataclass(frozen=True)
class GuardCase:
    """`failing` leaves the coalition where `guard` blocks `trigger` with `message`;
    `passing` (from the same start) is where it holds and `trigger` leads to `dest`."""

    guard: Guard
    start: dict[str, Any]
    failing: list[Step]
    trigger: str
    message: str
    passing: list[Step]
    dest: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.guard.name


def _case(
    guard: Guard,
    start: dict[str, Any],
    failing: list[Step],
    trigger: str,
    message: str,
    fix: list[Step],
    dest: str,
    payload: dict[str, Any] | None = None,
) -> GuardCase:
    """A case whose passing walk is the failing walk plus `fix`."""
    return GuardCase(guard, start, failing, trigger, message, [*failing, *fix], dest, payload or {})


_TF_INTERVIEWS = steps_before(TF, "map_domain")
_TF_TO_PREP = steps_through(TF, "prepare_exploration_meeting")
_TF_BEFORE_OUTCOME = steps_before(TF, "record_meeting_outcome")
_TF_OUTCOME = TF[len(_TF_BEFORE_OUTCOME)]
_TF_BEFORE_BASIS = steps_before(TF, "sign_founding_basis")
_TF_BASIS = TF[len(_TF_BEFORE_BASIS)]
_TF_CYCLE = TF + walks.taskforce_one_cycle()

CASES: list[GuardCase] = [
    _case(
        g.INTENT_RECORDED,
        TASKFORCE,
        _TF_INTERVIEWS[1:],
        "map_domain",
        "The initiator's own intent is not recorded yet (record_intent).",
        _TF_INTERVIEWS[:1],
        "domain_mapping",
    ),
    _case(
        g.PARTNERS_INTERVIEWED_OR_UNREACHED,
        TASKFORCE,
        [TF[0], interview("VNG"), interview("ZN"), interview("BZK")],
        "map_domain",
        "2 of 5 prospective partners have no interview: Aedes, ActiZ "
        "(record_interview, or mark_not_reached with a reason).",
        [interview("Aedes"), Step("mark_not_reached", {"partner": "ActiZ", "reason": "Nobody answered."})],
        "domain_mapping",
    ),
    _case(
        g.ENOUGH_INTERVIEWS,
        CITY,
        [
            CT[0],
            interview("Hogeschool"),
            *[
                Step("mark_not_reached", {"partner": org, "reason": "Not reached."})
                for org in walks.CITY_PARTNERS[1:]
            ],
        ],
        "map_domain",
        "1 partner is interviewed; the playbook default@1 asks for at least 2.",
        [interview("Theater")],
        "domain_mapping",
    ),
    _case(
        g.SHARED_TOPIC,
        TASKFORCE,
        [
            *steps_through(TF, "map_domain"),
            Step("map_topic", {"topic": "Care at home", "partners": ["ZN", "ZN"]}),
        ],
        "plan_collaboration",
        "No domain topic is shared by two or more partners yet (map_topic).",
        [Step("map_topic", {"topic": "Homes for older people", "partners": ["VNG", "Aedes"]})],
        "own_collaboration_plan",
    ),
    _case(
        g.INTERVIEWED_PARTNERS_PLACED,
        TASKFORCE,
        steps_before(TF, "place_partner", 4),
        "prepare_exploration_meeting",
        "2 interviewed partners are not placed in the collaboration plan yet: ZN, BZK (place_partner).",
        steps_through(TF, "place_partner", 5)[len(steps_before(TF, "place_partner", 4)) :],
        "exploration_meeting_prep",
    ),
    _case(
        g.EXPLORATION_MEETING_PLANNED,
        TASKFORCE,
        [*_TF_TO_PREP, _plan_exploration(["VNG", "Aedes"], ["VWS"], kind="other")],
        "hold_exploration_meeting",
        "No exploration meeting is planned (plan_meeting with kind 'exploration').",
        [_plan_exploration(["VNG", "Aedes"], ["VWS"])],
        "sharing_interests",
    ),
    _case(
        g.EXPLORATION_INVITEES,
        TASKFORCE,
        [*_TF_TO_PREP, _plan_exploration(["VNG", "VNG"], ["VWS"])],
        "hold_exploration_meeting",
        "The exploration meeting has 1 invitee; invite at least two.",
        [_plan_exploration(["VNG", "Aedes", "ActiZ"], ["VWS"])],
        "sharing_interests",
    ),
    _case(
        g.EXPLORATION_INVITER,
        TASKFORCE,
        [*_TF_TO_PREP, _plan_exploration(["VNG", "Aedes"], [])],
        "hold_exploration_meeting",
        "Nobody is named as inviter of the exploration meeting (a lead partner or frontrunners).",
        [_plan_exploration(["VNG", "Aedes"], ["VNG", "Aedes"])],
        "sharing_interests",
    ),
    _case(
        g.EXPLORATION_OUTCOME_RECORDED,
        TASKFORCE,
        _TF_BEFORE_OUTCOME,
        "elaborate_content",
        "The outcome of the exploration meeting is not recorded yet (record_meeting_outcome).",
        [_TF_OUTCOME],
        "content_elaboration",
    ),
    _case(
        g.COMMITMENT_GIVEN,
        TASKFORCE,
        [*_TF_BEFORE_OUTCOME, exploration_outcome("M1", "none", ["VNG", "Aedes"])],
        "elaborate_content",
        "The exploration meeting ended without commitment: go back to round 1 "
        "(return_to_round_one) or stop (dissolve).",
        [
            Step("return_to_round_one"),
            Step("map_domain"),
            Step("plan_collaboration"),
            Step("prepare_exploration_meeting"),
            _plan_exploration(["VNG", "Aedes"], ["VWS"]),
            Step("hold_exploration_meeting"),
            exploration_outcome("M2", "tentative", ["VNG", "Aedes"]),
        ],
        "content_elaboration",
    ),
    GuardCase(
        g.COMMITMENT_ABSENT,
        TASKFORCE,
        [*_TF_BEFORE_OUTCOME, _TF_OUTCOME],
        "return_to_round_one",
        "Commitment at the exploration meeting was strong: work it out instead (elaborate_content).",
        [*_TF_BEFORE_OUTCOME, exploration_outcome("M1", "none", ["VNG"])],
        "intent_and_interests",
    ),
    _case(
        g.VISION_RECORDED,
        TASKFORCE,
        [
            *steps_through(TF, "elaborate_content"),
            Step("add_action", {"title": "Ambassadors", "owner": "VNG"}),
        ],
        "propose_collaboration",
        "The shared vision is not worked out yet (record_vision).",
        [Step("record_vision", {"vision": "Housing with care everywhere."})],
        "collaboration_proposals",
    ),
    _case(
        g.CONTENT_OPTIONS,
        CITY,
        steps_through(CT, "add_option"),
        "propose_collaboration",
        "The initiative proposal needs 2 to 3 content options; there is 1 (add_option).",
        [Step("add_option", {"kind": "content", "title": "Focus on culture"})],
        "collaboration_proposals",
    ),
    _case(
        g.PLAN_HAS_ACTIONS,
        TASKFORCE,
        steps_through(TF, "record_vision"),
        "propose_collaboration",
        "The plan of approach has no actions yet (add_action).",
        [Step("add_action", {"title": "Ambassadors"})],
        "collaboration_proposals",
    ),
    _case(
        g.COLLABORATION_OPTIONS,
        CITY,
        steps_through(CT, "add_option", 3),
        "complete_proposal",
        "The initiative proposal needs 2 to 3 collaboration options; there is 1 (add_option).",
        [Step("add_option", {"kind": "collaboration", "title": "Joint programme team"})],
        "proposal_completion",
    ),
    _case(
        g.COLLABORATION_MODEL_CHOSEN,
        TASKFORCE,
        steps_through(TF, "propose_collaboration"),
        "complete_proposal",
        "No way of organising the collaboration is chosen (choose_collaboration_model).",
        [Step("choose_collaboration_model", {"model": "steering_group"})],
        "proposal_completion",
    ),
    _case(
        g.ACTIONS_SETTLED,
        TASKFORCE,
        steps_through(TF, "complete_proposal"),
        "call_founding_meeting",
        "1 action lacks an owner (or an explicit 'unassigned') or a funding class: A4 (update_action).",
        [Step("update_action", {"action": "A4", "owner": "BZK", "funding": "within_existing_work"})],
        "founding",
    ),
    _case(
        g.BASIC_AGREEMENTS,
        CITY,
        steps_through(CT, "complete_proposal"),
        "call_founding_meeting",
        "Basic agreements on funding and progress monitoring are missing (record_basic_agreements).",
        [
            Step(
                "record_basic_agreements", {"funding": "Own budgets.", "progress_monitoring": "Twice a year."}
            )
        ],
        "founding",
    ),
    GuardCase(
        g.FOUNDING_BASIS,
        TASKFORCE,
        [*_TF_BEFORE_BASIS, *[_commit(org) for org in ("VNG", "Aedes")]],
        "found",
        "No founding basis is signed yet: a declaration of intent, plan of approach, "
        "covenant or contract (sign_founding_basis).",
        [*_TF_BEFORE_BASIS, *[_commit(org) for org in ("VNG", "Aedes")], _TF_BASIS],
        "doing",
    ),
    _case(
        g.ENOUGH_COMMITTED,
        TASKFORCE,
        [*_TF_BEFORE_BASIS, _TF_BASIS, _commit("VNG")],
        "found",
        "1 partner has committed; the playbook default@1 asks for at least 2 (commit).",
        [_commit("ZN")],
        "doing",
    ),
    _case(
        g.PLAN_OF_APPROACH_ADOPTED,
        CITY,
        [
            *steps_through(CT, "call_adoption_meeting"),
            Step(
                "sign_founding_basis",
                {"kind": "covenant", "signatories": ["Gemeente"], "signed_on": "2027-09-01"},
            ),
        ],
        "adopt_approach",
        "The plan of approach is not adopted yet: sign it as a founding basis of kind "
        "'plan_of_approach' (sign_founding_basis).",
        [
            Step(
                "sign_founding_basis",
                {
                    "kind": "plan_of_approach",
                    "signatories": ["Gemeente", "Theater"],
                    "signed_on": "2027-09-02",
                },
            )
        ],
        "doing",
    ),
    _case(
        g.MONITORING_THIS_CYCLE,
        TASKFORCE,
        steps_through(_TF_CYCLE, "start_monitoring"),
        "decide",
        "No monitoring report in this cycle yet (record_monitoring_report).",
        [Step("record_monitoring_report", {"summary": "On track."})],
        "deciding",
    ),
    _case(
        g.DECISION_THIS_CYCLE,
        TASKFORCE,
        steps_through(_TF_CYCLE, "decide"),
        "adjust",
        "No decision is recorded in this cycle yet (record_decision).",
        [Step("record_decision", {"decision": "Carry on.", "rests_on": ["R5"]})],
        "adjusting",
    ),
    GuardCase(
        g.NOT_FOUNDED,
        CITY,
        steps_through(CT, "found"),
        "dissolve",
        "The coalition is founded: close it deliberately (start_closing), do not dissolve it.",
        steps_through(CT, "elaborate_content"),
        "dissolved",
        {"reason": "Stop."},
    ),
    _case(
        g.EVERYONE_CREDITED,
        TASKFORCE,
        [*steps_through(TF_ALL, "start_closing"), _credit("VNG"), _credit("Aedes")],
        "close",
        "2 partners are not yet credited for their contribution: ActiZ, ZN (credit_partner).",
        [_credit("ActiZ"), _credit("ZN")],
        "closed",
        {"summary": "Done, with thanks."},
    ),
    _case(
        g.playbook_gate("found"),
        STRICT_TASKFORCE,
        steps_before(TF, "found"),
        "found",
        "The playbook strict@1 requires before found: a message house (build_message_house); "
        "a positioning choice (choose_positioning).",
        [
            Step("build_message_house", {"message_house": MESSAGE_HOUSE}),
            Step("choose_positioning", {"positioning": POSITIONING}),
        ],
        "doing",
    ),
]


def test_every_guard_has_a_case() -> None:
    declared = {v.name for v in vars(g).values() if isinstance(v, Guard)}
    in_table = {
        guard.name for spec in states.TRIGGERS.values() for move in spec.moves for guard in move.guards
    }
    assert declared <= in_table  # no guard is declared but unused
    cased = {case.guard.name for case in CASES}
    assert declared | {"playbook_gate:found"} == cased
    assert len(cased) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_guard_blocks_with_its_sentence_and_then_holds(case: GuardCase) -> None:
    failing = walk(case.start, case.failing).coalition
    assert case.guard(failing) == case.message
    verdict = decide(failing, case.trigger, case.payload, COORDINATOR)
    assert case.message in verdict.reasons
    assert not verdict.forbidden  # refused for what the coalition lacks, not for who asked
    view = states.overview(failing)
    assert case.message in view.blockers[case.trigger]
    assert case.trigger not in view.allowed
    assert case.message in refusal(failing, case.trigger, case.payload)

    passing = walk(case.start, case.passing).coalition
    assert passing.state == failing.state
    assert case.guard(passing) is None
    verdict = decide(passing, case.trigger, case.payload, COORDINATOR)
    assert verdict.allowed, verdict.reasons
    view = states.overview(passing)
    assert case.trigger in view.allowed
    assert case.trigger not in view.blockers
    assert fire(passing, case.trigger, case.payload).state == case.dest


# Variants of the sentences -----------------------------------------------------------------


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
    c = walk(TASKFORCE, _TF_INTERVIEWS).coalition
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
    c = walk(STRICT_TASKFORCE, steps).coalition
    assert refusal(c, "map_domain") == [
        "2 partners are interviewed; the playbook strict@1 asks for at least 3."
    ]
    # Interviewing a partner marked not reached clears the mark and counts.
    c = fire(c, *_step_args(interview("ZN")))
    assert the_partner(c, "ZN").not_reached_reason is None
    assert fire(c, "map_domain").state == "domain_mapping"


def _step_args(step: Step) -> tuple[str, dict[str, Any]]:
    return step.trigger, step.payload


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
        TASKFORCE, [*steps_through(TF_ALL, "start_closing"), *[_credit(o) for o in ("VNG", "Aedes", "ActiZ")]]
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


# The strict playbook and the communication gates ------------------------------------------


def test_the_strict_playbook_blocks_founding_until_message_house_and_positioning() -> None:
    c = walk(STRICT_TASKFORCE, steps_before(TF, "found")).coalition
    assert c.playbook.ref == "strict@1"
    assert refusal(c, "found") == [
        "The playbook strict@1 requires before found: a message house (build_message_house); "
        "a positioning choice (choose_positioning)."
    ]
    c = fire(c, "build_message_house", {"message_house": MESSAGE_HOUSE})
    assert states.overview(c).blockers["found"] == [
        "The playbook strict@1 requires before found: a positioning choice (choose_positioning)."
    ]
    c = fire(c, "choose_positioning", {"positioning": POSITIONING})
    assert "found" in states.overview(c).allowed
    assert fire(c, "found").state == "doing"
    # The same walk on the default playbook founds without either.
    default = walk(TASKFORCE, steps_through(TF, "found")).coalition
    assert default.state == "doing" and default.communication.message_house is None


def test_the_strict_playbook_gates_adoption_of_the_approach_too() -> None:
    strict_city = {**CITY, "playbook": "strict"}
    c = walk(strict_city, steps_before(CT, "found")).coalition
    assert refusal(c, "found")[0].startswith("The playbook strict@1 requires before found: ")
    house = Step("build_message_house", {"message_house": {**MESSAGE_HOUSE, "contributors": ["Gemeente"]}})
    positioning = Step("choose_positioning", {"positioning": POSITIONING})
    done = walk(
        strict_city, [*steps_before(CT, "found"), house, positioning, *CT[len(steps_before(CT, "found")) :]]
    )
    assert done.coalition.state == "doing"


def _with_gates(c: Coalition, gates: dict[str, list[CommunicationItem]]) -> Coalition:
    playbook = c.playbook.model_copy(update={"name": "custom", "gates": gates})
    return c.model_copy(update={"playbook": playbook})


def test_playbook_gate_names_every_missing_communication_item() -> None:
    c = _with_gates(walk(TASKFORCE, steps_before(TF, "found")).coalition, {"found": list(CommunicationItem)})
    gate = g.playbook_gate("found")
    assert gate.name == "playbook_gate:found"
    assert gate(c) == (
        "The playbook custom@1 requires before found: a message house (build_message_house); "
        "a positioning choice (choose_positioning); constituency support of every committed "
        "partner (record_constituency_support); a toolkit for the partners' own channels "
        "(publish_toolkit); a communication advisor of every committed partner "
        "(join_communication_coalition)."
    )
    assert refusal(c, "found") == [gate(c)]
    c = fire(c, "build_message_house", {"message_house": MESSAGE_HOUSE})
    c = fire(c, "choose_positioning", {"positioning": POSITIONING})
    c = fire(c, "publish_toolkit", {"items": ["Shared slides"]})
    support = {"managers": True, "legal_staff": True, "executives": True}
    for org in ("VNG", "Aedes"):  # ActiZ committed too and is still missing
        c = fire(c, "record_constituency_support", {"partner": org, "support": support}, partner_actor(org))
        c = fire(
            c, "join_communication_coalition", {"partner": org, "advisor": f"{org} comms"}, partner_actor(org)
        )
    assert gate(c) == (
        "The playbook custom@1 requires before found: constituency support of every committed "
        "partner (record_constituency_support); a communication advisor of every committed "
        "partner (join_communication_coalition)."
    )
    c = fire(c, "record_constituency_support", {"partner": "ActiZ", "support": support})
    c = fire(c, "join_communication_coalition", {"partner": "ActiZ", "advisor": "ActiZ comms"})
    assert gate(c) is None
    assert fire(c, "found").state == "doing"


def test_playbook_gate_also_guards_records_and_is_silent_by_default() -> None:
    c = states.genesis(start_event(TASKFORCE))
    assert all(g.playbook_gate(t)(c) is None for t in states.TRIGGER_NAMES)
    gated = _with_gates(c, {"add_partner": [CommunicationItem.toolkit]})
    assert refusal(gated, "add_partner", {"name": "Ieder(in)"}) == [
        "The playbook custom@1 requires before add_partner: a toolkit for the partners' own "
        "channels (publish_toolkit)."
    ]
    gated = fire(gated, "publish_toolkit", {"items": ["Shared messages"]})
    assert [q.name for q in fire(gated, "add_partner", {"name": "Ieder(in)"}).partners][-1] == "Ieder(in)"


def test_collective_gates_need_at_least_one_committed_partner() -> None:
    c = _with_gates(
        states.genesis(start_event(TASKFORCE)),
        {
            "record_intent": [
                CommunicationItem.constituency_support,
                CommunicationItem.communication_coalition,
            ]
        },
    )
    assert not g.communication_item_present(c, CommunicationItem.constituency_support)
    assert not g.communication_item_present(c, CommunicationItem.communication_coalition)
    assert refusal(c, "record_intent", {"intent": "x"})[0].startswith(
        "The playbook custom@1 requires before record_intent: constituency support"
    )


# Warnings: reported, never blocking ------------------------------------------------------


def test_warn_about_an_interviewed_partner_without_a_domain_topic() -> None:
    at_start = walk(CITY, steps_before(CT, "map_domain")).coalition
    assert states.overview(at_start).warnings == []  # step 1 has no domain yet
    c = walk(
        CITY,
        [
            *steps_through(CT, "map_domain"),
            Step("map_topic", {"topic": "Events", "partners": ["Ondernemers", "Theater"]}),
        ],
    ).coalition
    view = states.overview(c)
    # Vastgoedeigenaren was not reached, so it is not expected to have a topic.
    assert view.warnings == [
        "Hogeschool was interviewed but no domain topic matters to it (map_topic).",
        "Bewoners was interviewed but no domain topic matters to it (map_topic).",
    ]
    assert "plan_collaboration" in view.allowed
    assert fire(c, "plan_collaboration").state == "own_collaboration_plan"


def test_warn_about_a_meeting_on_a_partners_agenda_day() -> None:
    agenda = Step(
        "update_agenda",
        {
            "partner": "VNG",
            "agenda": [{"on": "2027-03-04", "kind": "council_meeting", "description": "Ledenvergadering"}],
        },
        partner_actor("VNG"),
    )
    plan = steps_through(TF, "plan_meeting")
    c = walk(TASKFORCE, [agenda, *plan]).coalition
    view = states.overview(c)
    assert view.warnings == [
        "Meeting M1 (exploration) on 2027-03-04 collides with VNG's council meeting: Ledenvergadering."
    ]
    assert "hold_exploration_meeting" in view.allowed
    c = fire(c, "hold_exploration_meeting")
    c = fire(c, _TF_OUTCOME.trigger, _TF_OUTCOME.payload)
    assert states.overview(c).warnings == []  # the meeting is held: nothing to move any more
    # A partner that is not invited has no collision.
    uninvited = walk(
        TASKFORCE, [agenda, *_TF_TO_PREP, _plan_exploration(["Aedes", "ActiZ"], ["VWS"])]
    ).coalition
    assert states.overview(uninvited).warnings == []


def test_warn_about_an_action_due_on_the_owners_agenda_day() -> None:
    agenda = Step(
        "update_agenda",
        {
            "partner": "VNG",
            "agenda": [{"on": "2027-09-01", "kind": "budget_cycle", "description": "Begroting 2028"}],
        },
    )
    c = walk(TASKFORCE, [agenda, *steps_before(TF, "call_founding_meeting")]).coalition
    view = states.overview(c)
    assert view.warnings == ["Action A2 is due on 2027-09-01, VNG's budget cycle: Begroting 2028."]
    assert "call_founding_meeting" in view.allowed
    done = walk(TASKFORCE, [agenda, *TF]).coalition
    done = fire(done, "report_progress", {"action": "A2", "status": "done"}, partner_actor("VNG"))
    assert states.overview(done).warnings == []


def test_warn_when_a_committed_partners_constituency_does_not_back_it() -> None:
    c = walk(TASKFORCE, TF).coalition
    c = fire(
        c,
        "record_constituency_support",
        {"partner": "Aedes", "support": {"managers": True, "legal_staff": False, "executives": False}},
        partner_actor("Aedes"),
    )
    view = states.overview(c)
    assert view.warnings == ["Aedes's legal staff, executives do not back its participation yet."]
    assert "start_monitoring" in view.allowed


# Who may fire what -----------------------------------------------------------------------

AUDITOR_SENTENCE = "auditor-1 as auditor may read everything but change nothing."
PARTNER_TRIGGERS = {
    "record_interview",
    "update_agenda",
    "commit",
    "report_progress",
    "pick_up_action",
    "record_constituency_support",
    "join_communication_coalition",
    "correct_record",
}


def _points() -> list[Coalition]:
    return [
        states.genesis(start_event(TASKFORCE)),
        walk(TASKFORCE, steps_before(TF, "found")).coalition,
        walk(TASKFORCE, TF).coalition,
        walk(TASKFORCE, steps_through(TF_ALL, "start_closing")).coalition,
    ]


def test_the_auditor_is_refused_everything() -> None:
    for c in _points():
        for trigger in states.TRIGGER_NAMES:
            payload = sample_payload(trigger, c)
            assert decide(c, trigger, payload, COORDINATOR).payload is not None
            assert refusal(c, trigger, payload, AUDITOR) == [AUDITOR_SENTENCE]
            assert decide(c, trigger, payload, AUDITOR).forbidden


def test_only_coordinators_integrations_and_the_system_start_a_coalition() -> None:
    for actor in (AUDITOR, partner_actor("VNG")):
        with pytest.raises(states.Refused) as refused:
            states.genesis(start_event(TASKFORCE, actor))
        assert refused.value.reasons == [f"{actor} may not start a coalition."]
    assert refused.value.reasons == ["rep-vng (VNG) as partner may not start a coalition."]
    for actor in (COORDINATOR, integration(), SYSTEM):
        assert states.genesis(start_event(TASKFORCE, actor)).state == "intent_and_interests"


def test_partners_fire_only_the_triggers_about_their_own_records() -> None:
    scoped = {name for name, spec in states.TRIGGERS.items() if spec.partner_scope is not None}
    assert scoped == PARTNER_TRIGGERS


def test_a_partner_records_its_own_interview_but_not_another_ones() -> None:
    c = states.genesis(start_event(TASKFORCE))
    aedes = partner_actor("Aedes")
    assert refusal(c, *_step_args(interview("VNG")), aedes) == [
        "rep-aedes (Aedes) as partner may change only Aedes's records, not VNG's."
    ]
    recorded = fire(c, *_step_args(interview("Aedes")), aedes)
    assert the_partner(recorded, "Aedes").interview is not None
    assert refusal(c, "mark_not_reached", {"partner": "Aedes", "reason": "Busy."}, aedes) == [
        "rep-aedes (Aedes) as partner: partners record only their own organisation's answers, "
        "commitments and action progress; mark_not_reached is for the coordinator."
    ]


def test_a_partner_commits_for_itself_only_and_cannot_found() -> None:
    c = walk(TASKFORCE, _TF_BEFORE_BASIS + [_TF_BASIS]).coalition
    vng = partner_actor("VNG")
    assert refusal(c, "commit", {"partner": "Aedes"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
    ]
    c = fire(c, "commit", {"partner": "VNG", "statement": "VNG is in."}, vng)
    c = fire(c, "commit", {"partner": "Aedes"}, partner_actor("Aedes"))
    assert decide(c, "found", {}, COORDINATOR).allowed
    assert refusal(c, "found", {}, vng) == [
        "rep-vng (VNG) as partner: partners record only their own organisation's answers, "
        "commitments and action progress; found is for the coordinator."
    ]
    assert decide(c, "found", {}, vng).forbidden


def test_a_partner_reports_progress_on_its_own_actions_only() -> None:
    c = walk(TASKFORCE, TF).coalition
    vng = partner_actor("VNG")
    c2 = fire(c, "report_progress", {"action": "A2", "status": "stalled", "note": "Waiting."}, vng)
    assert the_action(c2, "A2").status.value == "stalled"
    assert refusal(c, "report_progress", {"action": "A3", "status": "done"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
    ]
    assert refusal(c, "report_progress", {"action": "A4", "status": "done"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not unowned."
    ]
    # An open action can be picked up by a partner for itself, and then reported on.
    picked = fire(c, "pick_up_action", {"action": "A4", "partner": "BZK"}, partner_actor("BZK"))
    assert the_action(picked, "A4").owner == "BZK"
    assert refusal(c, "pick_up_action", {"action": "A4", "partner": "BZK"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not BZK's."
    ]
    fire(picked, "report_progress", {"action": "A4", "status": "in_progress"}, partner_actor("BZK"))


@pytest.mark.parametrize("trigger", sorted(set(states.TRIGGER_NAMES) - PARTNER_TRIGGERS))
def test_a_partner_is_refused_every_coordinator_trigger(trigger: str) -> None:
    c = walk(TASKFORCE, TF).coalition
    assert refusal(c, trigger, sample_payload(trigger, c, "VNG"), partner_actor("VNG")) == [
        "rep-vng (VNG) as partner: partners record only their own organisation's answers, "
        f"commitments and action progress; {trigger} is for the coordinator."
    ]


def test_an_integration_fires_only_its_allowed_triggers() -> None:
    crm = integration("record_interview", "sign_founding_basis")
    c = states.genesis(start_event(TASKFORCE))
    assert the_partner(fire(c, *_step_args(interview("ZN")), crm), "ZN").interview is not None
    assert refusal(c, "record_intent", {"intent": "x"}, crm) == [
        "crm as integration may fire only: record_interview, sign_founding_basis."
    ]
    founding = walk(TASKFORCE, steps_before(TF, "found")).coalition
    assert refusal(founding, "found", {}, crm) == [
        "crm as integration may fire only: record_interview, sign_founding_basis."
    ]
    signed = fire(founding, *_step_args(_TF_BASIS), crm)
    assert len(signed.founding_bases) == 2
    nothing = integration(key="esign")
    assert refusal(c, *_step_args(interview("ZN")), nothing) == [
        "esign as integration may fire only: nothing."
    ]


def test_the_system_may_fire_steps_such_as_follow_ups() -> None:
    c = walk(TASKFORCE, TF).coalition
    assert fire(c, "start_monitoring", {}, SYSTEM).state == "monitoring"
