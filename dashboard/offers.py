"""What the page offers whom: which triggers get a form, and what their fields may name.

The service and the workflow decide for certain (a partner naming another organisation is
refused there); this only keeps the page from offering what the permission policy would
refuse for who the person is, and turns free-text names into choices among what the
coalition knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from lemniscate import states
from lemniscate.dashboard.names import WORDS
from lemniscate.models.coalition import ActionStatus, Coalition
from lemniscate.models.events import Actor, Role
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.states.names import TriggerName as T

_OPEN = (ActionStatus.open, ActionStatus.in_progress, ActionStatus.stalled)


def offered(actor: Actor, trigger: str, coalition: Coalition) -> bool:
    """Whether this person gets a form for this trigger at all."""
    if not policy.may_ever_fire(actor, states.TRIGGERS[trigger]):
        return False
    if actor.role != Role.partner:
        return True
    # A partner reports only on actions it owns, and picks up only unowned ones.
    if trigger == T.report_progress:
        return any(a.owner == actor.organisation for a in coalition.actions)
    if trigger == T.pick_up_action:
        return any(a.owner is None and a.status in _OPEN for a in coalition.actions)
    return True


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # a Sentence when it has words of ours in it; else the coalition's own name


def _plain(values: list[str]) -> list[Choice]:
    return [Choice(v, v) for v in values]


def choices(coalition: Coalition, actor: Actor, trigger: str) -> dict[str, list[Choice]]:
    """Choices by field name (the last part of a path) for this trigger's form.

    A text field with choices becomes a select, a list field tick boxes; a field without
    choices, or whose coalition has nothing to choose yet, stays free text.
    """
    c = coalition
    partners = [p.name for p in c.partners]
    organisations = c.organisations()
    actions = c.actions
    if actor.role == Role.partner and trigger == T.report_progress:
        actions = [a for a in actions if a.owner == actor.organisation]
    if trigger == T.pick_up_action:
        actions = [a for a in actions if a.owner is None and a.status in _OPEN]
    found: dict[str, list[Choice]] = {
        "partner": _plain(
            [actor.organisation] if actor.role == Role.partner and actor.organisation else partners
        ),
        "action": [Choice(a.id, f"{a.id} · {a.title}") for a in actions],
        "actions": [Choice(a.id, f"{a.id} · {a.title}") for a in actions],
        "meeting": [
            Choice(
                m.id,
                Sentence(
                    "web.choice.meeting",
                    "{id} · {kind} on {day}",
                    id=m.id,
                    kind=WORDS[m.kind.value],
                    day=m.on.isoformat(),
                ),
            )
            for m in c.meetings
            if m.outcome is None
        ],
        "option": [Choice(o.id, f"{o.id} · {o.title}") for o in c.options],
        "owner": _plain(organisations),
        "rests_on": [
            Choice(r.id, Sentence("web.choice.report", "{id} · cycle {cycle}", id=r.id, cycle=r.cycle))
            for r in c.monitoring_reports
        ],
        "resolves": [Choice(i.id, f"{i.id} · {i.action}") for i in c.open_accountability()],
    }
    if trigger == T.map_topic:
        found["partners"] = _plain(partners)
    for name in ("invitees", "inviters", "attended", "signatories", "contributors"):
        found[name] = _plain(organisations)
    # A new region, and a newly added partner, name new organisations: no choices there.
    if trigger in (T.spawn_region, T.add_partner):
        return {}
    return {name: options for name, options in found.items() if options}
