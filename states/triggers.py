"""Every trigger: its payload model, its effect, its checks and who may fire it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lemniscate.models import payloads as p
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.models.records import Record
from lemniscate.states import checks, effects
from lemniscate.states.table import TRIGGER_NAMES

Effect = Callable[[Coalition, Any, Event], Coalition]
PayloadCheck = Callable[[Coalition, Any], list[str]]
# Which organisation's records a payload concerns; None means partners may not fire it.
PartnerScope = Callable[[Coalition, Any], str | None]


def _no_checks(c: Coalition, x: Any) -> list[str]:
    return []


def _the_partner(c: Coalition, x: Any) -> str | None:
    return str(x.partner)


def _the_action_owner(c: Coalition, x: Any) -> str | None:
    action = c.action(x.action)
    return action.owner if action is not None else None


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    summary: str
    payload: type[Record]
    effect: Effect
    check: PayloadCheck = _no_checks
    partner_scope: PartnerScope | None = None


def _spec(
    name: str,
    summary: str,
    payload: type[Record],
    effect: Effect,
    check: PayloadCheck = _no_checks,
    partner_scope: PartnerScope | None = None,
) -> TriggerSpec:
    return TriggerSpec(name, summary, payload, effect, check, partner_scope)


_SPECS: tuple[TriggerSpec, ...] = (
    _spec("map_domain", "Round 1 to step 2: map the coalition's domain.", p.Empty, effects.no_change),
    _spec(
        "plan_collaboration", "To step 3: your own plan for the collaboration.", p.Empty, effects.no_change
    ),
    _spec(
        "prepare_exploration_meeting",
        "To step 4: organise the exploration meeting.",
        p.Empty,
        effects.no_change,
    ),
    _spec(
        "hold_exploration_meeting",
        "Round 2, step 5: the exploration meeting is held.",
        p.Empty,
        effects.no_change,
    ),
    _spec(
        "elaborate_content",
        "To step 6; tentative commitment picks the initiative track, strong commitment the plan track.",
        p.Empty,
        effects.elaborate_content,
    ),
    _spec(
        "return_to_round_one",
        "No commitment: go round the lemniscate again from step 1.",
        p.Empty,
        effects.return_to_round_one,
    ),
    _spec("propose_collaboration", "To step 7: proposals for the collaboration.", p.Empty, effects.no_change),
    _spec(
        "complete_proposal",
        "To step 8: complete the initiative proposal or the plan.",
        p.Empty,
        effects.no_change,
    ),
    _spec("call_founding_meeting", "Round 3, step 9: call the founding meeting.", p.Empty, effects.no_change),
    _spec(
        "call_adoption_meeting",
        "After founding on a proposal: partners decide on the plan of approach.",
        p.Empty,
        effects.no_change,
    ),
    _spec(
        "found",
        "The coalition is founded: on a proposal, back to working out the plan; on a plan, execution starts.",
        p.Empty,
        effects.found,
    ),
    _spec(
        "adopt_approach",
        "The plan of approach is adopted; execution starts.",
        p.Empty,
        effects.adopt_approach,
    ),
    _spec(
        "start_monitoring",
        "Execution: monitor progress (periodic review).",
        p.Empty,
        effects.start_monitoring,
    ),
    _spec(
        "decide", "Execution: decide on adjustments, resting on the monitoring.", p.Empty, effects.no_change
    ),
    _spec("adjust", "Execution: adjust the plan as decided.", p.Empty, effects.no_change),
    _spec("resume_doing", "Execution: back to doing; the cycle is complete.", p.Empty, effects.resume_doing),
    _spec(
        "transform", "A new task presents itself: the coalition reorients.", p.Transform, effects.transform
    ),
    _spec(
        "begin_new_lemniscate",
        "The old approach ends; a new lemniscate starts with the same partners.",
        p.Empty,
        effects.begin_new_lemniscate,
    ),
    _spec(
        "start_closing",
        "The coalition stops adding value: close it deliberately.",
        p.StartClosing,
        effects.start_closing,
    ),
    _spec("close", "Close with recognition of every partner's contribution.", p.Close, effects.close),
    _spec("dissolve", "Stop a coalition that never got commitment.", p.Dissolve, effects.dissolve),
    _spec("record_intent", "Record the initiator's own intent.", p.RecordIntent, effects.record_intent),
    _spec(
        "add_partner", "Add a (prospective) partner.", p.AddPartner, effects.add_partner, checks.add_partner
    ),
    _spec(
        "record_interview",
        "Record a bilateral interview: the seven questions of step 1.",
        p.RecordInterview,
        effects.record_interview,
        checks.partner_named,
        _the_partner,
    ),
    _spec(
        "mark_not_reached",
        "Mark a prospective partner as not reached, with the reason.",
        p.MarkNotReached,
        effects.mark_not_reached,
        checks.partner_named,
    ),
    _spec(
        "update_agenda",
        "Declare a partner's decision moments, budget cycles, council meetings.",
        p.UpdateAgenda,
        effects.update_agenda,
        checks.partner_named,
        _the_partner,
    ),
    _spec(
        "map_topic",
        "Link a domain topic to the partners it matters to.",
        p.MapTopic,
        effects.map_topic,
        checks.map_topic,
    ),
    _spec(
        "place_partner",
        "Place a partner: role, execution power, interest, influence.",
        p.PlacePartner,
        effects.place_partner,
        checks.partner_named,
    ),
    _spec(
        "sketch_collaboration",
        "Sketch how the collaboration could work.",
        p.SketchCollaboration,
        effects.sketch_collaboration,
    ),
    _spec(
        "plan_meeting",
        "Plan a meeting: invitees, inviters, pre-information, chair, date.",
        p.PlanMeeting,
        effects.plan_meeting,
        checks.plan_meeting,
    ),
    _spec(
        "reschedule_meeting",
        "Move a meeting to another date.",
        p.RescheduleMeeting,
        effects.reschedule_meeting,
        checks.reschedule_meeting,
    ),
    _spec(
        "record_meeting_outcome",
        "Record who attended, the parts held, statements, commitment, next product and next meeting.",
        p.RecordMeetingOutcome,
        effects.record_meeting_outcome,
        checks.record_meeting_outcome,
    ),
    _spec(
        "record_vision",
        "Record vision, goals and the working forms with partner staff.",
        p.RecordVision,
        effects.record_vision,
    ),
    _spec(
        "add_option",
        "Add a content or collaboration option (at most three of each).",
        p.AddOption,
        effects.add_option,
        checks.add_option,
    ),
    _spec("remove_option", "Remove an option.", p.RemoveOption, effects.remove_option, checks.remove_option),
    _spec(
        "choose_collaboration_model",
        "Choose how the collaboration is organised.",
        p.ChooseCollaborationModel,
        effects.choose_collaboration_model,
    ),
    _spec(
        "add_action",
        "Add an action: owner or explicitly unassigned, funding class, due date.",
        p.AddAction,
        effects.add_action,
        checks.add_action,
    ),
    _spec(
        "update_action",
        "Reassign, refund, reschedule or cancel an action.",
        p.UpdateAction,
        effects.update_action,
        checks.update_action,
    ),
    _spec(
        "record_basic_agreements",
        "Initiative track: basic agreements on funding and progress monitoring.",
        p.RecordBasicAgreements,
        effects.record_basic_agreements,
    ),
    _spec(
        "sign_founding_basis",
        "Record a signed declaration of intent, plan of approach, covenant or contract.",
        p.SignFoundingBasis,
        effects.sign_founding_basis,
        checks.sign_founding_basis,
    ),
    _spec(
        "commit",
        "A partner commits to the coalition.",
        p.Commit,
        effects.commit,
        checks.partner_named,
        _the_partner,
    ),
    _spec(
        "report_progress",
        "Report progress on an action (its owner).",
        p.ReportProgress,
        effects.report_progress,
        checks.report_progress,
        _the_action_owner,
    ),
    _spec(
        "pick_up_action",
        "A partner picks up an unassigned action.",
        p.PickUpAction,
        effects.pick_up_action,
        checks.pick_up_action,
        _the_partner,
    ),
    _spec(
        "open_accountability_item",
        "An action passed its due date undone: hold its owner "
        "to account (opened by the engine, or by the coordinator).",
        p.OpenAccountabilityItem,
        effects.open_accountability_item,
        checks.open_accountability_item,
    ),
    _spec(
        "record_funder",
        "Record a (new) funder and what it funds.",
        p.RecordFunder,
        effects.record_funder,
        checks.record_funder,
    ),
    _spec(
        "record_monitoring_report",
        "Record progress per action and survey results.",
        p.RecordMonitoringReport,
        effects.record_monitoring_report,
    ),
    _spec(
        "record_decision",
        "Record a decision citing the monitoring it rests on.",
        p.RecordDecision,
        effects.record_decision,
        checks.record_decision,
    ),
    _spec(
        "build_message_house",
        "The shared story: umbrella story, key messages, substantiation, contributors.",
        p.BuildMessageHouse,
        effects.build_message_house,
        checks.build_message_house,
    ),
    _spec(
        "choose_positioning",
        "Monolithic, branded or endorsed, with rationale and answers.",
        p.ChoosePositioning,
        effects.choose_positioning,
    ),
    _spec(
        "record_constituency_support",
        "Whether a partner's managers, legal staff and executives back it.",
        p.RecordConstituencySupport,
        effects.record_constituency_support,
        checks.partner_named,
        _the_partner,
    ),
    _spec(
        "publish_toolkit",
        "Shared messages and materials for partners' own channels.",
        p.PublishToolkit,
        effects.publish_toolkit,
    ),
    _spec(
        "join_communication_coalition",
        "A partner's communication advisor joins the communication coalition.",
        p.JoinCommunicationCoalition,
        effects.join_communication_coalition,
        checks.partner_named,
        _the_partner,
    ),
    _spec(
        "record_signal",
        "A bottleneck or opportunity signalled from a region.",
        p.RecordSignal,
        effects.record_signal,
    ),
    _spec(
        "spawn_region",
        "Start a regional or local mini-alliance as its own coalition.",
        p.SpawnRegion,
        effects.spawn_region,
        checks.spawn_region,
    ),
    _spec(
        "signal_national",
        "A region signals a bottleneck or opportunity to the national coalition's table.",
        p.SignalNational,
        effects.no_change,
        checks.signal_national,
    ),
    _spec(
        "credit_partner",
        "Credit a partner's contribution in the closing report.",
        p.CreditPartner,
        effects.credit_partner,
        checks.partner_named,
    ),
)

TRIGGERS: dict[str, TriggerSpec] = {s.name: s for s in _SPECS}

# The table and the specs must describe the same triggers; fail at import, not at run time.
_missing = set(TRIGGER_NAMES) ^ set(TRIGGERS)
if _missing:
    raise RuntimeError(f"triggers without both a table row and a spec: {sorted(_missing)}")
