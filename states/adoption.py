"""Moving a coalition to another playbook version on purpose: when it may (`adopt_playbook`'s
check) and what it would change for it (`impact`), both from its record alone.

"Where it stands" is read as: the new version must hold for every step behind the
coalition. A step is behind it when the coalition stands past the state the step leaves
(or, for founding, once it is founded); its playbook-dependent guards (minimum interviews,
invitees, options, committed partners, and the step's communication gate) are asked again
with the new settings. A step ahead that the new version blocks is no refusal: the
coalition can still supply what it lacks, and `impact` says so in advance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import Field

from lemniscate.models.coalition import Coalition
from lemniscate.models.payloads import AdoptPlaybook
from lemniscate.models.playbook import Playbook
from lemniscate.models.records import Record, Track
from lemniscate.models.sentence import Sentence
from lemniscate.states import followups, playbooks
from lemniscate.states import guards as g
from lemniscate.states.checks import field
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.table import PREPARING, STATE_INFO
from lemniscate.states.words import trigger_word

# The guards whose outcome a playbook setting decides (the gates are found by their name).
_SETTLED_BY_PLAYBOOK = frozenset(
    {
        g.ENOUGH_INTERVIEWS,
        g.EXPLORATION_INVITEES,
        g.CONTENT_OPTIONS,
        g.COLLABORATION_OPTIONS,
        g.ENOUGH_COMMITTED,
    }
)


def _past(index: int) -> Callable[[Coalition], bool]:
    """Behind a coalition that stands at or beyond PREPARING[index], or beyond preparing."""

    def passed(c: Coalition) -> bool:
        if c.state in PREPARING:
            return PREPARING.index(c.state) >= index
        return not STATE_INFO[c.state].final

    return passed


def _past_adoption(on_the_meeting: bool) -> Callable[[Coalition], bool]:
    """Behind a coalition founded on an initiative proposal that stands at the adoption
    meeting (`on_the_meeting`) or beyond it. One founded on its plan never took these steps,
    and one founded before the track was kept is not asked about them."""

    def passed(c: Coalition) -> bool:
        if c.founded_on_track != Track.initiative or STATE_INFO[c.state].final:
            return False
        return c.state not in PREPARING or (on_the_meeting and c.state == S.approach_adoption)

    return passed


# Each step of the preparation, and when it is behind the coalition.
_BEHIND: tuple[tuple[T, Callable[[Coalition], bool]], ...] = (
    (T.map_domain, _past(1)),
    (T.plan_collaboration, _past(2)),
    (T.prepare_exploration_meeting, _past(3)),
    (T.hold_exploration_meeting, _past(4)),
    (T.elaborate_content, _past(5)),
    (T.propose_collaboration, _past(6)),
    (T.complete_proposal, _past(7)),
    (T.call_founding_meeting, lambda c: c.founded or _past(8)(c)),
    (T.found, lambda c: c.founded),
    (T.call_adoption_meeting, _past_adoption(on_the_meeting=True)),
    (T.adopt_approach, _past_adoption(on_the_meeting=False)),
)


def _settled_guards(trigger: T) -> list[g.Guard]:
    from lemniscate.states.triggers import TRIGGERS  # the declarations use this module's check

    found: dict[str, g.Guard] = {}
    for move in TRIGGERS[trigger].moves:
        for guard in move.guards:
            if guard in _SETTLED_BY_PLAYBOOK or guard.name.startswith("playbook_gate:"):
                found.setdefault(guard.name, guard)
    return list(found.values())


def unmet_behind(c: Coalition, playbook: Playbook) -> list[str]:
    """A sentence for each requirement of `playbook`, for a step behind the coalition, that
    the coalition does not meet."""
    under = c.model_copy(update={"playbook": playbook})
    reasons: list[str] = []
    for trigger, passed in _BEHIND:
        if not passed(c):
            continue
        for guard in _settled_guards(trigger):
            reason = guard(under)
            if reason is not None:
                reasons.append(
                    Sentence(
                        "adopt.behind-unmet",
                        "{step} is behind the coalition, and {playbook} would not have let it pass: {reason}",
                        step=trigger_word(trigger),
                        playbook=playbook.ref,
                        reason=reason,
                    )
                )
    return reasons


def adopt_playbook(c: Coalition, x: AdoptPlaybook) -> list[str]:
    """The check of `adopt_playbook`: the content carried is the version named, another
    than the one pinned, and the coalition meets it for every step behind it."""
    if x.content is None:
        return [
            field(
                "content",
                Sentence(
                    "adopt.no-content",
                    "the engine fills in the published version's content; adopt through the "
                    "service (lemniscate do, the API, a bulk operation).",
                ),
            )
        ]
    try:
        playbook = playbooks.pinned(x.playbook, x.version, x.content, x.hash)
    except playbooks.UnknownPlaybookError as error:
        return [error.reason]
    if playbook.content_hash == c.playbook.content_hash and playbook.ref == c.playbook.ref:
        return [Sentence("adopt.already", "The coalition already follows {playbook}.", playbook=playbook.ref)]
    return unmet_behind(c, playbook)


class StepChange(Record):
    trigger: str
    reasons: list[str] = Field(default_factory=list)  # why it is blocked under the new version


class ReminderChange(Record):
    key: str
    kind: str
    before: datetime | None  # None: new under the new version
    after: datetime | None  # None: gone under the new version


class Impact(Record):
    """What adopting `to` would change for one coalition, from where it stands now."""

    coalition: str
    playbook: str
    to: str
    newly_blocked: list[StepChange] = Field(default_factory=list)
    newly_met: list[StepChange] = Field(default_factory=list)
    reminders: list[ReminderChange] = Field(default_factory=list)
    refused: list[str] = Field(default_factory=list)  # why adopt_playbook would be refused

    @property
    def changes(self) -> bool:
        return bool(self.newly_blocked or self.newly_met or self.reminders or self.refused)


def _steps(c: Coalition) -> dict[str, list[str] | None]:
    """Each trigger that leaves the coalition's state: None when it may fire, else why not."""
    from lemniscate.states.machine import MACHINE, move_here  # the machine is built on this module

    found: dict[str, list[str] | None] = {}
    for name in MACHINE.events:
        _, transition, blockers = move_here(c, name)
        if transition is not None:
            found[name] = blockers or None
    return found


