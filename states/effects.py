"""What each accepted trigger does to the coalition record: pure functions, new records out.

Effects run only after the trigger's guards and checks passed, so they may assume that every
partner, action, meeting and option the payload names exists.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from lemniscate.models import payloads as p
from lemniscate.models.coalition import (
    AccountabilityItem,
    Action,
    ActionStatus,
    BasicAgreements,
    Coalition,
    Communication,
    Decision,
    FoundingBasis,
    Funder,
    FundingClass,
    Interview,
    Meeting,
    Member,
    MonitoringReport,
    Option,
    Partner,
    PreInformation,
    Signal,
    Topic,
)
from lemniscate.models.events import Event
from lemniscate.models.records import Numbering
from lemniscate.states.copying import copied


def _next_id(c: Coalition, prefix: str) -> tuple[str, Coalition]:
    if c.numbering == Numbering.per_kind:
        number = c.counters.get(prefix, 0) + 1
        return f"{prefix}{number}", c.model_copy(update={"counters": {**c.counters, prefix: number}})
    serial = c.serial + 1  # coalitions started before per-kind ids keep numbering as they did
    return f"{prefix}{serial}", c.model_copy(update={"serial": serial})


def _appended(c: Coalition, records: str, record: object) -> Coalition:
    """`c` with `record` added at the end of its list `records` (its meetings, its actions, ...)."""
    return c.model_copy(update={records: [*getattr(c, records), record]})


def _with_partner(c: Coalition, name: str, **changes: Any) -> Coalition:
    partners = [q.model_copy(update=changes) if q.name == name else q for q in c.partners]
    return c.model_copy(update={"partners": partners})


def _with_action(c: Coalition, action_id: str, **changes: Any) -> Coalition:
    # Re-validate so a change can never produce an action the model would refuse.
    actions = [
        Action.model_validate({**a.model_dump(), **changes}, strict=False) if a.id == action_id else a
        for a in c.actions
    ]
    return c.model_copy(update={"actions": actions})


def _with_meeting(c: Coalition, meeting_id: str, **changes: Any) -> Coalition:
    meetings = [m.model_copy(update=changes) if m.id == meeting_id else m for m in c.meetings]
    return c.model_copy(update={"meetings": meetings})


# What introduces a partner: who it is, its address and its agenda (`p.AddPartner`'s fields).
_INTRODUCED: Final = ("name", "kind", "representative", "email", "agenda")


def partner_from(introduced: p.AddPartner | Partner, on: date) -> Partner:
    """A partner as introduced (`_INTRODUCED`), approached from `on`."""
    return Partner(**copied(introduced, _INTRODUCED), added_on=on)


def record_intent(c: Coalition, x: p.RecordIntent, e: Event) -> Coalition:
    return c.model_copy(update={"intent": x.intent})


def add_partner(c: Coalition, x: p.AddPartner, e: Event) -> Coalition:
    return _appended(c, "partners", partner_from(x, e.at.date()))


def record_interview(c: Coalition, x: p.RecordInterview, e: Event) -> Coalition:
    interview = Interview(answers=x.answers, held_on=x.held_on, interviewer=x.interviewer)
    return _with_partner(c, x.partner, interview=interview, not_reached_reason=None)


def mark_not_reached(c: Coalition, x: p.MarkNotReached, e: Event) -> Coalition:
    return _with_partner(c, x.partner, not_reached_reason=x.reason)


def update_agenda(c: Coalition, x: p.UpdateAgenda, e: Event) -> Coalition:
    return _with_partner(c, x.partner, agenda=x.agenda)


def map_topic(c: Coalition, x: p.MapTopic, e: Event) -> Coalition:
    topic = Topic(name=x.topic, partners=list(dict.fromkeys(x.partners)))
    others = [t for t in c.topics if t.name != x.topic]
    return c.model_copy(update={"topics": [*others, topic]})


def place_partner(c: Coalition, x: p.PlacePartner, e: Event) -> Coalition:
    return _with_partner(c, x.partner, placement=x.placement)


def sketch_collaboration(c: Coalition, x: p.SketchCollaboration, e: Event) -> Coalition:
    return c.model_copy(update={"collaboration_sketch": x.sketch})


def plan_meeting(c: Coalition, x: p.PlanMeeting, e: Event) -> Coalition:
    meeting_id, c = _next_id(c, "M")
    meeting = Meeting(
        id=meeting_id,
        kind=x.kind,
        on=x.on,
        lemniscate_pass=c.passes,
        invitees=x.invitees,
        inviters=x.inviters,
        pre_information=PreInformation(x.pre_information) if x.pre_information else None,
        chair=x.chair,
        independent_chair=x.independent_chair,
        content=x.content,
    )
    return _appended(c, "meetings", meeting)


def reschedule_meeting(c: Coalition, x: p.RescheduleMeeting, e: Event) -> Coalition:
    moved = c.meeting(x.meeting)
    return _with_meeting(c, x.meeting, on=x.on, moves=(moved.moves + 1) if moved else 0)


def hold_exploration_meeting(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    # Held when the coordinator says so, which may be before or after the planned day: the
    # follow-ups about the meeting count from this day (see `followups.plan`).
    meeting = c.exploration_meeting()
    assert meeting is not None  # the move's guard: an exploration meeting is planned
    return _with_meeting(c, meeting.id, held_on=e.at.date())


def record_meeting_outcome(c: Coalition, x: p.RecordMeetingOutcome, e: Event) -> Coalition:
    return _with_meeting(c, x.meeting, outcome=x.outcome)


def record_vision(c: Coalition, x: p.RecordVision, e: Event) -> Coalition:
    return c.model_copy(update={"vision": x.vision, "goals": x.goals, "working_forms": x.working_forms})


def add_option(c: Coalition, x: p.AddOption, e: Event) -> Coalition:
    option_id, c = _next_id(c, "O")
    option = Option(id=option_id, kind=x.kind, title=x.title, description=x.description)
    return _appended(c, "options", option)


def remove_option(c: Coalition, x: p.RemoveOption, e: Event) -> Coalition:
    return c.model_copy(update={"options": [o for o in c.options if o.id != x.option]})


def choose_collaboration_model(c: Coalition, x: p.ChooseCollaborationModel, e: Event) -> Coalition:
    return c.model_copy(update={"collaboration_model": x.model, "collaboration_description": x.description})


def add_action(c: Coalition, x: p.AddAction, e: Event) -> Coalition:
    action_id, c = _next_id(c, "A")
    action = Action(id=action_id, **x.model_dump())
    return _appended(c, "actions", action)


def update_action(c: Coalition, x: p.UpdateAction, e: Event) -> Coalition:
    changes = x.model_dump(exclude={"action", "cancel"}, exclude_none=True)
    if "owner" in changes:
        changes.setdefault("explicitly_unassigned", False)
    if changes.get("explicitly_unassigned"):
        changes["owner"] = None
    if x.cancel:
        changes["status"] = ActionStatus.cancelled
    if x.funding == FundingClass.within_existing_work:
        changes["funding_source"] = None  # the owner's own means: no outside source
    return _with_action(c, x.action, **changes)


def record_basic_agreements(c: Coalition, x: p.RecordBasicAgreements, e: Event) -> Coalition:
    agreements = BasicAgreements(funding=x.funding, progress_monitoring=x.progress_monitoring)
    return c.model_copy(update={"basic_agreements": agreements})


def sign_founding_basis(c: Coalition, x: p.SignFoundingBasis, e: Event) -> Coalition:
    basis = FoundingBasis(
        kind=x.kind, signatories=x.signatories, signed_on=x.signed_on, reference=x.reference
    )
    return _appended(c, "founding_bases", basis)


def commit(c: Coalition, x: p.Commit, e: Event) -> Coalition:
    return _with_partner(c, x.partner, committed=True, commitment_statement=x.statement)


def _close_items(c: Coalition, which: set[str], on: date, by: str) -> Coalition:
    items = [
        i.model_copy(update={"closed_on": on, "closed_by": by}) if i.open and i.id in which else i
        for i in c.accountability
    ]
    return c.model_copy(update={"accountability": items})


def report_progress(c: Coalition, x: p.ReportProgress, e: Event) -> Coalition:
    c = _with_action(c, x.action, status=x.status, last_report=x.note)
    answered = {i.id for i in c.open_accountability() if i.action == x.action}
    return _close_items(c, answered, e.at.date(), "progress report")


def open_accountability_item(c: Coalition, x: p.OpenAccountabilityItem, e: Event) -> Coalition:
    item_id, c = _next_id(c, "H")
    action = c.action(x.action)
    item = AccountabilityItem(
        id=item_id, action=x.action, owner=action.owner if action else None, opened_on=e.at.date()
    )
    return _appended(c, "accountability", item)


def pick_up_action(c: Coalition, x: p.PickUpAction, e: Event) -> Coalition:
    return _with_action(c, x.action, owner=x.partner, explicitly_unassigned=False)


def record_funder(c: Coalition, x: p.RecordFunder, e: Event) -> Coalition:
    funder = Funder(name=x.name, contribution=x.contribution, actions=x.actions)
    return _appended(c, "funders", funder)


def record_monitoring_report(c: Coalition, x: p.RecordMonitoringReport, e: Event) -> Coalition:
    report_id, c = _next_id(c, "R")
    report = MonitoringReport(id=report_id, cycle=c.cycle, **x.model_dump())
    return _appended(c, "monitoring_reports", report)


def record_decision(c: Coalition, x: p.RecordDecision, e: Event) -> Coalition:
    decision_id, c = _next_id(c, "D")
    decision = Decision(id=decision_id, cycle=c.cycle, decision=x.decision, rests_on=x.rests_on)
    c = _appended(c, "decisions", decision)
    return _close_items(c, set(x.resolves), e.at.date(), decision_id)


def _with_communication(c: Coalition, **changes: Any) -> Coalition:
    communication: Communication = c.communication.model_copy(update=changes)
    return c.model_copy(update={"communication": communication})


def build_message_house(c: Coalition, x: p.BuildMessageHouse, e: Event) -> Coalition:
    return _with_communication(c, message_house=x.message_house)


def choose_positioning(c: Coalition, x: p.ChoosePositioning, e: Event) -> Coalition:
    return _with_communication(c, positioning=x.positioning)


def publish_toolkit(c: Coalition, x: p.PublishToolkit, e: Event) -> Coalition:
    return _with_communication(c, toolkit=x.items)


def record_constituency_support(c: Coalition, x: p.RecordConstituencySupport, e: Event) -> Coalition:
    return _with_partner(c, x.partner, constituency=x.support)


def join_communication_coalition(c: Coalition, x: p.JoinCommunicationCoalition, e: Event) -> Coalition:
    return _with_partner(c, x.partner, communication_advisor=x.advisor)


def record_signal(c: Coalition, x: p.RecordSignal, e: Event) -> Coalition:
    signal = Signal(region=x.region, kind=x.kind, description=x.description, from_coalition=x.from_coalition)
    return _appended(c, "signals", signal)


def spawn_region(c: Coalition, x: p.SpawnRegion, e: Event) -> Coalition:
    return _appended(c, "regions", x.region.id)


def add_member(c: Coalition, x: p.AddMember, e: Event) -> Coalition:
    member = Member(
        id=x.member, role=x.role, organisation=x.organisation, since=e.at.date(), named_by=e.actor.id
    )
    return _appended(c, "members", member)


def remove_member(c: Coalition, x: p.RemoveMember, e: Event) -> Coalition:
    return c.model_copy(update={"members": [m for m in c.members if m.id != x.member]})


def credit_partner(c: Coalition, x: p.CreditPartner, e: Event) -> Coalition:
    return _with_partner(c, x.partner, contribution=x.contribution)
