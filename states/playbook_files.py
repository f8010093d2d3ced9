"""Playbooks as TOML documents: read, checked like any payload, and the ones shipped.

A document is refused with one sentence per problem, each naming the field path and the
reason (`describe_errors`), so an office fixes its file as it fixes a payload. Gates name
triggers, which only the method knows: that check is here, not in the model.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from typing import Any

from pydantic import ValidationError

from lemniscate.models.playbook import Playbook
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field
from lemniscate.states.errors import Refused, describe_errors
from lemniscate.states.names import TriggerName

# What a refusal of a document is said to be about, where a trigger's name would stand.
DOCUMENT = "playbook"
# Far above any real playbook (a few hundred bytes), far below what a registry carries.
MAX_DOCUMENT_BYTES = 32 * 1024
BUILT_IN_FILES = ("default.toml", "strict.toml")


def parse_toml(text: str) -> Playbook:
    """The playbook `text` describes; raises `Refused` with every problem's path."""
    if len(text.encode()) > MAX_DOCUMENT_BYTES:
        too_large = Sentence(
            "playbook.too-large",
            "a playbook document has at most {limit:,} bytes.",
            limit=MAX_DOCUMENT_BYTES,
        )
        raise Refused(DOCUMENT, [too_large])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message names the line and column; it never quotes the document.
        unreadable = Sentence("playbook.not-toml", "not readable as TOML: {error}.", error=str(error))
        raise Refused(DOCUMENT, [unreadable]) from None
    return parse_data(data)


def parse_data(data: dict[str, Any]) -> Playbook:
    """The playbook `data` (a TOML table or a JSON object) describes; raises `Refused`."""
    try:
        # Through JSON, where strict mode reads enum values as the names they are.
        playbook = Playbook.model_validate_json(json.dumps(data, default=str))
    except ValidationError as error:
        raise Refused(DOCUMENT, describe_errors(error)) from None
    unknown = check_gates(playbook)
    if unknown:
        raise Refused(DOCUMENT, unknown)
    return playbook


def check_gates(playbook: Playbook) -> list[str]:
    """A sentence for each gate that names no trigger of the method."""
    return [
        field(
            f"gates.{name}",
            Sentence("playbook.gate-unknown", "no trigger is called {name}.", name=repr(name)),
        )
        for name in playbook.gates
        if name not in _TRIGGER_NAMES
    ]


_TRIGGER_NAMES = frozenset(t.value for t in TriggerName)


def schema() -> dict[str, Any]:
    """The JSON schema of a playbook document, for editors that validate as people type."""
    published = Playbook.model_json_schema()
    published["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    published["title"] = "Lemniscate playbook"
    return published


def built_in() -> tuple[Playbook, ...]:
    """The playbooks shipped with the package, read through the same parser."""
    folder = resources.files("lemniscate.states").joinpath("playbook_documents")
    return tuple(parse_toml(folder.joinpath(name).read_text("utf-8")) for name in BUILT_IN_FILES)
