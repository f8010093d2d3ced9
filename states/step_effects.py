"""What the steps do to the coalition record: the triggers that move it on (founding,
transforming, closing) and change little of what it knows, or nothing (`no_change`).

Pure functions, new records out, as the records' effects in `states.effects`.
"""

from __future__ import annotations

from lemniscate.models import payloads as p
from lemniscate.models.coalition import ActionStatus, ArchivedApproach, Coalition
from lemniscate.models.events import Event
from lemniscate.models.records import CommitmentLevel, Record, Track
from lemniscate.states.effects import partner_from


def no_change(c: Coalition, x: Record, e: Event) -> Coalition:
    return c


def elaborate_content(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    meeting = c.exploration_meeting()
    strong = (
        meeting is not None
        and meeting.outcome is not None
        and (meeting.outcome.commitment == CommitmentLevel.strong)
    )
    return c.model_copy(update={"track": Track.plan if strong else Track.initiative})


def return_to_round_one(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    return c.model_copy(update={"passes": c.passes + 1, "track": None})


def adopt_playbook(c: Coalition, x: p.AdoptPlaybook, e: Event) -> Coalition:
    # The check refused a request without content: the engine always fills it in.
    return c if x.content is None else c.model_copy(update={"playbook": x.content})


def found(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    # Variant a continues in the concrete variant: a plan of approach.
    started = e.at.date() if c.track == Track.plan else None
    return c.model_copy(
        update={
            "founded": True,
            "founded_on_track": c.track,
            "track": Track.plan,
            "execution_started_on": started,
        }
    )


def adopt_approach(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    return c.model_copy(update={"execution_started_on": e.at.date()})


def start_monitoring(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    return c.model_copy(update={"last_review_on": e.at.date()})


def resume_doing(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    return c.model_copy(update={"cycle": c.cycle + 1})


def transform(c: Coalition, x: p.Transform, e: Event) -> Coalition:
    return c.model_copy(update={"next_task": x.new_task})


# What a new lemniscate keeps of the coalition; the rest starts afresh. The counters keep the
# old approach's ids unique beside the new ones; the members are the same people, as the same
# partners.
_KEPT = [
    "id",
    "name",
    "initiators",
    "coordinator",
    "coordinator_email",
    "playbook",
    "state",
    "serial",
    "numbering",
    "counters",
    "members",
    "communication",
    "signals",
]


def begin_new_lemniscate(c: Coalition, x: p.Empty, e: Event) -> Coalition:
    """The old approach ends; a new lemniscate starts with the same partners."""
    ended = [
        a
        if a.status in (ActionStatus.done, ActionStatus.cancelled)
        else a.model_copy(update={"status": ActionStatus.cancelled})
        for a in c.actions
    ]
    archived = ArchivedApproach(task=c.task, actions=ended, founding_bases=c.founding_bases, cycles=c.cycle)
    partners = [
        # Approached anew for the new task, so their follow-ups count from today.
        partner_from(q, e.at.date()).model_copy(update={"communication_advisor": q.communication_advisor})
        for q in c.partners
    ]
    assert c.next_task is not None  # set by transform, the only way into this state
    return Coalition(
        **{name: getattr(c, name) for name in _KEPT},
        task=c.next_task,
        passes=1,
        partners=partners,
        archived=[*c.archived, archived],
    )


def start_closing(c: Coalition, x: p.StartClosing, e: Event) -> Coalition:
    return c.model_copy(update={"closing_reason": x.reason})


def close(c: Coalition, x: p.Close, e: Event) -> Coalition:
    # The actions keep their status: what became of the open ones is the closing's record.
    update = {"closing_summary": x.summary, "actions_at_closing": x.open_actions, "ended_on": e.at.date()}
    return c.model_copy(update=update)


def dissolve(c: Coalition, x: p.Dissolve, e: Event) -> Coalition:
    return c.model_copy(update={"dissolution_reason": x.reason, "ended_on": e.at.date()})
