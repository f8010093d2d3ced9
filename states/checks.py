"""Checks of a payload against the coalition: does what it names exist, does it fit?

Each returns the sentences of everything that is wrong; an empty list means it fits.
"""

from __future__ import annotations

from collections.abc import Iterable

from lemniscate.models import payloads as p
from lemniscate.models.coalition import (
    ActionStatus,
    Coalition,
    FundingClass,
    MeetingKind,
    MemberRole,
    OptionKind,
)
from lemniscate.models.names import name_key
from lemniscate.states.names import StateName as S


def _not_among(names: Iterable[str], known: set[str], field: str, not_what: str) -> list[str]:
    """The sentence naming, once each, those of `names` that are not `known`."""
    missing = [n for n in dict.fromkeys(names) if n not in known]
    if not missing:
        return []
    return [f"{field}: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} {not_what}"]


def _unknown_partners(c: Coalition, names: Iterable[str], field: str) -> list[str]:
    known = {q.name for q in c.partners}
    return _not_among(names, known, field, "not a partner of this coalition (add_partner first).")


def _unknown_organisations(c: Coalition, names: Iterable[str], field: str) -> list[str]:
    return _not_among(
        names, set(c.organisations()), field, "neither initiator nor partner of this coalition."
    )


def _no_such(what: str, wanted: str, ids: Iterable[str]) -> list[str]:
    """The sentence for a `what` (action, meeting, option) that the coalition does not have."""
    return [f"{what}: there is no {what} {wanted!r} ({what}s: {', '.join(ids) or 'none yet'})."]


def _unknown_action(c: Coalition, action_id: str) -> list[str]:
    if c.action(action_id) is None:
        return _no_such("action", action_id, (a.id for a in c.actions))
    return []


def partner_named(
    c: Coalition,
    x: p.RecordInterview
    | p.MarkNotReached
    | p.UpdateAgenda
    | p.PlacePartner
    | p.Commit
    | p.RecordConstituencySupport
    | p.JoinCommunicationCoalition
    | p.CreditPartner,
) -> list[str]:
    return _unknown_partners(c, [x.partner], "partner")


def add_partner(c: Coalition, x: p.AddPartner) -> list[str]:
    if c.partner(x.name) is not None:
        return [f"name: {x.name} is already a partner of this coalition."]
    same = next((q.name for q in c.partners if name_key(q.name) == name_key(x.name)), None)
    if same is not None:
        return [f"name: {x.name} is the same name as the partner {same} (ignoring case); use {same}."]
    return []


def map_topic(c: Coalition, x: p.MapTopic) -> list[str]:
    return _unknown_partners(c, x.partners, "partners")


def plan_meeting(c: Coalition, x: p.PlanMeeting) -> list[str]:
    problems = [
        *_unknown_organisations(c, x.invitees, "invitees"),
        *_unknown_organisations(c, x.inviters, "inviters"),
    ]
    if x.kind == MeetingKind.partner and x.content is None:
        problems.append(
            "content: a partner meeting is built around content (speaker, "
            "peer_organisation, partner_presentation, site_visit or "
            "progress_report); say which."
        )
    return problems


def _meeting_without_outcome(c: Coalition, meeting_id: str) -> list[str]:
    meeting = c.meeting(meeting_id)
    if meeting is None:
        return _no_such("meeting", meeting_id, (m.id for m in c.meetings))
    if meeting.outcome is not None:
        return [f"meeting: the outcome of {meeting_id} ({meeting.on}) is already recorded."]
    return []


def reschedule_meeting(c: Coalition, x: p.RescheduleMeeting) -> list[str]:
    return _meeting_without_outcome(c, x.meeting)


def record_meeting_outcome(c: Coalition, x: p.RecordMeetingOutcome) -> list[str]:
    problems = _meeting_without_outcome(c, x.meeting)
    meeting = c.meeting(x.meeting)
    if problems or meeting is None:
        return problems
    problems += _unknown_organisations(c, x.outcome.attended, "outcome.attended")
    problems += _unknown_organisations(c, x.outcome.statements, "outcome.statements")
    if meeting.kind == MeetingKind.exploration:
        if c.state != S.sharing_interests or meeting is not c.exploration_meeting():
            problems.append(
                "meeting: an exploration meeting's outcome is recorded once it is "
                "held, in sharing_interests (hold_exploration_meeting)."
            )
        if x.outcome.commitment is None:
            problems.append(
                "outcome.commitment: say how strong the commitment was at the "
                "exploration meeting (none, tentative or strong)."
            )
    return problems


def add_option(c: Coalition, x: p.AddOption) -> list[str]:
    existing = c.options_of(x.kind)
    limit = c.playbook.max_options
    if len(existing) >= limit:
        titles = ", ".join(o.title for o in existing)
        return [
            f"kind: there are already {len(existing)} {x.kind.value} options ({titles}); "
            f"the method allows at most {limit}. Remove one first (remove_option)."
        ]
    expected = OptionKind.content if c.state == S.content_elaboration else None
    if expected is not None and x.kind != expected:
        return [
            "kind: in content_elaboration the options are about content; collaboration "
            "options follow in collaboration_proposals."
        ]
    return []


