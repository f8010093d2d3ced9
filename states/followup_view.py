"""Follow-ups as a read model: what is planned, what was delivered, what is overdue and what
stands escalated, for one coalition, as one reader may see it.

Pure. The workflow knows the plan (`followups.plan`, through its `follow_up_plan` query) and
what it delivered (`FollowUpRecord`); this module only puts the two side by side, names the
record each follow-up is about and the escalation it would lead to, and words each in a
`Sentence`, so that every surface (the CLI, the API, the dashboard, the agenda, the calendar)
reads the same. Who sees which follow-up is `policy.sees_follow_up`'s answer; the read model
never carries an e-mail address (personal data, see `states.redaction`).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import UTC, date, datetime, time

from pydantic import Field

from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor
from lemniscate.models.journal import ChannelOutcome, FollowUpRecord
from lemniscate.models.playbook import Audience, FollowUpKind
from lemniscate.models.records import Record
from lemniscate.models.sentence import Said, Sentence
from lemniscate.states import policy
from lemniscate.states.copying import copied
from lemniscate.states.followup_model import FollowUp
from lemniscate.states.table import STATE_INFO

K = FollowUpKind
# Follow-ups about the coalition as a whole, not about one of its records.
_WHOLE = (K.progress_review, K.partner_meeting, K.inactivity)
# Delivered kinds that escalate: while the fact they rest on is unchanged (still planned),
# the escalation stands.
ESCALATIONS = (K.escalation, K.outcome_escalation)
_KINDS = frozenset(k.value for k in FollowUpKind)
# What a follow-up is, when it is due and for whom: what the read model repeats of a planned one.
_WHAT_WHEN_WHOM = ("kind", "due_at", "audience", "recipients")


class LeadsTo(Record):
    """What a follow-up leads to when nobody acts on it: a later follow-up to someone else,
    or a step the engine takes itself (`engine_step`)."""

    kind: FollowUpKind
    due_at: datetime
    audience: Audience
    recipients: list[str]
    engine_step: str | None = None


class PlannedFollowUp(Record):
    key: str
    kind: FollowUpKind
    due_at: datetime
    expires_at: datetime | None
    audience: Audience
    recipients: list[str]
    about: str | None = Field(description="the record it is about (A3, M1, a partner); none: the coalition")
    says: Said
    message: str = Field(description="the text it is delivered with (English)")
    engine_step: str | None = Field(description="what the engine itself does when it comes due")
    leads_to: LeadsTo | None


class DeliveredFollowUp(Record):
    key: str
    kind: FollowUpKind
    at: datetime
    due_at: datetime | None
    audience: str | None
    recipients: list[str]
    about: str | None
    says: Said
    message: str
    channels: list[ChannelOutcome]
    standing: bool = Field(description="an escalation whose fact is unchanged: nobody acted on it yet")


class OverdueAction(Record):
    action: str
    title: str
    owner: str | None
    recipients: list[str]
    due_on: date
    days: int
    item: str | None = Field(description="the open accountability item, once the engine opened it")
    says: Said


class FollowUps(Record):
    coalition_id: str
    coalition_name: str
    as_of: datetime
    planned: list[PlannedFollowUp]
    delivered: list[DeliveredFollowUp]
    overdue: list[OverdueAction]
    owners: dict[str, list[str]] = Field(
        default_factory=dict, description="whose record each `about` is (`owner_of`)"
    )

    @property
    def escalated(self) -> list[DeliveredFollowUp]:
        return [d for d in self.delivered if d.standing]


def about_of(kind: FollowUpKind, key: str) -> str | None:
    """The record a follow-up is about, read from its key (`followup_model.follow_up`: the kind,
    then the facts it rests on, the record's id or name first and a day last)."""
    facts = key.partition(":")[2]
    if kind == K.escalation:  # escalation:<the reminder's own key>
        kind_inside = _kind_of(facts)
        return about_of(kind_inside, facts) if kind_inside is not None else None
    if kind in _WHOLE or ":" not in facts:
        return None
    return facts.rsplit(":", 1)[0].removesuffix("-next")


def _kind_of(key: str) -> FollowUpKind | None:
    kind = key.partition(":")[0]
    return FollowUpKind(kind) if kind in _KINDS else None


def says(kind: FollowUpKind, about: str | None, key: str = "") -> Sentence:
    """What a follow-up is for, in a sentence a person reads in their language."""
    record = about or ""
    match kind:
        case K.interview_reminder:
            return Sentence(
                "followup.interview", "Interview {partner}, or mark it not reached.", partner=record
            )
        case K.outcome_reminder:
            return Sentence("followup.outcome", "Record the outcome of meeting {meeting}.", meeting=record)
        case K.outcome_escalation:
            return Sentence(
                "followup.outcome-escalation",
                "The outcome of meeting {meeting} is still not recorded: escalated.",
                meeting=record,
            )
        case K.meeting_reminder:
            return Sentence("followup.meeting", "Reminder of meeting {meeting}.", meeting=record)
        case K.progress_review:
            return Sentence("followup.review", "Periodic progress review: a monitoring round opens.")
        case K.partner_meeting:
            return Sentence("followup.partner-meeting", "Plan the next partner meeting.")
        case K.action_due_reminder:
            return Sentence("followup.action-due", "Action {action} is due soon.", action=record)
        case K.action_overdue:
            return Sentence(
                "followup.action-overdue",
                "Action {action} is overdue: an accountability item is opened.",
                action=record,
            )
        case K.inactivity:
            return Sentence("followup.inactivity", "Nothing happened for too long: the night candle is lit.")
        case K.meeting_invitation:
            return Sentence("followup.invitation", "Invitation to meeting {meeting}.", meeting=record)
        case K.escalation:
            inner = _kind_of(key.partition(":")[2])
            return Sentence(
                "followup.escalation",
                "Not acted on in time, escalated: {reminder}",
                reminder=says(inner, about) if inner is not None else record,
            )


def _leads_to(follow_up: FollowUp, by_key: dict[str, FollowUp]) -> LeadsTo | None:
    facts = follow_up.key.partition(":")[2]
    after = {
        K.outcome_reminder: f"{K.outcome_escalation.value}:{facts}",
        K.action_due_reminder: f"{K.action_overdue.value}:{facts}",
    }.get(follow_up.kind, f"{K.escalation.value}:{follow_up.key}")
    later = by_key.get(after)
    if later is None:
        return None
    return LeadsTo(**copied(later, _WHAT_WHEN_WHOM), engine_step=later.system_trigger)


def read_model(
    c: Coalition, plan: Sequence[FollowUp], delivered: Sequence[FollowUpRecord], now: datetime
) -> FollowUps:
    """The whole read model, for a confidant; `for_reader` narrows it."""
    sent = {r.key for r in delivered}
    by_key = {f.key: f for f in plan}
    planned = [
        PlannedFollowUp(
            **copied(f, (*_WHAT_WHEN_WHOM, "key", "expires_at", "message")),
            about=(about := about_of(f.kind, f.key)),
            says=says(f.kind, about, f.key),
            engine_step=f.system_trigger,
            leads_to=_leads_to(f, by_key),
        )
        for f in plan
        if f.key not in sent and (f.expires_at is None or f.expires_at > now)
    ]
    done = []
    for r in delivered:
        kind = _kind_of(r.key)
        if kind is None:
            continue
        about = about_of(kind, r.key)
        done.append(
            DeliveredFollowUp(
                **copied(r, ("key", "at", "due_at", "audience", "recipients", "message", "channels")),
                kind=kind,
                about=about,
                says=says(kind, about, r.key),
                standing=kind in ESCALATIONS and r.key in by_key,
            )
        )
    overdue = _overdue(c, now)
    abouts = {f.about for f in planned if f.about} | {d.about for d in done if d.about}
    abouts |= {o.action for o in overdue}
    return FollowUps(
        coalition_id=c.id,
        coalition_name=c.name,
        as_of=now,
        planned=planned,
        delivered=done,
        overdue=overdue,
        owners={about: owner_of(c, about) for about in sorted(abouts)},
    )


def earliest_due(c: Coalition) -> datetime | None:
    """The earliest due day of an action not done (as midnight UTC): the coalition has an
    overdue action exactly when it lies before today (`_overdue`), whatever the clock says."""
    days = [a.due_on for a in c.actions if a.due_on is not None and a.is_open]
    return datetime.combine(min(days), time(0), tzinfo=UTC) if days else None


def standing_escalation(plan: Iterable[FollowUp], sent_keys: Container[str]) -> bool:
    """Whether an escalation was delivered whose fact is unchanged: nobody acted on it yet."""
    return any(f.kind in ESCALATIONS and f.key in sent_keys for f in plan)


def _overdue(c: Coalition, now: datetime) -> list[OverdueAction]:
    if STATE_INFO[c.state].final:
        return []  # closed or dissolved: its open actions were handed over or dropped
    today = now.astimezone(UTC).date()
    items = {i.action: i.id for i in c.open_accountability()}
    found = []
    for a in c.actions:
        if a.due_on is None or a.due_on >= today or not a.is_open:
            continue
        late = (today - a.due_on).days
        found.append(
            OverdueAction(
                action=a.id,
                title=a.title,
                owner=a.owner,
                recipients=[a.owner] if a.owner else [c.coordinator],
                due_on=a.due_on,
                days=late,
                item=items.get(a.id),
                says=Sentence(
                    "followup.overdue-days",
                    "Action {action} is {count} day overdue.",
                    "Action {action} is {count} days overdue.",
                    action=a.id,
                    count=late,
                ),
            )
        )
    return found


def owner_of(c: Coalition, about: str | None) -> list[str]:
    """Whose record `about` is: an action's owner, a partner itself, a meeting's invitees."""
    if about is None:
        return []
    if (action := c.action(about)) is not None:
        return [action.owner] if action.owner else []
    if (meeting := c.meeting(about)) is not None:
        return list(meeting.invitees)
    return [about] if any(p.name == about for p in c.partners) else []


def for_reader(model: FollowUps, reader: Actor) -> FollowUps:
    """The read model as `reader` may see it (`policy.sees_follow_up`)."""

    def sees(recipients: Sequence[str], about: str | None) -> bool:
        return policy.sees_follow_up(reader, recipients, model.owners.get(about or "", []))

    return model.model_copy(
        update={
            "planned": [f for f in model.planned if sees(f.recipients, f.about)],
            "delivered": [f for f in model.delivered if sees(f.recipients, f.about)],
            "overdue": [o for o in model.overdue if sees(o.recipients, o.action)],
        }
    )
