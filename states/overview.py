"""Where a coalition stands, for people and for replies: every trigger's status and the
warnings that do not block (agenda collisions, partners without a topic, missing backing)."""

from __future__ import annotations

from lemniscate.models.coalition import ActionStatus, Coalition
from lemniscate.models.records import Record
from lemniscate.states.machine import MACHINE, move_here, not_here
from lemniscate.states.names import StateName as S
from lemniscate.states.table import STATE_INFO, Round, Side, current_round
from lemniscate.states.triggers import TRIGGER_NAMES, TRIGGERS


class TriggerStatus(Record):
    trigger: str
    summary: str
    available_here: bool
    allowed: bool
    blockers: list[str]


class Overview(Record):
    """Where a coalition stands: what a coordinator or a query wants to see at once."""

    id: str
    name: str
    state: str
    title: str
    round: Round
    side: Side
    step: int | None
    track: str | None
    founded: bool
    final: bool
    playbook: str
    triggers: list[TriggerStatus]
    warnings: list[str]

    @property
    def allowed(self) -> list[str]:
        return [t.trigger for t in self.triggers if t.allowed]

    @property
    def blockers(self) -> dict[str, list[str]]:
        return {t.trigger: t.blockers for t in self.triggers if t.available_here and t.blockers}


def warnings(c: Coalition) -> list[str]:
    found: list[str] = []
    if c.state not in (S.intent_and_interests, S.closed, S.dissolved):
        on_topics = {name for t in c.topics for name in t.partners}
        found += [
            f"{q.name} was interviewed but no domain topic matters to it (map_topic)."
            for q in c.partners
            if q.interview is not None and q.name not in on_topics
        ]
    agendas = {q.name: q.agenda for q in c.partners}
    for m in c.meetings:
        if m.outcome is not None:
            continue
        for name in m.invitees or list(agendas):
            found += [
                f"Meeting {m.id} ({m.kind.value}) on {m.on} collides with {name}'s "
                f"{item.kind.value.replace('_', ' ')}: {item.description}."
                for item in agendas.get(name, [])
                if item.on == m.on
            ]
    for a in c.actions:
        if a.owner is None or a.due_on is None or a.status in (ActionStatus.done, ActionStatus.cancelled):
            continue
        found += [
            f"Action {a.id} is due on {a.due_on}, {a.owner}'s "
            f"{item.kind.value.replace('_', ' ')}: {item.description}."
            for item in agendas.get(a.owner, [])
            if item.on == a.due_on
        ]
    for q in c.committed_partners():
        if q.constituency is not None and not q.constituency.complete:
            missing = [
                role
                for role, backs in (
                    ("managers", q.constituency.managers),
                    ("legal staff", q.constituency.legal_staff),
                    ("executives", q.constituency.executives),
                )
                if not backs
            ]
            found.append(f"{q.name}'s {', '.join(missing)} do not back its participation yet.")
    return found


def _status(c: Coalition, trigger: str, leaving: set[str]) -> TriggerStatus:
    if trigger in leaving:
        _, transition, blockers = move_here(c, trigger)
        if transition is None:
            blockers = [f"{trigger} does not apply on this track now."]
    else:
        transition, blockers = None, [not_here(c, trigger)]
    # Built from the method's own values: validating them again would only cost time.
    return TriggerStatus.model_construct(
        trigger=trigger,
        summary=TRIGGERS[trigger].summary,
        available_here=transition is not None,
        allowed=not blockers,
        blockers=blockers,
    )


def overview(c: Coalition) -> Overview:
    info = STATE_INFO[c.state]
    leaving = set(MACHINE.get_triggers(c.state))
    return Overview.model_construct(
        id=c.id,
        name=c.name,
        state=c.state,
        title=info.title,
        round=current_round(c),
        side=info.side,
        step=info.step,
        track=c.track.value if c.track else None,
        founded=c.founded,
        final=info.final,
        playbook=c.playbook.ref,
        triggers=[_status(c, trigger, leaving) for trigger in TRIGGER_NAMES],
        warnings=warnings(c),
    )