def impact(c: Coalition, playbook: Playbook, last_activity_at: datetime, now: datetime) -> Impact:
    """Steps that become blocked or allowed, and reminders still to come that move, appear
    or disappear, if `c` adopted `playbook` now; and why adopting would be refused."""
    under = c.model_copy(update={"playbook": playbook})
    before, after = _steps(c), _steps(under)
    blocked = [StepChange(trigger=t, reasons=r) for t, r in after.items() if r and before.get(t, ()) is None]
    met = [StepChange(trigger=t) for t, r in after.items() if r is None and before.get(t)]
    planned = {f.key: f for f in followups.plan(c, last_activity_at) if f.due_at > now}
    replanned = {f.key: f for f in followups.plan(under, last_activity_at) if f.due_at > now}
    moved = [
        ReminderChange(
            key=key,
            kind=(planned.get(key) or replanned[key]).kind.value,
            before=planned[key].due_at if key in planned else None,
            after=replanned[key].due_at if key in replanned else None,
        )
        for key in sorted(planned.keys() | replanned.keys())
        if key not in planned or key not in replanned or planned[key].due_at != replanned[key].due_at
    ]
    return Impact(
        coalition=c.id,
        playbook=c.playbook.ref,
        to=playbook.ref,
        newly_blocked=blocked,
        newly_met=met,
        reminders=moved,
        refused=unmet_behind(c, playbook),
    )
