"""Checks of a payload against the coalition: does what it names exist, does it fit?

Each returns the sentences of everything that is wrong; an empty list means it fits.
"""

from __future__ import annotations

from collections.abc import Iterable

from lemniscate.models import payloads as p
from lemniscate.models.coalition import (
    OWNER_OR_UNASSIGNED,
    SOURCE_NEEDS_EXTRA,
    ActionStatus,
    Coalition,
    FundingClass,
    MeetingKind,
    OptionKind,
)
from lemniscate.models.names import name_key
from lemniscate.models.sentence import Sentence, Value
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.words import state_word, trigger_word


def field(name: str, reason: Value) -> str:
    """A sentence about one field of the payload: "partner: ..." (`errors.named_field`)."""
    return Sentence("field", "{field}: {reason}", field=name, reason=reason)


def within(outer: str, reason: str) -> str:
    """`reason` about a field of the part `outer` of the payload: "region.playbook: ..."."""
    if isinstance(reason, Sentence) and reason.code == "field":
        return field(f"{outer}.{reason.params['field']}", reason.params["reason"])
    return field(outer, reason)


def _period(sentence: str) -> str:
    """A sentence that is said elsewhere without one, with its full stop."""
    return Sentence("period", "{sentence}.", sentence=sentence)


def _missing(names: Iterable[str], known: set[str]) -> list[str]:
    """Those of `names` that are not `known`, once each."""
    return [n for n in dict.fromkeys(names) if n not in known]


def _unknown_partners(c: Coalition, names: Iterable[str], name: str) -> list[str]:
    missing = _missing(names, {q.name for q in c.partners})
    if not missing:
        return []
    reason = Sentence(
        "check.not-a-partner",
        "{names} is not a partner of this coalition ({step} first).",
        "{names} are not a partner of this coalition ({step} first).",
        count=len(missing),
        names=missing,
        step=trigger_word(T.add_partner),
    )
    return [field(name, reason)]


def unknown_organisations(c: Coalition, names: Iterable[str], name: str) -> list[str]:
    missing = _missing(names, set(c.organisations()))
    if not missing:
        return []
    reason = Sentence(
        "check.not-an-organisation",
        "{names} is neither initiator nor partner of this coalition.",
        "{names} are neither initiator nor partner of this coalition.",
        count=len(missing),
        names=missing,
    )
    return [field(name, reason)]


def _known(ids: Iterable[str]) -> Value:
    """The ids there are, or "none yet"."""
    return list(ids) or Sentence("check.none-yet", "none yet")


def _unknown_action(c: Coalition, action_id: str) -> list[str]:
    if c.action(action_id) is None:
        reason = Sentence(
            "check.no-such-action",
            "there is no action {wanted} (actions: {known}).",
            wanted=repr(action_id),
            known=_known(a.id for a in c.actions),
        )
        return [field("action", reason)]
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
        reason = Sentence(
            "check.already-partner", "{name} is already a partner of this coalition.", name=x.name
        )
        return [field("name", reason)]
    same = next((q.name for q in c.partners if name_key(q.name) == name_key(x.name)), None)
    if same is not None:
        reason = Sentence(
            "check.same-partner-name",
            "{name} is the same name as the partner {same} (ignoring case); use {same}.",
            name=x.name,
            same=same,
        )
        return [field("name", reason)]
    return []


def map_topic(c: Coalition, x: p.MapTopic) -> list[str]:
    return _unknown_partners(c, x.partners, "partners")


def plan_meeting(c: Coalition, x: p.PlanMeeting) -> list[str]:
    problems = [
        *unknown_organisations(c, x.invitees, "invitees"),
        *unknown_organisations(c, x.inviters, "inviters"),
    ]
    if x.kind == MeetingKind.partner and x.content is None:
        reason = Sentence(
            "check.meeting-content",
            "a partner meeting is built around content (speaker, peer_organisation, "
            "partner_presentation, site_visit or progress_report); say which.",
        )
        problems.append(field("content", reason))
    return problems


