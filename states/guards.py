"""Named guards: the conditions to leave a state forward, each explaining itself.

A guard returns None when it holds, or one sentence a coordinator understands saying what is
missing and which trigger supplies it. Guards that only concern one track hold on the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lemniscate.models.coalition import ActionStatus, BasisKind, Coalition, OptionKind
from lemniscate.models.playbook import CommunicationItem
from lemniscate.models.records import CommitmentLevel, Track

Check = Callable[[Coalition], str | None]


@dataclass(frozen=True)
class Guard:
    name: str
    describe: str
    check: Check

    def __call__(self, coalition: Coalition) -> str | None:
        return self.check(coalition)


def _names(items: Iterable[str]) -> str:
    return ", ".join(items)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _fails_if(failing: Callable[[Coalition], bool], sentence: str) -> Check:
    """A check that says `sentence` when `failing` is true of the coalition, and holds otherwise."""
    return lambda c: sentence if failing(c) else None


def _on_track(track: Track, check: Check) -> Check:
    """`check` on `track`; on the other track, or before one is chosen, the guard holds."""
    return lambda c: check(c) if c.track == track else None


def _playbook_minimum(
    c: Coalition, have: int, need: int, one: str, many: str, supply: str = ""
) -> str | None:
    """`have` counted as `one` or `many`, short of the playbook's minimum `need`."""
    if have < need:
        return f"{_plural(have, one, many)}; the playbook {c.playbook.ref} asks for at least {need}{supply}."
    return None


_intent_recorded = _fails_if(
    lambda c: c.intent is None, "The initiator's own intent is not recorded yet (record_intent)."
)


def _partners_interviewed_or_unreached(c: Coalition) -> str | None:
    if not c.partners:
        return "There are no prospective partners yet (add_partner)."
    open_ = [p.name for p in c.partners if p.interview is None and p.not_reached_reason is None]
    if open_:
        return (
            f"{len(open_)} of {_plural(len(c.partners), 'prospective partner', 'prospective partners')}"
            f" {'has' if len(open_) == 1 else 'have'} no interview: {_names(open_)} "
            "(record_interview, or mark_not_reached with a reason)."
        )
    return None


def _enough_interviews(c: Coalition) -> str | None:
    done = sum(1 for p in c.partners if p.interview is not None)
    return _playbook_minimum(
        c, done, c.playbook.min_interviews, "partner is interviewed", "partners are interviewed"
    )


_shared_topic = _fails_if(
    lambda c: not any(len(set(t.partners)) >= 2 for t in c.topics),
    "No domain topic is shared by two or more partners yet (map_topic).",
)


def _interviewed_partners_placed(c: Coalition) -> str | None:
    unplaced = [p.name for p in c.partners if p.interview is not None and p.placement is None]
    if unplaced:
        return (
            f"{_plural(len(unplaced), 'interviewed partner is', 'interviewed partners are')} "
            f"not placed in the collaboration plan yet: {_names(unplaced)} (place_partner)."
        )
    return None


_exploration_meeting_planned = _fails_if(
    lambda c: c.exploration_meeting() is None,
    "No exploration meeting is planned (plan_meeting with kind 'exploration').",
)


def _exploration_invitees(c: Coalition) -> str | None:
    meeting = c.exploration_meeting()
    if meeting is not None and len(set(meeting.invitees)) < 2:
        return (
            f"The exploration meeting has {_plural(len(set(meeting.invitees)), 'invitee', 'invitees')};"
            " invite at least two."
        )
    return None


def _exploration_inviter(c: Coalition) -> str | None:
    meeting = c.exploration_meeting()
    if meeting is not None and not meeting.inviters:
        return "Nobody is named as inviter of the exploration meeting (a lead partner or frontrunners)."
    return None


def _exploration_outcome_recorded(c: Coalition) -> str | None:
    meeting = c.exploration_meeting()
    if meeting is None or meeting.outcome is None:
        return "The outcome of the exploration meeting is not recorded yet (record_meeting_outcome)."
    return None


def _exploration_commitment(c: Coalition) -> CommitmentLevel | None:
    meeting = c.exploration_meeting()
    return meeting.outcome.commitment if meeting and meeting.outcome else None


