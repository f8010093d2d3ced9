"""Every trigger, declared once: its payload, the moves it makes, its effect, its checks,
who among the partners may fire it, and what it sets off elsewhere.

Read this file top to bottom to know the method. A *step* moves the coalition to another
state when the move's guards hold; a *record* changes what the coalition knows and stays
where it is. Behaviour lives in named functions: guards and selectors in `states.guards`,
effects in `states.effects`, payload checks in `states.checks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from lemniscate.models import payloads as p
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states import adoption, checks, closure_checks, corrections, effects, member_checks
from lemniscate.states import guards as g
from lemniscate.states.guards import Guard
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.table import ACTIVE, EXECUTION, PREPARING, ROUND_ONE, ROUND_THREE, ROUND_TWO

P = TypeVar("P", bound=Record)
Effect = Callable[[Coalition, P, Event], Coalition]
PayloadCheck = Callable[[Coalition, P], list[str]]
# Which organisation's records a payload concerns; partners may fire only for their own.
PartnerScope = Callable[[Coalition, P], str | None]
Selector = Callable[[Coalition], bool]


class Consequence(StrEnum):
    """What an accepted trigger makes the workflow do beyond the coalition itself."""

    start_region = "start_region"  # start the regional mini-alliance as its own coalition
    signal_parent = "signal_parent"  # put a region's signal on the national coalition's table


@dataclass(frozen=True)
class Move:
    """From any of `sources` to `dest` (None: stay, a record) when `when` selects this move
    and every guard holds. Selectors pick between moves of one trigger and never block."""

    sources: tuple[S, ...]
    dest: S | None
    guards: tuple[Guard, ...] = ()
    when: tuple[Selector, ...] = ()

    @property
    def is_step(self) -> bool:
        return self.dest is not None


@dataclass(frozen=True)
class Trigger(Generic[P]):
    name: T
    summary: str
    payload: type[P]
    effect: Effect[P]
    moves: tuple[Move, ...]
    check: PayloadCheck[P] | None = None
    partner_scope: PartnerScope[P] | None = None
    consequence: Consequence | None = None
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", "step" if any(m.is_step for m in self.moves) else "record")


def _sources(source: S | tuple[S, ...]) -> tuple[S, ...]:
    return (source,) if isinstance(source, S) else source


def move(source: S | tuple[S, ...], dest: S, *guards: Guard, when: tuple[Selector, ...] = ()) -> Move:
    return Move(_sources(source), dest, guards, when)


def declare(
    name: T,
    summary: str,
    payload: type[P],
    effect: Effect[P],
    *moves: Move,
    check: PayloadCheck[P] | None = None,
    partner_scope: PartnerScope[P] | None = None,
    consequence: Consequence | None = None,
) -> Trigger[P]:
    # Every move also passes the playbook's gate for this trigger (communication items the
    # pinned playbook demands first): one guard the playbook fills in, not a row per trigger.
    gate = g.playbook_gate(name)
    gated = tuple(Move(m.sources, m.dest, (*m.guards, gate), m.when) for m in moves)
    return Trigger(name, summary, payload, effect, gated, check, partner_scope, consequence)


def step(name: T, summary: str, *moves: Move) -> Trigger[p.Empty]:
    """A step without payload or effect of its own: only the state changes."""
    return declare(name, summary, p.Empty, effects.no_change, *moves)


def stays(sources: tuple[S, ...]) -> Move:
    """The move of a record: from any of `sources`, staying where it is."""
    return Move(sources, None)


def the_partner(c: Coalition, x: Any) -> str | None:
    return str(x.partner)


def the_action_owner(c: Coalition, x: Any) -> str | None:
    action = c.action(x.action)
    return action.owner if action is not None else None


SPENDING = (*ROUND_TWO[1:], *ROUND_THREE, S.adjusting)  # where actions are planned

# fmt: off
_DECLARED: tuple[Trigger[Any], ...] = (
    # Round 1: prepare well, then bring the prospective partners together.
    step(T.map_domain,
         Sentence("summary.map_domain", "Round 1 to step 2: map the coalition's domain."),
         move(S.intent_and_interests, S.domain_mapping, g.INTENT_RECORDED,
              g.PARTNERS_INTERVIEWED_OR_UNREACHED, g.ENOUGH_INTERVIEWS)),
    step(T.plan_collaboration,
         Sentence("summary.plan_collaboration", "To step 3: your own plan for the collaboration."),
         move(S.domain_mapping, S.own_collaboration_plan, g.SHARED_TOPIC)),
    step(T.prepare_exploration_meeting,
         Sentence("summary.prepare_exploration_meeting", "To step 4: organise the exploration meeting."),
         move(S.own_collaboration_plan, S.exploration_meeting_prep, g.INTERVIEWED_PARTNERS_PLACED)),
    declare(T.hold_exploration_meeting,
            Sentence("summary.hold_exploration_meeting", "Round 2, step 5: the exploration meeting is held."),
            p.Empty, effects.hold_exploration_meeting,
            move(S.exploration_meeting_prep, S.sharing_interests, g.EXPLORATION_MEETING_PLANNED,
                 g.EXPLORATION_INVITEES, g.EXPLORATION_INVITER)),
    # Round 2: work on a mandate from the partners; the commitment level picks the track.
    declare(T.elaborate_content,
            Sentence("summary.elaborate_content",
                     "To step 6; tentative commitment picks the initiative track, strong commitment the "
                     "plan track."),
            p.Empty, effects.elaborate_content,
            move(S.sharing_interests, S.content_elaboration, g.EXPLORATION_OUTCOME_RECORDED,
                 g.COMMITMENT_GIVEN)),
    declare(T.return_to_round_one,
            Sentence("summary.return_to_round_one",
                     "No commitment: go round the lemniscate again from step 1."),
            p.Empty, effects.return_to_round_one,
            move(S.sharing_interests, S.intent_and_interests, g.EXPLORATION_OUTCOME_RECORDED,
                 g.COMMITMENT_ABSENT)),
    step(T.propose_collaboration,
         Sentence("summary.propose_collaboration", "To step 7: proposals for the collaboration."),
         move(S.content_elaboration, S.collaboration_proposals, g.VISION_RECORDED,
              g.CONTENT_OPTIONS, g.PLAN_HAS_ACTIONS)),
    step(T.complete_proposal,
         Sentence("summary.complete_proposal", "To step 8: complete the initiative proposal or the plan."),
         move(S.collaboration_proposals, S.proposal_completion, g.COLLABORATION_OPTIONS,
              g.COLLABORATION_MODEL_CHOSEN)),
    # Round 3: found on the proposal (variant a) or on the plan (variant b).
    step(T.call_founding_meeting,
         Sentence("summary.call_founding_meeting", "Round 3, step 9: call the founding meeting."),
         move(S.proposal_completion, S.founding, g.BASIC_AGREEMENTS, g.ACTIONS_SETTLED,
              g.COLLABORATION_MODEL_CHOSEN, when=(g.is_not_founded,))),
    step(T.call_adoption_meeting,
         Sentence("summary.call_adoption_meeting",
                  "After founding on a proposal: partners decide on the plan of approach."),
         move(S.proposal_completion, S.approach_adoption, g.ACTIONS_SETTLED,
              g.COLLABORATION_MODEL_CHOSEN, when=(g.is_founded,))),
    declare(T.found,
            Sentence("summary.found",
                     "The coalition is founded: on a proposal, back to working out the plan; on a plan, "
                     "execution starts."),
            p.Empty, effects.found,
            move(S.founding, S.content_elaboration, g.FOUNDING_BASIS, g.ENOUGH_COMMITTED,
                 when=(g.on_initiative_track,)),
            move(S.founding, S.doing, g.FOUNDING_BASIS, g.ENOUGH_COMMITTED,
                 when=(g.on_plan_track,))),
    declare(T.adopt_approach,
            Sentence("summary.adopt_approach", "The plan of approach is adopted; execution starts."),
            p.Empty,
            effects.adopt_approach,
            move(S.approach_adoption, S.doing, g.PLAN_OF_APPROACH_ADOPTED, g.ENOUGH_COMMITTED)),
    # Execution: doing -> monitoring -> deciding -> adjusting -> doing.
    declare(T.start_monitoring,
            Sentence("summary.start_monitoring", "Execution: monitor progress (periodic review)."),
            p.Empty,
            effects.start_monitoring, move(S.doing, S.monitoring)),
    step(T.decide,
         Sentence("summary.decide", "Execution: decide on adjustments, resting on the monitoring."),
         move(S.monitoring, S.deciding, g.MONITORING_THIS_CYCLE)),
    step(T.adjust,
         Sentence("summary.adjust", "Execution: adjust the plan as decided."),
         move(S.deciding, S.adjusting, g.DECISION_THIS_CYCLE)),
    declare(T.resume_doing,
            Sentence("summary.resume_doing", "Execution: back to doing; the cycle is complete."),
            p.Empty,
            effects.resume_doing, move(S.adjusting, S.doing)),
    # Closure: transform to a new task, close with recognition, or dissolve.
    declare(T.transform,
            Sentence("summary.transform", "A new task presents itself: the coalition reorients."),
            p.Transform,
            effects.transform, move(EXECUTION, S.transforming)),
    declare(T.begin_new_lemniscate,
            Sentence("summary.begin_new_lemniscate",
                     "The old approach ends; a new lemniscate starts with the same partners."),
            p.Empty, effects.begin_new_lemniscate,
            move(S.transforming, S.intent_and_interests)),
    declare(T.start_closing,
            Sentence("summary.start_closing", "The coalition stops adding value: close it deliberately."),
            p.StartClosing, effects.start_closing, move((*EXECUTION, S.transforming), S.closing)),
    declare(T.close,
            Sentence("summary.close", "Close with recognition of every partner's contribution."),
            p.Close,
            effects.close, move(S.closing, S.closed, g.EVERYONE_CREDITED), check=closure_checks.close),
    declare(T.dissolve,
            Sentence("summary.dissolve", "Stop a coalition that never got commitment."),
            p.Dissolve, effects.dissolve,
            move(PREPARING, S.dissolved, g.NOT_FOUNDED)),
    # Records: change what the coalition knows, not where it stands.
    declare(T.record_intent,
            Sentence("summary.record_intent", "Record the initiator's own intent."),
            p.RecordIntent, effects.record_intent,
            stays(ROUND_ONE)),
    declare(T.add_partner,
            Sentence("summary.add_partner", "Add a (prospective) partner."),
            p.AddPartner, effects.add_partner, stays(ACTIVE),
            check=checks.add_partner),
    declare(T.record_interview,
            Sentence("summary.record_interview",
                     "Record a bilateral interview: the seven questions of step 1."),
            p.RecordInterview, effects.record_interview, stays(ACTIVE), check=checks.partner_named,
            partner_scope=the_partner),
    declare(T.mark_not_reached,
            Sentence("summary.mark_not_reached",
                     "Mark a prospective partner as not reached, with the reason."),
            p.MarkNotReached, effects.mark_not_reached, stays(ACTIVE), check=checks.partner_named),
    declare(T.update_agenda,
            Sentence("summary.update_agenda",
                     "Declare a partner's decision moments, budget cycles, council meetings."),
            p.UpdateAgenda, effects.update_agenda, stays(ACTIVE), check=checks.partner_named,
            partner_scope=the_partner),
    declare(T.map_topic,
            Sentence("summary.map_topic", "Link a domain topic to the partners it matters to."),
            p.MapTopic,
            effects.map_topic, stays(PREPARING[1:]), check=checks.map_topic),
    declare(T.place_partner,
            Sentence("summary.place_partner", "Place a partner: role, execution power, interest, influence."),
            p.PlacePartner,
            effects.place_partner, stays(ACTIVE[2:]), check=checks.partner_named),
    declare(T.sketch_collaboration,
            Sentence("summary.sketch_collaboration", "Sketch how the collaboration could work."),
            p.SketchCollaboration,
            effects.sketch_collaboration, stays((S.own_collaboration_plan, S.exploration_meeting_prep))),
    declare(T.plan_meeting,
            Sentence("summary.plan_meeting",
                     "Plan a meeting: invitees, inviters, pre-information, chair, date."),
            p.PlanMeeting, effects.plan_meeting, stays(ACTIVE), check=checks.plan_meeting),
    declare(T.reschedule_meeting,
            Sentence("summary.reschedule_meeting", "Move a meeting to another date."),
            p.RescheduleMeeting,
            effects.reschedule_meeting, stays(ACTIVE), check=checks.reschedule_meeting),
    declare(T.record_meeting_outcome,
            Sentence("summary.record_meeting_outcome",
                     "Record who attended, the parts held, statements, commitment, next product and next "
                     "meeting."),
            p.RecordMeetingOutcome, effects.record_meeting_outcome, stays(ACTIVE),
            check=checks.record_meeting_outcome),
    declare(T.record_vision,
            Sentence("summary.record_vision",
                     "Record vision, goals and the working forms with partner staff."),
            p.RecordVision, effects.record_vision, stays((*ROUND_TWO[1:], S.approach_adoption))),
    declare(T.add_option,
            Sentence("summary.add_option", "Add a content or collaboration option (at most three of each)."),
            p.AddOption,
            effects.add_option, stays(ROUND_TWO[1:]), check=checks.add_option),
    declare(T.remove_option,
            Sentence("summary.remove_option", "Remove an option."),
            p.RemoveOption, effects.remove_option,
            stays(ROUND_TWO[1:]), check=checks.remove_option),
    declare(T.choose_collaboration_model,
            Sentence("summary.choose_collaboration_model", "Choose how the collaboration is organised."),
            p.ChooseCollaborationModel, effects.choose_collaboration_model,
            stays(ROUND_TWO[2:] + ROUND_THREE)),
    declare(T.add_action,
            Sentence("summary.add_action",
                     "Add an action: owner or explicitly unassigned, funding class, due date."),
            p.AddAction, effects.add_action, stays(SPENDING), check=checks.add_action),
    declare(T.update_action,
            Sentence("summary.update_action", "Reassign, refund, reschedule or cancel an action."),
            p.UpdateAction,
            effects.update_action, stays(SPENDING), check=checks.update_action),
    declare(T.record_basic_agreements,
            Sentence("summary.record_basic_agreements",
                     "Initiative track: basic agreements on funding and progress monitoring."),
            p.RecordBasicAgreements, effects.record_basic_agreements,
            stays((S.proposal_completion, S.founding))),
    declare(T.sign_founding_basis,
            Sentence("summary.sign_founding_basis",
                     "Record a signed declaration of intent, plan of approach, covenant or contract."),
            p.SignFoundingBasis, effects.sign_founding_basis, stays(ROUND_TWO + ROUND_THREE + EXECUTION),
            check=checks.sign_founding_basis),
    declare(T.commit,
            Sentence("summary.commit", "A partner commits to the coalition."),
            p.Commit, effects.commit,
            stays(ROUND_TWO + ROUND_THREE + EXECUTION), check=checks.partner_named,
            partner_scope=the_partner),
    declare(T.report_progress,
            Sentence("summary.report_progress", "Report progress on an action (its owner)."),
            p.ReportProgress,
            effects.report_progress, stays(EXECUTION), check=checks.report_progress,
            partner_scope=the_action_owner),
    declare(T.pick_up_action,
            Sentence("summary.pick_up_action", "A partner picks up an unassigned action."),
            p.PickUpAction,
            effects.pick_up_action, stays(EXECUTION), check=checks.pick_up_action,
            partner_scope=the_partner),
    declare(T.record_funder,
            Sentence("summary.record_funder", "Record a (new) funder and what it funds."),
            p.RecordFunder,
            effects.record_funder, stays(ROUND_THREE + EXECUTION), check=checks.record_funder),
    declare(T.open_accountability_item,
            Sentence("summary.open_accountability_item",
                     "An action passed its due date undone: hold its owner to account (opened by the "
                     "engine, or by the coordinator)."),
            p.OpenAccountabilityItem, effects.open_accountability_item, stays(EXECUTION),
            check=checks.open_accountability_item),
    declare(T.record_monitoring_report,
            Sentence("summary.record_monitoring_report", "Record progress per action and survey results."),
            p.RecordMonitoringReport, effects.record_monitoring_report, stays((S.monitoring,))),
    declare(T.record_decision,
            Sentence("summary.record_decision", "Record a decision citing the monitoring it rests on."),
            p.RecordDecision,
            effects.record_decision, stays((S.deciding,)), check=checks.record_decision),
    declare(T.build_message_house,
            Sentence("summary.build_message_house",
                     "The shared story: umbrella story, key messages, substantiation, contributors."),
            p.BuildMessageHouse, effects.build_message_house, stays(ACTIVE),
            check=checks.build_message_house),
    declare(T.choose_positioning,
            Sentence("summary.choose_positioning",
                     "Monolithic, branded or endorsed, with rationale and answers."),
            p.ChoosePositioning, effects.choose_positioning, stays(ACTIVE)),
    declare(T.record_constituency_support,
            Sentence("summary.record_constituency_support",
                     "Whether a partner's managers, legal staff and executives back it."),
            p.RecordConstituencySupport, effects.record_constituency_support, stays(ACTIVE),
            check=checks.partner_named, partner_scope=the_partner),
    declare(T.publish_toolkit,
            Sentence("summary.publish_toolkit", "Shared messages and materials for partners' own channels."),
            p.PublishToolkit, effects.publish_toolkit, stays(ACTIVE)),
    declare(T.join_communication_coalition,
            Sentence("summary.join_communication_coalition",
                     "A partner's communication advisor joins the communication coalition."),
            p.JoinCommunicationCoalition, effects.join_communication_coalition, stays(ACTIVE),
            check=checks.partner_named, partner_scope=the_partner),
    declare(T.record_signal,
            Sentence("summary.record_signal", "A bottleneck or opportunity signalled from a region."),
            p.RecordSignal,
            effects.record_signal, stays(ACTIVE)),
    declare(T.credit_partner,
            Sentence("summary.credit_partner", "Credit a partner's contribution in the closing report."),
            p.CreditPartner,
            effects.credit_partner, stays((S.closing,)), check=checks.partner_named),
    declare(T.spawn_region,
            Sentence("summary.spawn_region", "Start a regional or local mini-alliance as its own coalition."),
            p.SpawnRegion,
            effects.spawn_region, stays(ACTIVE), check=checks.spawn_region,
            consequence=Consequence.start_region),
    declare(T.signal_national,
            Sentence("summary.signal_national",
                     "A region signals a bottleneck or opportunity to the national coalition's table."),
            p.SignalNational, effects.no_change, stays(ACTIVE), check=checks.signal_national,
            consequence=Consequence.signal_parent),
    # Memberships: people named members of this coalition, each change journaled with who
    # made it and why. For the coordinator (no partner scope): partners do not co-opt.
    declare(T.add_member,
            Sentence("summary.add_member", "Name a person a member: an observer, or a representative of an "
                     "organisation of this coalition."),
            p.AddMember, effects.add_member, stays(ACTIVE), check=member_checks.add_member),
    declare(T.remove_member,
            Sentence("summary.remove_member", "End a person's membership of this coalition."),
            p.RemoveMember, effects.remove_member, stays(ACTIVE), check=member_checks.remove_member),
    # The playbook: moved to another published version on purpose, never by publishing one.
    declare(T.adopt_playbook,
            Sentence("summary.adopt_playbook",
                     "Follow another published playbook version from now on (its settings, gates and "
                     "follow-ups)."),
            p.AdoptPlaybook, effects.adopt_playbook, stays(ACTIVE), check=adoption.adopt_playbook),
    # Corrections: a recorded fact superseded, the original entry kept (`states.corrections`).
    declare(T.correct_record,
            Sentence("summary.correct_record",
                     "Correct a recorded fact (a meeting outcome, an interview, an action, a commitment), "
                     "saying why; the original entry stays in the journal."),
            p.CorrectRecord, corrections.apply_correction, stays(ACTIVE), check=corrections.correct_record,
            partner_scope=corrections.whose),
)
# fmt: on

TRIGGERS: dict[str, Trigger[Any]] = {t.name: t for t in _DECLARED}
TRIGGER_NAMES: tuple[T, ...] = tuple(T)
