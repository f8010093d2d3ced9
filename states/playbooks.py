"""The published playbooks. A coalition copies the one it starts with and keeps it."""

from __future__ import annotations

from lemniscate.models.playbook import CommunicationItem, Playbook
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field
from lemniscate.states.names import TriggerName as T

DEFAULT = Playbook(
    name="default",
    version=1,
    description="The settings of METHOD.md: no communication item gates a step.",
)

STRICT = Playbook(
    name="strict",
    version=1,
    description="Founding waits for a message house and a positioning choice; "
    "three interviews before the domain is mapped.",
    min_interviews=3,
    gates={
        T.found: [CommunicationItem.message_house, CommunicationItem.positioning],
        T.adopt_approach: [CommunicationItem.message_house, CommunicationItem.positioning],
    },
)

PLAYBOOKS: tuple[Playbook, ...] = (DEFAULT, STRICT)


class UnknownPlaybookError(LookupError):
    """No such playbook; `reason` says so, and which there are."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolve(name: str, version: int | None = None) -> Playbook:
    """The named playbook at `version`, or its latest version when none is given."""
    candidates = [p for p in PLAYBOOKS if p.name == name]
    if version is not None:
        candidates = [p for p in candidates if p.version == version]
    if not candidates:
        wanted = name if version is None else f"{name}@{version}"
        reason = Sentence(
            "playbook.unknown",
            "no playbook {wanted}; known: {known}",
            wanted=repr(wanted),
            known=[p.ref for p in PLAYBOOKS],
        )
        raise UnknownPlaybookError(field("playbook", reason))
    return max(candidates, key=lambda p: p.version)
