"""The built-in playbooks. A coalition copies the one it starts with and keeps it."""

from __future__ import annotations

from lemniscate.models.playbook import Playbook
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field
from lemniscate.states.playbook_files import built_in, check_gates

# Documents shipped with the package (states/playbook_documents), read through the parser
# every office's file goes through; published versions live in the playbook registry.
DEFAULT, STRICT = built_in()

PLAYBOOKS: tuple[Playbook, ...] = (DEFAULT, STRICT)


class UnknownPlaybookError(LookupError):
    """No such playbook; `reason` says so, and which there are."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unknown(wanted: str, known: list[str]) -> str:
    """The sentence for a playbook that is not there, naming the ones that are."""
    reason = Sentence(
        "playbook.unknown", "no playbook {wanted}; known: {known}", wanted=repr(wanted), known=known
    )
    return field("playbook", reason)


def resolve(name: str, version: int | None = None) -> Playbook:
    """The named playbook at `version`, or its latest version when none is given."""
    candidates = [p for p in PLAYBOOKS if p.name == name]
    if version is not None:
        candidates = [p for p in candidates if p.version == version]
    if not candidates:
        raise UnknownPlaybookError(
            unknown(name if version is None else f"{name}@{version}", [p.ref for p in PLAYBOOKS])
        )
    return max(candidates, key=lambda p: p.version)


def pinned(name: str, version: int | None, content: Playbook | None, content_hash: str | None) -> Playbook:
    """The playbook a request pins: its carried content when the engine filled it in (a
    published version), else the built-in one. Raises `UnknownPlaybookError` when the
    content is not what the request names, or not what its hash says."""
    if content is None:
        return resolve(name, version)
    if content.name != name or (version is not None and content.version != version):
        reason = Sentence(
            "playbook.content-mismatch",
            "the content carried is {carried}, not {wanted}",
            carried=content.ref,
            wanted=name if version is None else f"{name}@{version}",
        )
        raise UnknownPlaybookError(field("playbook", reason))
    if content_hash is not None and content_hash != content.content_hash:
        reason = Sentence(
            "playbook.hash-mismatch", "the content of {ref} does not have the hash carried", ref=content.ref
        )
        raise UnknownPlaybookError(field("playbook", reason))
    unknown = check_gates(content)
    if unknown:
        raise UnknownPlaybookError(unknown[0])
    return content