def remove_option(c: Coalition, x: p.RemoveOption) -> list[str]:
    if not any(o.id == x.option for o in c.options):
        return _no_such("option", x.option, (o.id for o in c.options))
    return []


def add_action(c: Coalition, x: p.AddAction) -> list[str]:
    return _unknown_organisations(c, [x.owner] if x.owner else [], "owner")


def update_action(c: Coalition, x: p.UpdateAction) -> list[str]:
    problems = _unknown_action(c, x.action)
    if x.owner is not None:
        problems += _unknown_organisations(c, [x.owner], "owner")
        if x.explicitly_unassigned:
            problems.append("owner: give an owner or mark the action explicitly unassigned, not both.")
    action = c.action(x.action)
    funding = x.funding or (action.funding if action else None)
    if x.funding_source is not None and funding != FundingClass.needs_extra_funding:
        problems.append("funding_source: a funding source only applies to actions that need extra funding.")
    return problems


def sign_founding_basis(c: Coalition, x: p.SignFoundingBasis) -> list[str]:
    return _unknown_organisations(c, x.signatories, "signatories")


def report_progress(c: Coalition, x: p.ReportProgress) -> list[str]:
    problems = _unknown_action(c, x.action)
    action = c.action(x.action)
    if action is not None and action.status == ActionStatus.cancelled:
        problems.append(f"action: {x.action} was cancelled; progress cannot be reported on it.")
    return problems


def pick_up_action(c: Coalition, x: p.PickUpAction) -> list[str]:
    problems = _unknown_action(c, x.action) + _unknown_partners(c, [x.partner], "partner")
    action = c.action(x.action)
    if action is not None and action.owner is not None:
        problems.append(f"action: {x.action} is already owned by {action.owner}.")
    if action is not None and action.status in (ActionStatus.done, ActionStatus.cancelled):
        problems.append(f"action: {x.action} is {action.status.value}; only open actions can be picked up.")
    return problems


def record_funder(c: Coalition, x: p.RecordFunder) -> list[str]:
    return [problem for action_id in x.actions for problem in _unknown_action(c, action_id)]


def record_decision(c: Coalition, x: p.RecordDecision) -> list[str]:
    problems = []
    known = {r.id for r in c.monitoring_reports}
    missing = [r for r in x.rests_on if r not in known]
    if missing:
        problems.append(
            f"rests_on: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
            f" not a monitoring report (reports: {', '.join(sorted(known)) or 'none yet'})."
        )
    open_items = {i.id for i in c.open_accountability()}
    unknown = [i for i in x.resolves if i not in open_items]
    if unknown:
        problems.append(
            f"resolves: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} "
            f"not an open accountability item (open: {', '.join(sorted(open_items)) or 'none'})."
        )
    return problems


def open_accountability_item(c: Coalition, x: p.OpenAccountabilityItem) -> list[str]:
    problems = _unknown_action(c, x.action)
    if any(i.action == x.action for i in c.open_accountability()):
        problems.append(f"action: an accountability item for {x.action} is already open.")
    return problems


def spawn_region(c: Coalition, x: p.SpawnRegion) -> list[str]:
    problems = []
    if x.region.id == c.id or x.region.id in c.regions:
        problems.append(f"region.id: {x.region.id} is already this coalition or one of its regions.")
    if x.region.parent not in (None, c.id):
        problems.append(f"region.parent: a region spawned here belongs to {c.id}, not {x.region.parent}.")
    return problems


def signal_national(c: Coalition, x: p.SignalNational) -> list[str]:
    if c.parent is None:
        return ["this coalition is not a region of a national coalition (it has no parent)."]
    return []


def build_message_house(c: Coalition, x: p.BuildMessageHouse) -> list[str]:
    return _unknown_organisations(c, x.message_house.contributors, "message_house.contributors")


def add_member(c: Coalition, x: p.AddMember) -> list[str]:
    """A person is named once; a representative acts for an organisation of this coalition,
    an observer for none."""
    reasons = []
    if c.member(x.member) is not None:
        reasons.append(f"member: {x.member} is a member already; remove_member first to change how.")
    if x.role == MemberRole.representative:
        if x.organisation is None:
            reasons.append("organisation: a representative acts for an organisation; give it, e.g. Aedes.")
        else:
            reasons += _unknown_organisations(c, [x.organisation], "organisation")
    elif x.organisation is not None:
        reasons.append("organisation: an observer acts for no organisation; leave it out.")
    return reasons


def remove_member(c: Coalition, x: p.RemoveMember) -> list[str]:
    if c.member(x.member) is not None:
        return []
    members = ", ".join(c.member_ids()) or "none"
    return [f"member: {x.member} is not a member of this coalition (members: {members})."]
