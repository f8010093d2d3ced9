"""The method's states: each with its round, side, step and title, and their groupings.

The moves between states are declared with their triggers in `states.triggers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lemniscate.models.coalition import Coalition
from lemniscate.states.names import StateName as S


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
    id: S
    round: Round
    side: Side
    step: int | None
    title: str
    final: bool = False


# Execution keeps circling the figure of eight: doing is material (het), monitoring looks at
# what happens in society (zij), deciding renews commitment (ik), adjusting reworks how the
# partners work together (wij). Closure states are placed where their work lies.
STATES: tuple[StateInfo, ...] = (
    StateInfo(S.intent_and_interests, Round.one, Side.zij, 1, "Own intent and partners' interests"),
    StateInfo(S.domain_mapping, Round.one, Side.ik, 2, "Map the coalition's domain"),
    StateInfo(S.own_collaboration_plan, Round.one, Side.wij, 3, "Own plan for the collaboration"),
    StateInfo(S.exploration_meeting_prep, Round.one, Side.het, 4, "Organise the exploration meeting"),
    StateInfo(S.sharing_interests, Round.two, Side.zij, 5, "Partners share interests and needs"),
    StateInfo(S.content_elaboration, Round.two, Side.ik, 6, "Work out the content"),
    StateInfo(S.collaboration_proposals, Round.two, Side.wij, 7, "Proposals for collaboration"),
    StateInfo(S.proposal_completion, Round.two, Side.het, 8, "Complete proposal or plan"),
    StateInfo(S.founding, Round.three, Side.het, 9, "Founding meeting"),
    StateInfo(S.approach_adoption, Round.three, Side.het, 9, "Adopt the plan of approach"),
    StateInfo(S.doing, Round.execution, Side.het, 10, "Execution: doing"),
    StateInfo(S.monitoring, Round.execution, Side.zij, 10, "Execution: monitoring"),
    StateInfo(S.deciding, Round.execution, Side.ik, 10, "Execution: deciding"),
    StateInfo(S.adjusting, Round.execution, Side.wij, 10, "Execution: adjusting the plan"),
    StateInfo(S.transforming, Round.closure, Side.zij, None, "Transforming to a new task"),
    StateInfo(S.closing, Round.closure, Side.wij, None, "Closing with recognition"),
    StateInfo(S.closed, Round.closure, Side.het, None, "Closed", final=True),
    StateInfo(S.dissolved, Round.closure, Side.het, None, "Dissolved", final=True),
)
STATE_INFO: dict[str, StateInfo] = {s.id: s for s in STATES}
INITIAL_STATE = S.intent_and_interests

ROUND_ONE = (S.intent_and_interests, S.domain_mapping, S.own_collaboration_plan, S.exploration_meeting_prep)
ROUND_TWO = (S.sharing_interests, S.content_elaboration, S.collaboration_proposals, S.proposal_completion)
ROUND_THREE = (S.founding, S.approach_adoption)
EXECUTION = (S.doing, S.monitoring, S.deciding, S.adjusting)
PREPARING = ROUND_ONE + ROUND_TWO + ROUND_THREE
ACTIVE = tuple(s.id for s in STATES if not s.final)


def current_round(c: Coalition) -> Round:
    """Round 2's ik/wij/het steps are walked again in round 3 after an initiative founding
    (figure 2 of the step plan labels them 'Ronde 2/3')."""
    info = STATE_INFO[c.state]
    if info.round == Round.two and c.founded:
        return Round.three
    return info.round
