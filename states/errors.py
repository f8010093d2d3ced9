"""The one error shape of the method, and the one formatter of validation errors.

Every surface (CLI, API, dashboard) shows a refusal's `reasons` as they are, so a person
reads the same sentence wherever the request came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from pydantic import ValidationError


class Refused(Exception):
    """A trigger that may not fire now. `reasons` are sentences for the person who tried;
    `forbidden` says it was refused for who asked, not for what the coalition lacks."""

    def __init__(self, trigger: str, reasons: list[str], forbidden: bool = False) -> None:
        super().__init__(f"{trigger} refused: " + " ".join(reasons))
        self.trigger = trigger
        self.reasons = reasons
        self.forbidden = forbidden


def describe_errors(error: ValidationError, prefix: str = "") -> list[str]:
    """One line per problem: the field path and the reason."""
    lines = []
    for item in error.errors():
        # A field name comes from the sender: quote any that is not a plain name, so a
        # control character never reaches a terminal or a log line as it was sent.
        path = ".".join(
            str(part) if str(part).isidentifier() or isinstance(part, int) else json.dumps(str(part))
            for part in item["loc"]
        )
        where = f"{prefix}{path}" if path else prefix.rstrip(".") or "payload"
        lines.append(f"{where}: {item['msg']}")
    return lines


# One part of a path as `describe_errors` writes it: a name, an index, or a quoted string.
_PART = r'(?:[^\W\d]\w*|\d+|"(?:[^"\\]|\\.)*")'
_NAMING = re.compile(rf"({_PART}(?:\.{_PART})*): (.+)", re.DOTALL)
_WHOLE = "payload"


def named_field(sentence: str) -> tuple[str, str] | None:
    """The field a sentence of `describe_errors` (or of a check: "name: ... already a
    partner") names, and what it says of it, so a surface can mark that field or list it:
    ("held_on", "Field required"); "" for the payload as a whole; None when no field is named.
    Quoted parts come back as they were sent."""
    match = _NAMING.fullmatch(sentence)
    if match is None:
        return None
    path, reason = match.groups()
    if path == _WHOLE:
        return "", reason
    parts = [json.loads(part) if part.startswith('"') else part for part in re.findall(_PART, path)]
    return ".".join(parts), reason


def fields_of(sentences: Iterable[str]) -> list[tuple[str, str]]:
    """Each sentence's field and what it says of it (`named_field`); a sentence that names
    no field belongs to the payload as a whole ("") and is kept whole."""
    return [named_field(sentence) or ("", sentence) for sentence in sentences]
