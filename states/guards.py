"""Named guards: the conditions to leave a state forward, each explaining itself.

A guard returns None when it holds, or one sentence a coordinator understands saying what is
missing and which trigger supplies it (the checks and their sentences: `states.guard_checks`).
Each also says, as a Sentence, when it holds (`describe`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lemniscate.models.coalition import Coalition
from lemniscate.models.playbook import CommunicationItem
from lemniscate.models.records import Track
from lemniscate.models.sentence import Sentence
from lemniscate.states import guard_checks as k
from lemniscate.states.guard_checks import Check
from lemniscate.states.names import TriggerName as T
from lemniscate.states.words import trigger_word


@dataclass(frozen=True)
class Guard:
    name: str
    describe: str  # when it holds, as a Sentence
    check: Check

    def __call__(self, coalition: Coalition) -> str | None:
        return self.check(coalition)


_HOW_TO_SUPPLY: dict[CommunicationItem, str] = {
    CommunicationItem.message_house: Sentence(
        "gate.message-house", "a message house ({step})", step=trigger_word(T.build_message_house)
    ),
    CommunicationItem.positioning: Sentence(
        "gate.positioning", "a positioning choice ({step})", step=trigger_word(T.choose_positioning)
    ),
    CommunicationItem.constituency_support: Sentence(
        "gate.constituency-support",
        "constituency support of every committed partner ({step})",
        step=trigger_word(T.record_constituency_support),
    ),
    CommunicationItem.toolkit: Sentence(
        "gate.toolkit",
        "a toolkit for the partners' own channels ({step})",
        step=trigger_word(T.publish_toolkit),
    ),
    CommunicationItem.communication_coalition: Sentence(
        "gate.communication-coalition",
        "a communication advisor of every committed partner ({step})",
        step=trigger_word(T.join_communication_coalition),
    ),
}


def _in_turn(items: list[str]) -> str:
    """`items` one after the other, each ending where the next begins with a semicolon."""
    said = items[-1]
    for item in reversed(items[:-1]):
        said = Sentence("gate.and-then", "{first}; {rest}", first=item, rest=said)
    return said


def communication_item_present(c: Coalition, item: CommunicationItem) -> bool:
    committed = c.committed_partners()
    match item:
        case CommunicationItem.message_house:
            return c.communication.message_house is not None
        case CommunicationItem.positioning:
            return c.communication.positioning is not None
        case CommunicationItem.toolkit:
            return bool(c.communication.toolkit)
        case CommunicationItem.constituency_support:
            return bool(committed) and all(p.constituency is not None for p in committed)
        case CommunicationItem.communication_coalition:
            return bool(committed) and all(p.communication_advisor for p in committed)


def playbook_gate(trigger: str) -> Guard:
    """The communication items the pinned playbook demands before `trigger`."""

    def check(c: Coalition) -> str | None:
        missing = [
            _HOW_TO_SUPPLY[item]
            for item in c.playbook.gates.get(trigger, [])
            if not communication_item_present(c, item)
        ]
        if missing:
            return Sentence(
                "guard.playbook-gate",
                "The playbook {playbook} requires before {step}: {missing}.",
                playbook=c.playbook.ref,
                step=trigger_word(trigger),
                missing=_in_turn(missing),
            )
        return None

    holds = Sentence("holds.playbook_gate", "communication items the playbook requires")
    return Guard(f"playbook_gate:{trigger}", holds, check)


INTENT_RECORDED = Guard(
    "intent_recorded",
    Sentence("holds.intent_recorded", "the initiator's intent is recorded"),
    k.intent_recorded,
)
PARTNERS_INTERVIEWED_OR_UNREACHED = Guard(
    "partners_interviewed_or_unreached",
    Sentence(
        "holds.partners_interviewed_or_unreached",
        "every prospective partner is interviewed or marked not reached with a reason",
    ),
    k.partners_interviewed_or_unreached,
)
ENOUGH_INTERVIEWS = Guard(
    "enough_interviews",
    Sentence("holds.enough_interviews", "at least the playbook's minimum of partners interviewed"),
    k.enough_interviews,
)
SHARED_TOPIC = Guard(
    "shared_topic",
    Sentence("holds.shared_topic", "at least one domain topic shared by two or more partners"),
    k.shared_topic,
)
INTERVIEWED_PARTNERS_PLACED = Guard(
    "interviewed_partners_placed",
    Sentence(
        "holds.interviewed_partners_placed",
        "every interviewed partner has a role, execution power, interest and influence",
    ),
    k.interviewed_partners_placed,
)
EXPLORATION_MEETING_PLANNED = Guard(
    "exploration_meeting_planned",
    Sentence("holds.exploration_meeting_planned", "an exploration meeting with a date"),
    k.exploration_meeting_planned,
)
EXPLORATION_INVITEES = Guard(
    "exploration_invitees",
    Sentence("holds.exploration_invitees", "at least two invitees"),  # or the playbook's number
    k.exploration_invitees,
)
EXPLORATION_INVITER = Guard(
    "exploration_inviter", Sentence("holds.exploration_inviter", "an inviter is named"), k.exploration_inviter
)
EXPLORATION_OUTCOME_RECORDED = Guard(
    "exploration_outcome_recorded",
    Sentence("holds.exploration_outcome_recorded", "the exploration meeting's outcome is recorded"),
    k.exploration_outcome_recorded,
)
COMMITMENT_GIVEN = Guard(
    "commitment_given",
    Sentence("holds.commitment_given", "commitment was tentative or strong"),
    k.commitment_given,
)
COMMITMENT_ABSENT = Guard(
    "commitment_absent", Sentence("holds.commitment_absent", "commitment was none"), k.commitment_absent
)
VISION_RECORDED = Guard(
    "vision_recorded", Sentence("holds.vision_recorded", "vision and goals are worked out"), k.vision_recorded
)
CONTENT_OPTIONS = Guard(
    "content_options",
    Sentence("holds.content_options", "initiative track: two or three content options"),
    k.content_options,
)
PLAN_HAS_ACTIONS = Guard(
    "plan_has_actions",
    Sentence("holds.plan_has_actions", "plan track: at least one action"),
    k.plan_has_actions,
)
COLLABORATION_OPTIONS = Guard(
    "collaboration_options",
    Sentence("holds.collaboration_options", "initiative track: two or three collaboration options"),
    k.collaboration_options,
)
COLLABORATION_MODEL_CHOSEN = Guard(
    "collaboration_model_chosen",
    Sentence(
        "holds.collaboration_model_chosen", "plan track: the way of organising the collaboration is chosen"
    ),
    k.collaboration_model_chosen,
)
ACTIONS_SETTLED = Guard(
    "actions_settled",
    Sentence(
        "holds.actions_settled",
        "plan track: every action has an owner or is explicitly unassigned, and a funding class",
    ),
    k.actions_settled,
)
BASIC_AGREEMENTS = Guard(
    "basic_agreements",
    Sentence(
        "holds.basic_agreements", "initiative track: basic agreements on funding and progress monitoring"
    ),
    k.basic_agreements,
)
FOUNDING_BASIS = Guard(
    "founding_basis", Sentence("holds.founding_basis", "a founding basis is signed"), k.founding_basis
)
ENOUGH_COMMITTED = Guard(
    "enough_committed",
    Sentence("holds.enough_committed", "at least the playbook's minimum of committed partners"),
    k.enough_committed,
)
PLAN_OF_APPROACH_ADOPTED = Guard(
    "plan_of_approach_adopted",
    Sentence("holds.plan_of_approach_adopted", "the plan of approach is signed"),
    k.plan_of_approach_adopted,
)
MONITORING_THIS_CYCLE = Guard(
    "monitoring_this_cycle",
    Sentence("holds.monitoring_this_cycle", "a monitoring report in this cycle"),
    k.monitoring_this_cycle,
)
DECISION_THIS_CYCLE = Guard(
    "decision_this_cycle",
    Sentence("holds.decision_this_cycle", "a decision in this cycle"),
    k.decision_this_cycle,
)
NOT_FOUNDED = Guard(
    "not_founded", Sentence("holds.not_founded", "the coalition was never founded"), k.not_founded
)
EVERYONE_CREDITED = Guard(
    "everyone_credited",
    Sentence(
        "holds.everyone_credited", "every committed partner and action owner is credited for its contribution"
    ),
    k.everyone_credited,
)


# Selectors choose between transitions of one trigger; they are never reported as blockers.
def on_initiative_track(c: Coalition) -> bool:
    return c.track == Track.initiative


def on_plan_track(c: Coalition) -> bool:
    return c.track == Track.plan


def is_founded(c: Coalition) -> bool:
    return c.founded


def is_not_founded(c: Coalition) -> bool:
    return not c.founded