_commitment_given = _fails_if(
    lambda c: _exploration_commitment(c) == CommitmentLevel.none,
    "The exploration meeting ended without commitment: go back to round 1 "
    "(return_to_round_one) or stop (dissolve).",
)


def _commitment_absent(c: Coalition) -> str | None:
    level = _exploration_commitment(c)
    if level is not None and level != CommitmentLevel.none:
        return (
            f"Commitment at the exploration meeting was {level.value}: "
            "work it out instead (elaborate_content)."
        )
    return None


_vision_recorded = _fails_if(
    lambda c: c.vision is None, "The shared vision is not worked out yet (record_vision)."
)


def _options_between_bounds(kind: OptionKind) -> Check:
    """Initiative track: as many options of `kind` as the playbook's bounds allow."""

    def check(c: Coalition) -> str | None:
        count = len(c.options_of(kind))
        low, high = c.playbook.min_options, c.playbook.max_options
        if not low <= count <= high:
            return (
                f"The initiative proposal needs {low} to {high} {kind.value} options; "
                f"there {'is' if count == 1 else 'are'} {count} (add_option)."
            )
        return None

    return _on_track(Track.initiative, check)


_content_options = _options_between_bounds(OptionKind.content)
_collaboration_options = _options_between_bounds(OptionKind.collaboration)

_plan_has_actions = _on_track(
    Track.plan,
    _fails_if(
        lambda c: all(a.status == ActionStatus.cancelled for a in c.actions),
        "The plan of approach has no actions yet (add_action).",
    ),
)

_collaboration_model_chosen = _on_track(
    Track.plan,
    _fails_if(
        lambda c: c.collaboration_model is None,
        "No way of organising the collaboration is chosen (choose_collaboration_model).",
    ),
)


def _unsettled_actions(c: Coalition) -> str | None:
    unsettled = [a.id for a in c.actions if a.status != ActionStatus.cancelled and not a.settled]
    if unsettled:
        return (
            f"{_plural(len(unsettled), 'action lacks', 'actions lack')} an owner (or an explicit "
            f"'unassigned') or a funding class: {_names(unsettled)} (update_action)."
        )
    return None


_actions_settled = _on_track(Track.plan, _unsettled_actions)

_basic_agreements = _on_track(
    Track.initiative,
    _fails_if(
        lambda c: c.basic_agreements is None,
        "Basic agreements on funding and progress monitoring are missing (record_basic_agreements).",
    ),
)

_founding_basis = _fails_if(
    lambda c: not c.founding_bases,
    "No founding basis is signed yet: a declaration of intent, plan of approach, "
    "covenant or contract (sign_founding_basis).",
)


def _enough_committed(c: Coalition) -> str | None:
    have = len(c.committed_partners())
    need = c.playbook.min_committed_partners
    return _playbook_minimum(c, have, need, "partner has committed", "partners have committed", " (commit)")


_plan_of_approach_adopted = _fails_if(
    lambda c: not any(b.kind == BasisKind.plan_of_approach for b in c.founding_bases),
    "The plan of approach is not adopted yet: sign it as a founding basis of kind "
    "'plan_of_approach' (sign_founding_basis).",
)

_monitoring_this_cycle = _fails_if(
    lambda c: not any(r.cycle == c.cycle for r in c.monitoring_reports),
    "No monitoring report in this cycle yet (record_monitoring_report).",
)

_decision_this_cycle = _fails_if(
    lambda c: not any(d.cycle == c.cycle for d in c.decisions),
    "No decision is recorded in this cycle yet (record_decision).",
)

_not_founded = _fails_if(
    lambda c: c.founded,
    "The coalition is founded: close it deliberately (start_closing), do not dissolve it.",
)


def _everyone_credited(c: Coalition) -> str | None:
    owners = {a.owner for a in c.actions if a.owner is not None}
    due = [p.name for p in c.partners if (p.committed or p.name in owners) and not p.contribution]
    if due:
        return (
            f"{_plural(len(due), 'partner is', 'partners are')} not yet credited for "
            f"{'its' if len(due) == 1 else 'their'} contribution: {_names(due)} (credit_partner)."
        )
    return None


