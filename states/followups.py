"""Follow-ups as a pure function of the coalition: what is due, when, for whom.

The workflow asks `plan` after every change and sleeps until the earliest follow-up it has
not delivered yet. Each follow-up's key names the facts it rests on (a meeting's date, an
action's due date), so when a fact changes the old follow-up disappears from the plan and a
new one takes its place: nothing stale fires and nothing is lost.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Unpack

from lemniscate.models.coalition import ActionStatus, Coalition, MeetingKind
from lemniscate.models.playbook import Audience, FollowUpKind
from lemniscate.models.sentence import Sentence
from lemniscate.states.followup_model import DELIVERY_TIME, Extras, FollowUp, addresses, follow_up
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.overdue import overdue_message
from lemniscate.states.overdue import past_due_warnings as past_due_warnings  # the workflow's
from lemniscate.states.table import EXECUTION, STATE_INFO
from lemniscate.states.words import meeting_kind_word, trigger_word


def _at(day: date) -> datetime:
    return datetime.combine(day, DELIVERY_TIME)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# What the planner gives (`FollowUp`, made in `states.followup_model`) and asks about.
__all__ = ["Audience", "FollowUp", "FollowUpKind", "at_risk", "night_candle_at", "plan"]


def plan(
    c: Coalition,
    last_activity_at: datetime,
    *,
    exact_night_candle: bool = False,
    as_held: bool = True,
) -> list[FollowUp]:
    """Every follow-up the coalition's facts call for, delivered or not, earliest first.

    `exact_night_candle` lights the candle at the very second the inactivity period ends, as
    coalitions started before it moved to the delivery time did (see `night_candle_at`).
    `as_held` plans a meeting marked held from the day it was held: no reminder of it any
    more, and its outcome reminders count from that day. Coalitions started before that
    rule plan from the planned day whatever happened (their timers were set that way)."""
    if STATE_INFO[c.state].final:
        return []
    found = _reminders(c, last_activity_at, exact_night_candle, as_held)
    for reminder in [f for f in found if f.kind in c.playbook.follow_up.escalate]:
        # Still in the plan after the delay means still not acted on: the fact is unchanged.
        found.append(
            _to_office(
                c,
                FollowUpKind.escalation,
                reminder.key,
                reminder.due_at + _days(c.playbook.follow_up.escalation_after),
                Sentence(
                    "followup.escalation",
                    "Escalation for {name}: not acted on since {since}: {message}",
                    name=c.name,
                    since=f"{reminder.due_at:%Y-%m-%d}",
                    message=reminder.message,
                ),
            )
        )
    return sorted(
        (f.model_copy(update={"addresses": addresses(c, f.recipients)}) for f in found),
        key=lambda f: (f.due_at, f.key),
    )


def _to_coordinator(
    c: Coalition, kind: FollowUpKind, facts: str, due_at: datetime, message: str, **extras: Unpack[Extras]
) -> FollowUp:
    return follow_up(kind, facts, due_at, Audience.coordinator, [c.coordinator], message, **extras)


def _to_office(c: Coalition, kind: FollowUpKind, facts: str, due_at: datetime, message: str) -> FollowUp:
    """To the task's programme office, or the coordinator when the task names none or the
    playbook sends escalations to the coordinator."""
    if c.playbook.recipients.escalations == Audience.coordinator:
        return _to_coordinator(c, kind, facts, due_at, message)
    return follow_up(
        kind, facts, due_at, Audience.programme_office, [c.task.programme or c.coordinator], message
    )


def _addressed(
    c: Coalition, to_them: bool, audience: Audience, recipients: list[str]
) -> tuple[Audience, list[str]]:
    """To `recipients` when the playbook sends this kind of reminder to them (`to_them`), else to
    the coordinator."""
    return (audience, recipients) if to_them else (Audience.coordinator, [c.coordinator])


def _ahead_of(
    kind: FollowUpKind, facts: str, day: date, before: int, to: tuple[Audience, list[str]], message: str
) -> FollowUp:
    """A reminder `before` days ahead of `day` (`to` whom: `_addressed`); stale once `day` has come."""
    return follow_up(kind, facts, _at(day - _days(before)), *to, message, expires_at=_at(day))


def _reminders(
    c: Coalition, last_activity_at: datetime, exact_night_candle: bool, as_held: bool
) -> list[FollowUp]:
    days, to = c.playbook.follow_up, c.playbook.recipients
    found: list[FollowUp] = []
    meetings_to = to.meeting_reminders == Audience.invitees

    for partner in c.partners:
        if partner.interview is None and partner.not_reached_reason is None and partner.added_on:
            found.append(
                _to_coordinator(
                    c,
                    FollowUpKind.interview_reminder,
                    f"{partner.name}:{partner.added_on}",
                    _at(partner.added_on + _days(days.interview_reminder)),
                    Sentence(
                        "followup.interview",
                        "{partner} was added on {added} and has no interview yet: interview it or mark it "
                        "not reached.",
                        partner=partner.name,
                        added=str(partner.added_on),
                    ),
                )
            )

    for meeting in c.meetings:
        if meeting.outcome is None:
            held = meeting.held_on if as_held else None
            day = held or meeting.on  # the outcome is awaited from the day it was held
            planned = f"{meeting.id}:{day}"
            if held is None:  # a meeting already held needs no reminder of it
                found.append(
                    _ahead_of(
                        FollowUpKind.meeting_reminder,
                        planned,
                        meeting.on,
                        days.meeting_reminder_before,
                        _addressed(c, meetings_to, Audience.invitees, meeting.invitees or [c.coordinator]),
                        Sentence(
                            "followup.meeting",
                            "Reminder: {kind} meeting {meeting} on {on}.",
                            kind=meeting_kind_word(meeting.kind.value),
                            meeting=meeting.id,
                            on=str(meeting.on),
                        ),
                    )
                )
            found.append(
                _to_coordinator(
                    c,
                    FollowUpKind.outcome_reminder,
                    planned,
                    _at(day + _days(days.outcome_reminder)),
                    Sentence(
                        "followup.outcome",
                        "The {kind} meeting {meeting} of {day} has no recorded outcome yet ({record}).",
                        kind=meeting_kind_word(meeting.kind.value),
                        meeting=meeting.id,
                        day=str(day),
                        record=trigger_word(T.record_meeting_outcome),
                    ),
                )
            )
            found.append(
                _to_office(
                    c,
                    FollowUpKind.outcome_escalation,
                    planned,
                    _at(day + _days(days.outcome_escalation)),
                    Sentence(
                        "followup.outcome-escalation",
                        "Escalation: {count} days after the {kind} meeting {meeting} of {day} of {name}, its "
                        "outcome is still not recorded.",
                        count=days.outcome_escalation,
                        kind=meeting_kind_word(meeting.kind.value),
                        meeting=meeting.id,
                        day=str(day),
                        name=c.name,
                    ),
                )
            )
        elif meeting.outcome.next_meeting_on is not None:
            next_on = meeting.outcome.next_meeting_on
            found.append(
                _ahead_of(
                    FollowUpKind.meeting_reminder,
                    f"{meeting.id}-next:{next_on}",
                    next_on,
                    days.meeting_reminder_before,
                    _addressed(c, meetings_to, Audience.invitees, meeting.outcome.attended),
                    Sentence(
                        "followup.next-meeting",
                        "Reminder: the next meeting agreed at {meeting} is on {on}.",
                        meeting=meeting.id,
                        on=str(next_on),
                    ),
                )
            )

    if c.state in EXECUTION and c.execution_started_on is not None:
        since = c.last_review_on or c.execution_started_on
        found.append(
            _to_coordinator(
                c,
                FollowUpKind.progress_review,
                f"{since}",
                _at(since + _days(days.progress_review_every)),
                Sentence(
                    "followup.progress-review",
                    "Periodic progress review of {name} is due: a monitoring round opens ({monitoring}).",
                    name=c.name,
                    monitoring=trigger_word(T.start_monitoring),
                ),
                system_trigger=T.start_monitoring if c.state == S.doing else None,
            )
        )
        partner_meetings = [m.on for m in c.meetings if m.kind == MeetingKind.partner]
        last_meeting = max([c.execution_started_on, *partner_meetings])
        found.append(
            _to_coordinator(
                c,
                FollowUpKind.partner_meeting,
                f"{last_meeting}",
                _at(last_meeting + _days(days.partner_meeting_every)),
                Sentence(
                    "followup.partner-meeting",
                    "Plan the next partner meeting of {name}, around inspiring content (a speaker, a peer "
                    "organisation, a partner's sub-project, a site visit).",
                    name=c.name,
                ),
            )
        )
        found.extend(_action_follow_ups(c))
    found.append(
        _to_office(
            c,
            FollowUpKind.inactivity,
            last_activity_at.isoformat(),
            night_candle_at(c, last_activity_at, exact=exact_night_candle),
            Sentence(
                "followup.inactivity",
                "Nothing happened in {name} for {count} days: it is at risk of going out like a "
                "night candle.",
                name=c.name,
                count=days.inactivity,
            ),
        )
    )
    return found


def _action_follow_ups(c: Coalition) -> list[FollowUp]:
    days = c.playbook.follow_up
    actions_to = c.playbook.recipients.action_reminders == Audience.action_owner
    found: list[FollowUp] = []
    for action in c.actions:
        if action.due_on is None or action.status in (ActionStatus.done, ActionStatus.cancelled):
            continue
        # Nobody owns an unassigned action, so its reminders go to the coordinator, once.
        owner = [action.owner] if action.owner else [c.coordinator]
        due = f"{action.id}:{action.due_on}"
        found.append(
            _ahead_of(
                FollowUpKind.action_due_reminder,
                due,
                action.due_on,
                days.action_due_reminder_before,
                _addressed(c, actions_to and bool(action.owner), Audience.action_owner, owner),
                Sentence(
                    "followup.action-due",
                    "Action {action} '{title}' is due on {due}.",
                    action=action.id,
                    title=action.title,
                    due=str(action.due_on),
                ),
            )
        )
        found.append(
            follow_up(
                FollowUpKind.action_overdue,
                due,
                _at(action.due_on),
                Audience.coordinator,
                list(dict.fromkeys([c.coordinator, *owner])),
                overdue_message(action, action.due_on),
                system_trigger=T.open_accountability_item,
                system_payload={"action": action.id},
            )
        )
    return found


def as_of(follow_up: FollowUp, c: Coalition, now: datetime) -> FollowUp:
    """The follow-up as it reads at `now`: an overdue action says how overdue it is then.
    Only the words change; the key, and so what was delivered, stays."""
    if follow_up.kind != FollowUpKind.action_overdue:
        return follow_up
    action = c.action(str(follow_up.system_payload.get("action", "")))
    if action is None or action.due_on is None:
        return follow_up
    said = overdue_message(action, now.astimezone(UTC).date())
    wire = said.wire() if isinstance(said, Sentence) else None
    return follow_up.model_copy(update={"message": said, "said": wire})


def night_candle_at(c: Coalition, last_activity_at: datetime, *, exact: bool = False) -> datetime:
    """When the night candle is lit: the first delivery time once the playbook's inactivity
    period has passed since the last activity.

    Lit at a delivery time like every other reminder, it moves at most once a day however
    busy the coalition is, and with it the indexed next follow-up: an active coalition costs
    no search-attribute write per step. `exact` gives the old timing, the very end of the
    period, which coalitions started before this rule keep."""
    quiet_until = last_activity_at + _days(c.playbook.follow_up.inactivity)
    if exact:
        return quiet_until
    lit = _at(quiet_until.astimezone(UTC).date())
    return lit if lit >= quiet_until else lit + _days(1)


def at_risk(
    c: Coalition, last_activity_at: datetime, now: datetime, *, exact_night_candle: bool = False
) -> bool:
    """The night candle is lit: no activity for the playbook's inactivity period."""
    if STATE_INFO[c.state].final:
        return False
    return now >= night_candle_at(c, last_activity_at, exact=exact_night_candle)