def _meeting_without_outcome(c: Coalition, meeting_id: str) -> list[str]:
    meeting = c.meeting(meeting_id)
    if meeting is None:
        reason = Sentence(
            "check.no-such-meeting",
            "there is no meeting {wanted} (meetings: {known}).",
            wanted=repr(meeting_id),
            known=_known(m.id for m in c.meetings),
        )
        return [field("meeting", reason)]
    if meeting.outcome is not None:
        reason = Sentence(
            "check.outcome-recorded",
            "the outcome of {meeting} ({on}) is already recorded.",
            meeting=meeting_id,
            on=str(meeting.on),
        )
        return [field("meeting", reason)]
    return []


def reschedule_meeting(c: Coalition, x: p.RescheduleMeeting) -> list[str]:
    return _meeting_without_outcome(c, x.meeting)


def record_meeting_outcome(c: Coalition, x: p.RecordMeetingOutcome) -> list[str]:
    problems = _meeting_without_outcome(c, x.meeting)
    meeting = c.meeting(x.meeting)
    if problems or meeting is None:
        return problems
    problems += unknown_organisations(c, x.outcome.attended, "outcome.attended")
    problems += unknown_organisations(c, x.outcome.statements, "outcome.statements")
    if meeting.kind == MeetingKind.exploration:
        if c.state != S.sharing_interests or meeting is not c.exploration_meeting():
            reason = Sentence(
                "check.exploration-outcome-when",
                "an exploration meeting's outcome is recorded once it is held, in {state} ({step}).",
                state=state_word(S.sharing_interests),
                step=trigger_word(T.hold_exploration_meeting),
            )
            problems.append(field("meeting", reason))
        if x.outcome.commitment is None:
            reason = Sentence(
                "check.commitment-missing",
                "say how strong the commitment was at the exploration meeting (none, tentative or strong).",
            )
            problems.append(field("outcome.commitment", reason))
    return problems


def add_option(c: Coalition, x: p.AddOption) -> list[str]:
    existing = c.options_of(x.kind)
    limit = c.playbook.max_options
    if len(existing) >= limit:
        values: dict[str, Value] = {
            "count": len(existing),
            "titles": [o.title for o in existing],
            "limit": limit,
            "step": trigger_word(T.remove_option),
        }
        if x.kind == OptionKind.content:
            reason = Sentence(
                "check.too-many-content-options",
                "there are already {count} content options ({titles}); "
                "the method allows at most {limit}. Remove one first ({step}).",
                **values,
            )
        else:
            reason = Sentence(
                "check.too-many-collaboration-options",
                "there are already {count} collaboration options ({titles}); "
                "the method allows at most {limit}. Remove one first ({step}).",
                **values,
            )
        return [field("kind", reason)]
    expected = OptionKind.content if c.state == S.content_elaboration else None
    if expected is not None and x.kind != expected:
        reason = Sentence(
            "check.content-options-first",
            "in {here} the options are about content; collaboration options follow in {later}.",
            here=state_word(S.content_elaboration),
            later=state_word(S.collaboration_proposals),
        )
        return [field("kind", reason)]
    return []


def remove_option(c: Coalition, x: p.RemoveOption) -> list[str]:
    if not any(o.id == x.option for o in c.options):
        reason = Sentence(
            "check.no-such-option",
            "there is no option {wanted} (options: {known}).",
            wanted=repr(x.option),
            known=_known(o.id for o in c.options),
        )
        return [field("option", reason)]
    return []


def add_action(c: Coalition, x: p.AddAction) -> list[str]:
    return unknown_organisations(c, [x.owner] if x.owner else [], "owner")


def update_action(c: Coalition, x: p.UpdateAction) -> list[str]:
    problems = _unknown_action(c, x.action)
    if x.owner is not None:
        problems += unknown_organisations(c, [x.owner], "owner")
        if x.explicitly_unassigned:
            problems.append(field("owner", _period(OWNER_OR_UNASSIGNED)))
    action = c.action(x.action)
    funding = x.funding or (action.funding if action else None)
    if x.funding_source is not None and funding != FundingClass.needs_extra_funding:
        problems.append(field("funding_source", _period(SOURCE_NEEDS_EXTRA)))
    return problems


def sign_founding_basis(c: Coalition, x: p.SignFoundingBasis) -> list[str]:
    return unknown_organisations(c, x.signatories, "signatories")