_HOW_TO_SUPPLY = {
    CommunicationItem.message_house: "a message house (build_message_house)",
    CommunicationItem.positioning: "a positioning choice (choose_positioning)",
    CommunicationItem.constituency_support: "constituency support of every committed partner "
    "(record_constituency_support)",
    CommunicationItem.toolkit: "a toolkit for the partners' own channels (publish_toolkit)",
    CommunicationItem.communication_coalition: "a communication advisor of every committed "
    "partner (join_communication_coalition)",
}


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
            return f"The playbook {c.playbook.ref} requires before {trigger}: {'; '.join(missing)}."
        return None

    return Guard(f"playbook_gate:{trigger}", "communication items the playbook requires", check)


INTENT_RECORDED = Guard("intent_recorded", "the initiator's intent is recorded", _intent_recorded)
PARTNERS_INTERVIEWED_OR_UNREACHED = Guard(
    "partners_interviewed_or_unreached",
    "every prospective partner is interviewed or marked not reached with a reason",
    _partners_interviewed_or_unreached,
)
ENOUGH_INTERVIEWS = Guard(
    "enough_interviews", "at least the playbook's minimum of partners interviewed", _enough_interviews
)
SHARED_TOPIC = Guard(
    "shared_topic", "at least one domain topic shared by two or more partners", _shared_topic
)
INTERVIEWED_PARTNERS_PLACED = Guard(
    "interviewed_partners_placed",
    "every interviewed partner has a role, execution power, interest and influence",
    _interviewed_partners_placed,
)
EXPLORATION_MEETING_PLANNED = Guard(
    "exploration_meeting_planned", "an exploration meeting with a date", _exploration_meeting_planned
)
EXPLORATION_INVITEES = Guard("exploration_invitees", "at least two invitees", _exploration_invitees)
EXPLORATION_INVITER = Guard("exploration_inviter", "an inviter is named", _exploration_inviter)
EXPLORATION_OUTCOME_RECORDED = Guard(
    "exploration_outcome_recorded",
    "the exploration meeting's outcome is recorded",
    _exploration_outcome_recorded,
)
COMMITMENT_GIVEN = Guard("commitment_given", "commitment was tentative or strong", _commitment_given)
COMMITMENT_ABSENT = Guard("commitment_absent", "commitment was none", _commitment_absent)
VISION_RECORDED = Guard("vision_recorded", "vision and goals are worked out", _vision_recorded)
CONTENT_OPTIONS = Guard("content_options", "initiative track: two or three content options", _content_options)
PLAN_HAS_ACTIONS = Guard("plan_has_actions", "plan track: at least one action", _plan_has_actions)
COLLABORATION_OPTIONS = Guard(
    "collaboration_options",
    "initiative track: two or three collaboration options",
    _collaboration_options,
)
COLLABORATION_MODEL_CHOSEN = Guard(
    "collaboration_model_chosen",
    "plan track: the way of organising the collaboration is chosen",
    _collaboration_model_chosen,
)
ACTIONS_SETTLED = Guard(
    "actions_settled",
    "plan track: every action has an owner or is explicitly unassigned, and a funding class",
    _actions_settled,
)
BASIC_AGREEMENTS = Guard(
    "basic_agreements",
    "initiative track: basic agreements on funding and progress monitoring",
    _basic_agreements,
)
FOUNDING_BASIS = Guard("founding_basis", "a founding basis is signed", _founding_basis)
ENOUGH_COMMITTED = Guard(
    "enough_committed", "at least the playbook's minimum of committed partners", _enough_committed
)
PLAN_OF_APPROACH_ADOPTED = Guard(
    "plan_of_approach_adopted", "the plan of approach is signed", _plan_of_approach_adopted
)
MONITORING_THIS_CYCLE = Guard(
    "monitoring_this_cycle", "a monitoring report in this cycle", _monitoring_this_cycle
)
DECISION_THIS_CYCLE = Guard("decision_this_cycle", "a decision in this cycle", _decision_this_cycle)
NOT_FOUNDED = Guard("not_founded", "the coalition was never founded", _not_founded)
EVERYONE_CREDITED = Guard(
    "everyone_credited",
    "every committed partner and action owner is credited for its contribution",
    _everyone_credited,
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
