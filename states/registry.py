"""What the playbook registry accepts: the rules of publishing, apart from where versions
are kept (`workflows.playbooks`), so every surface and the registry say the same.

Versions of a name are numbered 1, 2, 3 ... without gaps, and a published version never
changes: publishing the same content again is answered with the version already there,
other content under a taken number is refused. The built-in playbooks count as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lemniscate.models import bounds
from lemniscate.models.playbook import Playbook, PublishedPlaybook
from lemniscate.models.sentence import Sentence
from lemniscate.states import playbooks
from lemniscate.states.checks import field

# All versions together stay within a quarter of a payload: the registry's query reply and
# its continue-as-new input carry them all.
REGISTRY_BUDGET: Final = bounds.PAYLOAD_LIMIT // 4


def known(published: Sequence[PublishedPlaybook]) -> list[Playbook]:
    """Every version there is: the built-in ones, then the published ones."""
    return [*playbooks.PLAYBOOKS, *(p.playbook for p in published)]


def find(published: Sequence[PublishedPlaybook], name: str, version: int | None) -> Playbook:
    """`name` at `version`, or its latest version; raises `UnknownPlaybookError`."""
    candidates = [p for p in known(published) if p.name == name and version in (None, p.version)]
    if not candidates:
        raise playbooks.UnknownPlaybookError(
            playbooks.unknown(
                name if version is None else f"{name}@{version}", [p.ref for p in known(published)]
            )
        )
    return max(candidates, key=lambda p: p.version)


def refusals(published: Sequence[PublishedPlaybook], new: Playbook) -> list[str]:
    """Why `new` may not be published next to `published` ([] when it may, or when it is
    published already with this very content)."""
    same_name = [p for p in known(published) if p.name == new.name]
    for existing in same_name:
        if existing.version == new.version:
            if existing.content_hash == new.content_hash:
                return []
            taken = Sentence(
                "registry.version-taken",
                "{ref} is published already with other content; a published version never "
                "changes: publish this as version {next}",
                ref=new.ref,
                next=max(p.version for p in same_name) + 1,
            )
            return [field("version", taken)]
    following = max((p.version for p in same_name), default=0) + 1
    if new.version != following:
        gap = Sentence(
            "registry.next-version",
            "the next version of {name} is {next}",
            name=repr(new.name),
            next=following,
        )
        return [field("version", gap)]
    size = sum(len(p.model_dump_json()) for p in published) + len(new.model_dump_json())
    if size > REGISTRY_BUDGET:
        full = Sentence(
            "registry.full",
            "the registry holds at most {limit} bytes of playbooks; this one would pass that",
            limit=f"{REGISTRY_BUDGET:,}",
        )
        return [full]
    return []