def report_progress(c: Coalition, x: p.ReportProgress) -> list[str]:
    problems = _unknown_action(c, x.action)
    action = c.action(x.action)
    if action is not None and action.status == ActionStatus.cancelled:
        reason = Sentence(
            "check.action-cancelled",
            "{action} was cancelled; progress cannot be reported on it.",
            action=x.action,
        )
        problems.append(field("action", reason))
    return problems


def pick_up_action(c: Coalition, x: p.PickUpAction) -> list[str]:
    problems = _unknown_action(c, x.action) + _unknown_partners(c, [x.partner], "partner")
    action = c.action(x.action)
    if action is not None and action.owner is not None:
        reason = Sentence(
            "check.action-owned", "{action} is already owned by {owner}.", action=x.action, owner=action.owner
        )
        problems.append(field("action", reason))
    if action is not None and action.status == ActionStatus.done:
        reason = Sentence(
            "check.pick-up-done", "{action} is done; only open actions can be picked up.", action=x.action
        )
        problems.append(field("action", reason))
    if action is not None and action.status == ActionStatus.cancelled:
        reason = Sentence(
            "check.pick-up-cancelled",
            "{action} is cancelled; only open actions can be picked up.",
            action=x.action,
        )
        problems.append(field("action", reason))
    return problems


def record_funder(c: Coalition, x: p.RecordFunder) -> list[str]:
    return [problem for action_id in x.actions for problem in _unknown_action(c, action_id)]


def record_decision(c: Coalition, x: p.RecordDecision) -> list[str]:
    problems = []
    known = {r.id for r in c.monitoring_reports}
    missing = [r for r in x.rests_on if r not in known]
    if missing:
        reason = Sentence(
            "check.not-a-report",
            "{names} is not a monitoring report (reports: {known}).",
            "{names} are not a monitoring report (reports: {known}).",
            count=len(missing),
            names=missing,
            known=_known(sorted(known)),
        )
        problems.append(field("rests_on", reason))
    open_items = {i.id for i in c.open_accountability()}
    unknown = [i for i in x.resolves if i not in open_items]
    if unknown:
        reason = Sentence(
            "check.not-open-accountability",
            "{names} is not an open accountability item (open: {open}).",
            "{names} are not an open accountability item (open: {open}).",
            count=len(unknown),
            names=unknown,
            open=sorted(open_items) or Sentence("check.none-open", "none"),
        )
        problems.append(field("resolves", reason))
    return problems


def open_accountability_item(c: Coalition, x: p.OpenAccountabilityItem) -> list[str]:
    problems = _unknown_action(c, x.action)
    if any(i.action == x.action for i in c.open_accountability()):
        reason = Sentence(
            "check.accountability-open",
            "an accountability item for {action} is already open.",
            action=x.action,
        )
        problems.append(field("action", reason))
    return problems


def spawn_region(c: Coalition, x: p.SpawnRegion) -> list[str]:
    problems = []
    if x.region.id == c.id or x.region.id in c.regions:
        reason = Sentence(
            "check.region-exists",
            "{region} is already this coalition or one of its regions.",
            region=x.region.id,
        )
        problems.append(field("region.id", reason))
    if x.region.parent not in (None, c.id):
        reason = Sentence(
            "check.region-parent",
            "a region spawned here belongs to {here}, not {parent}.",
            here=c.id,
            parent=str(x.region.parent),
        )
        problems.append(field("region.parent", reason))
    # The region starts as a child of this run: a playbook it could not pin is refused here,
    # where the person who asked hears why, not in a child that cannot start.
    from lemniscate.states import playbooks  # it says its errors with this module's `field`

    start = x.region
    try:
        playbooks.pinned(start.playbook, start.playbook_version, start.playbook_content, start.playbook_hash)
    except playbooks.UnknownPlaybookError as error:
        problems.append(within("region", error.reason))
    return problems


def signal_national(c: Coalition, x: p.SignalNational) -> list[str]:
    if c.parent is None:
        return [
            Sentence(
                "check.no-parent",
                "this coalition is not a region of a national coalition (it has no parent).",
            )
        ]
    return []


def build_message_house(c: Coalition, x: p.BuildMessageHouse) -> list[str]:
    return unknown_organisations(c, x.message_house.contributors, "message_house.contributors")
