"""The method's states: each with its round, side, step and title, and their groupings.

The moves between states are declared with their triggers in `states.triggers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lemniscate.models.coalition import Coalition
from lemniscate.models.sentence import Sentence
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
    title: str  # a Sentence: said in the reader's language
    final: bool = False


# Execution keeps circling the figure of eight: doing is material (het), monitoring looks at
# what happens in society (zij), deciding renews commitment (ik), adjusting reworks how the
# partners work together (wij). Closure states are placed where their work lies.
# fmt: off
STATES: tuple[StateInfo, ...] = (
    StateInfo(S.intent_and_interests, Round.one, Side.zij, 1,
              Sentence("state-title.intent_and_interests", "Own intent and partners' interests")),
    StateInfo(S.domain_mapping, Round.one, Side.ik, 2,
              Sentence("state-title.domain_mapping", "Map the coalition's domain")),
    StateInfo(S.own_collaboration_plan, Round.one, Side.wij, 3,
              Sentence("state-title.own_collaboration_plan", "Own plan for the collaboration")),
    StateInfo(S.exploration_meeting_prep, Round.one, Side.het, 4,
              Sentence("state-title.exploration_meeting_prep", "Organise the exploration meeting")),
    StateInfo(S.sharing_interests, Round.two, Side.zij, 5,
              Sentence("state-title.sharing_interests", "Partners share interests and needs")),
    StateInfo(S.content_elaboration, Round.two, Side.ik, 6,
              Sentence("state-title.content_elaboration", "Work out the content")),
    StateInfo(S.collaboration_proposals, Round.two, Side.wij, 7,
              Sentence("state-title.collaboration_proposals", "Proposals for collaboration")),
    StateInfo(S.proposal_completion, Round.two, Side.het, 8,
              Sentence("state-title.proposal_completion", "Complete proposal or plan")),
    StateInfo(S.founding, Round.three, Side.het, 9,
              Sentence("state-title.founding", "Founding meeting")),
    StateInfo(S.approach_adoption, Round.three, Side.het, 9,
              Sentence("state-title.approach_adoption", "Adopt the plan of approach")),
    StateInfo(S.doing, Round.execution, Side.het, 10,
              Sentence("state-title.doing", "Execution: doing")),
    StateInfo(S.monitoring, Round.execution, Side.zij, 10,
              Sentence("state-title.monitoring", "Execution: monitoring")),
    StateInfo(S.deciding, Round.execution, Side.ik, 10,
              Sentence("state-title.deciding", "Execution: deciding")),
    StateInfo(S.adjusting, Round.execution, Side.wij, 10,
              Sentence("state-title.adjusting", "Execution: adjusting the plan")),
    StateInfo(S.transforming, Round.closure, Side.zij, None,
              Sentence("state-title.transforming", "Transforming to a new task")),
    StateInfo(S.closing, Round.closure, Side.wij, None,
              Sentence("state-title.closing", "Closing with recognition")),
    StateInfo(S.closed, Round.closure, Side.het, None,
              Sentence("state-title.closed", "Closed"), final=True),
    StateInfo(S.dissolved, Round.closure, Side.het, None,
              Sentence("state-title.dissolved", "Dissolved"), final=True),
)
# fmt: on
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
