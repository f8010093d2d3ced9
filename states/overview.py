"""Where a coalition stands, for people and for replies: every trigger's status and the
warnings that do not block (agenda collisions, partners without a topic, missing backing)."""

from __future__ import annotations

import functools
from typing import Final

from lemniscate.models.coalition import Coalition
from lemniscate.models.records import Record
from lemniscate.models.sentence import Said, Sentence
from lemniscate.states.machine import leaving_triggers, move_here, not_here_in
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.table import STATE_INFO, Round, Side, current_round
from lemniscate.states.triggers import TRIGGER_NAMES, TRIGGERS
from lemniscate.states.words import agenda_kind_word, meeting_kind_word, trigger_word


class TriggerStatus(Record):
    trigger: str
    summary: Said
    available_here: bool
    allowed: bool
    blockers: list[Said]


class Overview(Record):
    """Where a coalition stands: what a coordinator or a query wants to see at once."""

    id: str
    name: str
    state: str
    title: Said
    round: Round
    side: Side
    step: int | None
    track: str | None
    founded: bool
    final: bool
    playbook: str
    triggers: list[TriggerStatus]
    warnings: list[Said]

    @property
    def allowed(self) -> list[str]:
        return [t.trigger for t in self.triggers if t.allowed]

    @property
    def blockers(self) -> dict[str, list[str]]:
        return {t.trigger: t.blockers for t in self.triggers if t.available_here and t.blockers}


_MANAGERS: Final = Sentence("backing.managers", "managers")
_LEGAL_STAFF: Final = Sentence("backing.legal-staff", "legal staff")
_EXECUTIVES: Final = Sentence("backing.executives", "executives")


def warnings(c: Coalition) -> list[str]:
    found: list[str] = []
    if c.state not in (S.intent_and_interests, S.closed, S.dissolved):
        on_topics = {name for t in c.topics for name in t.partners}
        found += [
            Sentence(
                "warning.no-topic",
                "{partner} was interviewed but no domain topic matters to it ({step}).",
                partner=q.name,
                step=trigger_word(T.map_topic),
            )
            for q in c.partners
            if q.interview is not None and q.name not in on_topics
        ]
    agendas = {q.name: q.agenda for q in c.partners}
    for m in c.meetings:
        if m.outcome is not None:
            continue
        for name in m.invitees or list(agendas):
            found += [
                Sentence(
                    "warning.meeting-collides",
                    "Meeting {meeting} ({kind}) on {on} collides with {partner}'s {item}: {description}.",
                    meeting=m.id,
                    kind=meeting_kind_word(m.kind.value),
                    on=str(m.on),
                    partner=name,
                    item=agenda_kind_word(item.kind.value),
                    description=item.description,
                )
                for item in agendas.get(name, [])
                if item.on == m.on
            ]
    for a in c.actions:
        if a.owner is None or a.due_on is None or not a.is_open:
            continue
        found += [
            Sentence(
                "warning.action-collides",
                "Action {action} is due on {on}, {partner}'s {item}: {description}.",
                action=a.id,
                on=str(a.due_on),
                partner=a.owner,
                item=agenda_kind_word(item.kind.value),
                description=item.description,
            )
            for item in agendas.get(a.owner, [])
            if item.on == a.due_on
        ]
    for q in c.committed_partners():
        if q.constituency is not None and not q.constituency.complete:
            missing = [
                role
                for role, backs in (
                    (_MANAGERS, q.constituency.managers),
                    (_LEGAL_STAFF, q.constituency.legal_staff),
                    (_EXECUTIVES, q.constituency.executives),
                )
                if not backs
            ]
            found.append(
                Sentence(
                    "warning.no-backing",
                    "{partner}'s {roles} do not back its participation yet.",
                    partner=q.name,
                    roles=missing,
                )
            )
    return found


def _status(c: Coalition, trigger: str, leaving: frozenset[str]) -> TriggerStatus:
    if trigger not in leaving:
        return _not_here_status(c.state, trigger)
    _, transition, blockers = move_here(c, trigger)
    if transition is None:
        blockers = [
            Sentence(
                "overview.not-on-this-track",
                "{step} does not apply on this track now.",
                step=trigger_word(trigger),
            )
        ]
    return _trigger_status(trigger, transition is not None, blockers)


@functools.cache
def _not_here_status(state: str, trigger: str) -> TriggerStatus:
    # Most of an overview, and the same for every coalition in `state`: made once.
    return _trigger_status(trigger, False, [not_here_in(state, trigger)])


def _trigger_status(trigger: str, available_here: bool, blockers: list[str]) -> TriggerStatus:
    # Built from the method's own values: validating them again would only cost time.
    return TriggerStatus.model_construct(
        trigger=trigger,
        summary=TRIGGERS[trigger].summary,
        available_here=available_here,
        allowed=not blockers,
        blockers=blockers,
    )


def overview(c: Coalition) -> Overview:
    info = STATE_INFO[c.state]
    leaving = leaving_triggers(c.state)
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
