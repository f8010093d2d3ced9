"""Every guard fails with its sentence and then holds (one case per guard)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.states import guards as g
from lemniscate.states.guards import Guard
from tests.support.guard_walks import (
    CITY,
    CT,
    STRICT_TASKFORCE,
    TASKFORCE,
    TF,
    TF_ALL,
    TF_BASIS,
    TF_BEFORE_BASIS,
    TF_BEFORE_FOUND,
    TF_BEFORE_OUTCOME,
    TF_CYCLE,
    TF_INTERVIEWS,
    TF_OUTCOME,
    TF_TO_PREP,
    commit_step,
    credit_step,
    plan_exploration,
)
from tests.support.method_helpers import (
    MESSAGE_HOUSE,
    POSITIONING,
    decide,
    exploration_outcome,
    fire,
    interview,
    refusal,
    steps_before,
    steps_through,
    walk,
)


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


CASES: list[GuardCase] = [
    _case(
        g.INTENT_RECORDED,
        TASKFORCE,
        TF_INTERVIEWS[1:],
        "map_domain",
        "The initiator's own intent is not recorded yet (record_intent).",
        TF_INTERVIEWS[:1],
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
        [*TF_TO_PREP, plan_exploration(["VNG", "Aedes"], ["VWS"], kind="other")],
        "hold_exploration_meeting",
        "No exploration meeting is planned (plan_meeting with kind 'exploration').",
        [plan_exploration(["VNG", "Aedes"], ["VWS"])],
        "sharing_interests",
    ),
    _case(
        g.EXPLORATION_INVITEES,
        TASKFORCE,
        [*TF_TO_PREP, plan_exploration(["VNG", "VNG"], ["VWS"])],
        "hold_exploration_meeting",
        "The exploration meeting has 1 invitee; invite at least two.",
        [plan_exploration(["VNG", "Aedes", "ActiZ"], ["VWS"])],
        "sharing_interests",
    ),
    _case(
        g.EXPLORATION_INVITER,
        TASKFORCE,
        [*TF_TO_PREP, plan_exploration(["VNG", "Aedes"], [])],
        "hold_exploration_meeting",
        "Nobody is named as inviter of the exploration meeting (a lead partner or frontrunners).",
        [plan_exploration(["VNG", "Aedes"], ["VNG", "Aedes"])],
        "sharing_interests",
    ),
    _case(
        g.EXPLORATION_OUTCOME_RECORDED,
        TASKFORCE,
        TF_BEFORE_OUTCOME,
        "elaborate_content",
        "The outcome of the exploration meeting is not recorded yet (record_meeting_outcome).",
        [TF_OUTCOME],
        "content_elaboration",
    ),
    _case(
        g.COMMITMENT_GIVEN,
        TASKFORCE,
        [*TF_BEFORE_OUTCOME, exploration_outcome("M1", "none", ["VNG", "Aedes"])],
        "elaborate_content",
        "The exploration meeting ended without commitment: go back to round 1 "
        "(return_to_round_one) or stop (dissolve).",
        [
            Step("return_to_round_one"),
            Step("map_domain"),
            Step("plan_collaboration"),
            Step("prepare_exploration_meeting"),
            plan_exploration(["VNG", "Aedes"], ["VWS"]),
            Step("hold_exploration_meeting"),
            exploration_outcome("M2", "tentative", ["VNG", "Aedes"]),
        ],
        "content_elaboration",
    ),
    GuardCase(
        g.COMMITMENT_ABSENT,
        TASKFORCE,
        [*TF_BEFORE_OUTCOME, TF_OUTCOME],
        "return_to_round_one",
        "Commitment at the exploration meeting was strong: work it out instead (elaborate_content).",
        [*TF_BEFORE_OUTCOME, exploration_outcome("M1", "none", ["VNG"])],
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
        [*TF_BEFORE_BASIS, *[commit_step(org) for org in ("VNG", "Aedes")]],
        "found",
        "No founding basis is signed yet: a declaration of intent, plan of approach, "
        "covenant or contract (sign_founding_basis).",
        [*TF_BEFORE_BASIS, *[commit_step(org) for org in ("VNG", "Aedes")], TF_BASIS],
        "doing",
    ),
    _case(
        g.ENOUGH_COMMITTED,
        TASKFORCE,
        [*TF_BEFORE_BASIS, TF_BASIS, commit_step("VNG")],
        "found",
        "1 partner has committed; the playbook default@1 asks for at least 2 (commit).",
        [commit_step("ZN")],
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
        steps_through(TF_CYCLE, "start_monitoring"),
        "decide",
        "No monitoring report in this cycle yet (record_monitoring_report).",
        [Step("record_monitoring_report", {"summary": "On track."})],
        "deciding",
    ),
    _case(
        g.DECISION_THIS_CYCLE,
        TASKFORCE,
        steps_through(TF_CYCLE, "decide"),
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
        [*steps_through(TF_ALL, "start_closing"), credit_step("VNG"), credit_step("Aedes")],
        "close",
        "2 partners are not yet credited for their contribution: ActiZ, ZN (credit_partner).",
        [credit_step("ActiZ"), credit_step("ZN")],
        "closed",
        {"summary": "Done, with thanks."},
    ),
    _case(
        g.playbook_gate("found"),
        STRICT_TASKFORCE,
        TF_BEFORE_FOUND,
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
