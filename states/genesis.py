"""The first event of a coalition: `start`, and the coalition it creates."""

from __future__ import annotations

from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.models.names import name_key
from lemniscate.models.payloads import StartCoalition
from lemniscate.models.records import Numbering
from lemniscate.models.sentence import Sentence
from lemniscate.states import playbooks, policy
from lemniscate.states.checks import field
from lemniscate.states.effects import partner_from
from lemniscate.states.errors import Refused
from lemniscate.states.names import START
from lemniscate.states.parsing import validate
from lemniscate.states.table import INITIAL_STATE

# What a coalition takes from its start as it was asked; the rest the engine settles.
_AS_ASKED = ("id", "name", "task", "initiators", "coordinator", "coordinator_email", "parent")


def genesis(event: Event) -> Coalition:
    """The coalition a `start` event creates, in the first state of round 1."""
    if event.trigger != START:
        start_first = Sentence("machine.start-first", "the first event of a coalition must be 'start'.")
        raise Refused(event.trigger, [start_first])
    # Who may ask to start is the service's question (policy.may_start); a region is started
    # by the engine for whoever fired spawn_region, so only the roles are checked here.
    if event.actor.role not in policy.STARTERS:
        may_not = Sentence(
            "machine.may-not-start", "{actor} may not start a coalition.", actor=event.actor.said()
        )
        raise Refused(START, [may_not], forbidden=True)
    start = validate(StartCoalition, event.payload, START)[0]
    try:
        playbook = playbooks.pinned(
            start.playbook, start.playbook_version, start.playbook_content, start.playbook_hash
        )
    except playbooks.UnknownPlaybookError as error:
        raise Refused(START, [error.reason]) from None
    names = [q.name for q in start.partners]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        twice = Sentence(
            "machine.partners-twice",
            "{names} listed more than once.",
            "{names} listed more than once.",
            count=len(duplicates),
            names=duplicates,
        )
        raise Refused(START, [field("partners", twice)])
    first_of: dict[str, str] = {}
    for name in names:  # spelt differently, yet one name (models.names)
        first = first_of.setdefault(name_key(name), name)
        if first != name:
            same = Sentence(
                "machine.partners-same-name",
                "{name} is the same name as {first} (ignoring case).",
                name=name,
                first=first,
            )
            raise Refused(START, [field("partners", same)])
    return Coalition(
        **{name: getattr(start, name) for name in _AS_ASKED},
        playbook=playbook,
        state=INITIAL_STATE,
        partners=[partner_from(q, event.at.date()) for q in start.partners],
        # The journal's start says how ids are numbered, so a replay (the workflow's, the
        # audit's) numbers them as the coalition did: without it, the shared counter.
        numbering=start.numbering or Numbering.shared,
    )
