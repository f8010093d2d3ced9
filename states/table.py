"""The method as data: states with their round and side, and the transition table.

Read this file top to bottom to know the method: every state, and every move between states
with the guards that must hold. Records that change no state (internal transitions) are rows
with `dest=None`. Behaviour lives in `states.effects` and `states.guards`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from lemniscate.models.coalition import Coalition
from lemniscate.states import guards as g
from lemniscate.states.guards import Guard


class Round(StrEnum):
    one = "1"
    two = "2"
    three = "3"
    execution = "execution"
    closure = "closure"


class Side(StrEnum):
    zij = "zij"  # society: questions, needs and interests of the environment
    ik = "ik"  # individual: vision, personal commitment, motivation
    wij = "wij"  # culture: collaboration, relation, interaction
    het = "het"  # material: structures, systems, means, concrete agreements


@dataclass(frozen=True)
class StateInfo:
    id: str
    round: Round
    side: Side
    step: int | None
    title: str
    final: bool = False


# Execution keeps circling the figure of eight: doing is material (het), monitoring looks at
# what happens in society (zij), deciding renews commitment (ik), adjusting reworks how the
# partners work together (wij). Closure states are placed where their work lies.
STATES: tuple[StateInfo, ...] = (
    StateInfo("intent_and_interests", Round.one, Side.zij, 1, "Own intent and partners' interests"),
    StateInfo("domain_mapping", Round.one, Side.ik, 2, "Map the coalition's domain"),
    StateInfo("own_collaboration_plan", Round.one, Side.wij, 3, "Own plan for the collaboration"),
    StateInfo("exploration_meeting_prep", Round.one, Side.het, 4, "Organise the exploration meeting"),
    StateInfo("sharing_interests", Round.two, Side.zij, 5, "Partners share interests and needs"),
    StateInfo("content_elaboration", Round.two, Side.ik, 6, "Work out the content"),
    StateInfo("collaboration_proposals", Round.two, Side.wij, 7, "Proposals for collaboration"),
    StateInfo("proposal_completion", Round.two, Side.het, 8, "Complete proposal or plan"),
    StateInfo("founding", Round.three, Side.het, 9, "Founding meeting"),
    StateInfo("approach_adoption", Round.three, Side.het, 9, "Adopt the plan of approach"),
    StateInfo("doing", Round.execution, Side.het, 10, "Execution: doing"),
    StateInfo("monitoring", Round.execution, Side.zij, 10, "Execution: monitoring"),
    StateInfo("deciding", Round.execution, Side.ik, 10, "Execution: deciding"),
    StateInfo("adjusting", Round.execution, Side.wij, 10, "Execution: adjusting the plan"),
    StateInfo("transforming", Round.closure, Side.zij, None, "Transforming to a new task"),
    StateInfo("closing", Round.closure, Side.wij, None, "Closing with recognition"),
    StateInfo("closed", Round.closure, Side.het, None, "Closed", final=True),
    StateInfo("dissolved", Round.closure, Side.het, None, "Dissolved", final=True),
)
STATE_INFO: dict[str, StateInfo] = {s.id: s for s in STATES}
INITIAL_STATE = "intent_and_interests"

ROUND_ONE = ("intent_and_interests", "domain_mapping", "own_collaboration_plan", "exploration_meeting_prep")
ROUND_TWO = ("sharing_interests", "content_elaboration", "collaboration_proposals", "proposal_completion")
ROUND_THREE = ("founding", "approach_adoption")
EXECUTION = ("doing", "monitoring", "deciding", "adjusting")
PREPARING = ROUND_ONE + ROUND_TWO + ROUND_THREE
ACTIVE = tuple(s.id for s in STATES if not s.final)


def current_round(c: Coalition) -> Round:
    """Round 2's ik/wij/het steps are walked again in round 3 after an initiative founding
    (figure 2 of the step plan labels them 'Ronde 2/3')."""
    info = STATE_INFO[c.state]
    if info.round == Round.two and c.founded:
        return Round.three
    return info.round


Selector = Callable[[Coalition], bool]


@dataclass(frozen=True)
class Move:
    trigger: str
    sources: tuple[str, ...]
    dest: str | None = None
    guards: tuple[Guard, ...] = ()
    when: tuple[Selector, ...] = field(default=())

    @property
    def is_step(self) -> bool:
        return self.dest is not None


def _step(
    trigger: str, source: str | tuple[str, ...], dest: str, *guards: Guard, when: tuple[Selector, ...] = ()
) -> Move:
    sources = (source,) if isinstance(source, str) else source
    return Move(trigger, sources, dest, (*guards, g.playbook_gate(trigger)), when)


def _record(trigger: str, sources: tuple[str, ...]) -> Move:
    return Move(trigger, sources, None, (g.playbook_gate(trigger),))


MOVES: tuple[Move, ...] = (
    # Round 1: prepare well, then bring the prospective partners together.
    _step(
        "map_domain",
        "intent_and_interests",
        "domain_mapping",
        g.INTENT_RECORDED,
        g.PARTNERS_INTERVIEWED_OR_UNREACHED,
        g.ENOUGH_INTERVIEWS,
    ),
    _step("plan_collaboration", "domain_mapping", "own_collaboration_plan", g.SHARED_TOPIC),
    _step(
        "prepare_exploration_meeting",
        "own_collaboration_plan",
        "exploration_meeting_prep",
        g.INTERVIEWED_PARTNERS_PLACED,
    ),
    _step(
        "hold_exploration_meeting",
        "exploration_meeting_prep",
        "sharing_interests",
        g.EXPLORATION_MEETING_PLANNED,
        g.EXPLORATION_INVITEES,
        g.EXPLORATION_INVITER,
    ),
    # Round 2: work on a mandate from the partners; the commitment level picks the track.
    _step(
        "elaborate_content",
        "sharing_interests",
        "content_elaboration",
        g.EXPLORATION_OUTCOME_RECORDED,
        g.COMMITMENT_GIVEN,
    ),
    _step(
        "return_to_round_one",
        "sharing_interests",
        "intent_and_interests",
        g.EXPLORATION_OUTCOME_RECORDED,
        g.COMMITMENT_ABSENT,
    ),
    _step(
        "propose_collaboration",
        "content_elaboration",
        "collaboration_proposals",
        g.VISION_RECORDED,
        g.CONTENT_OPTIONS,
        g.PLAN_HAS_ACTIONS,
    ),
    _step(
        "complete_proposal",
        "collaboration_proposals",
        "proposal_completion",
        g.COLLABORATION_OPTIONS,
        g.COLLABORATION_MODEL_CHOSEN,
    ),
    # Round 3: found on the proposal (variant a) or on the plan (variant b).
    _step(
        "call_founding_meeting",
        "proposal_completion",
        "founding",
        g.BASIC_AGREEMENTS,
        g.ACTIONS_SETTLED,
        g.COLLABORATION_MODEL_CHOSEN,
        when=(g.is_not_founded,),
    ),
    _step(
        "call_adoption_meeting",
        "proposal_completion",
        "approach_adoption",
        g.ACTIONS_SETTLED,
        g.COLLABORATION_MODEL_CHOSEN,
        when=(g.is_founded,),
    ),
    _step(
        "found",
        "founding",
        "content_elaboration",
        g.FOUNDING_BASIS,
        g.ENOUGH_COMMITTED,
        when=(g.on_initiative_track,),
    ),
    _step("found", "founding", "doing", g.FOUNDING_BASIS, g.ENOUGH_COMMITTED, when=(g.on_plan_track,)),
    _step("adopt_approach", "approach_adoption", "doing", g.PLAN_OF_APPROACH_ADOPTED, g.ENOUGH_COMMITTED),
    # Execution: doing -> monitoring -> deciding -> adjusting -> doing.
    _step("start_monitoring", "doing", "monitoring"),
    _step("decide", "monitoring", "deciding", g.MONITORING_THIS_CYCLE),
    _step("adjust", "deciding", "adjusting", g.DECISION_THIS_CYCLE),
    _step("resume_doing", "adjusting", "doing"),
    # Closure: transform to a new task, close with recognition, or dissolve.
    _step("transform", EXECUTION, "transforming"),
    _step("begin_new_lemniscate", "transforming", "intent_and_interests"),
    _step("start_closing", (*EXECUTION, "transforming"), "closing"),
    _step("close", "closing", "closed", g.EVERYONE_CREDITED),
    _step("dissolve", PREPARING, "dissolved", g.NOT_FOUNDED),
    # Records: change what the coalition knows, not where it stands.
    _record("record_intent", ROUND_ONE),
    _record("add_partner", ACTIVE),
    _record("record_interview", ACTIVE),
    _record("mark_not_reached", ACTIVE),
    _record("update_agenda", ACTIVE),
    _record("map_topic", PREPARING[1:]),
    _record("place_partner", ACTIVE[2:]),
    _record("sketch_collaboration", ("own_collaboration_plan", "exploration_meeting_prep")),
    _record("plan_meeting", ACTIVE),
    _record("reschedule_meeting", ACTIVE),
    _record("record_meeting_outcome", ACTIVE),
    _record("record_vision", ROUND_TWO[1:] + ("approach_adoption",)),
    _record("add_option", ROUND_TWO[1:]),
    _record("remove_option", ROUND_TWO[1:]),
    _record("choose_collaboration_model", ROUND_TWO[2:] + ROUND_THREE),
    _record("add_action", ROUND_TWO[1:] + ROUND_THREE + ("adjusting",)),
    _record("update_action", ROUND_TWO[1:] + ROUND_THREE + ("adjusting",)),
    _record("record_basic_agreements", ("proposal_completion", "founding")),
    _record("sign_founding_basis", ROUND_TWO + ROUND_THREE + EXECUTION),
    _record("commit", ROUND_TWO + ROUND_THREE + EXECUTION),
    _record("report_progress", EXECUTION),
    _record("pick_up_action", EXECUTION),
    _record("record_funder", ROUND_THREE + EXECUTION),
    _record("open_accountability_item", EXECUTION),
    _record("record_monitoring_report", ("monitoring",)),
    _record("record_decision", ("deciding",)),
    _record("build_message_house", ACTIVE),
    _record("choose_positioning", ACTIVE),
    _record("record_constituency_support", ACTIVE),
    _record("publish_toolkit", ACTIVE),
    _record("join_communication_coalition", ACTIVE),
    _record("record_signal", ACTIVE),
    _record("credit_partner", ("closing",)),
    _record("spawn_region", ACTIVE),
    _record("signal_national", ACTIVE),
)

TRIGGER_NAMES: tuple[str, ...] = tuple(dict.fromkeys(m.trigger for m in MOVES))
