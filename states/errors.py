"""The one error shape of the method, and the one formatter of validation errors.

Every surface (CLI, API, dashboard) shows a refusal's `reasons` as they are, so a person
reads the same sentence wherever the request came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticKnownError

from lemniscate.models.sentence import Sentence

# What one answer may say about a request, wherever it is shown (problem document, CLI,
# dashboard, refusal log): a payload with 100,000 wrong items gets twenty sentences and a
# count, not 100,000 sentences. Twenty is more than any form shows at once; 1,000 characters
# hold the longest guard sentence of the method (a playbook's list of what is missing, or
# the states a trigger applies in) whole: input is clipped where it is quoted (`_part`).
MAX_REASONS: Final = 20
MAX_SENTENCE: Final = 1_000
MAX_NAME: Final = 60  # one part of a field path as the sender named it (a dict key)
_CLIPPED: Final = "…"
_MORE = re.compile(r"… and (\d+) more problems?\.")


def more_problems(count: int) -> str:
    """The sentence that stands for the reasons left out."""
    return Sentence(
        "more-problems", "… and {count} more problem.", "… and {count} more problems.", count=count
    )


def clip(text: str, limit: int = MAX_SENTENCE) -> str:
    """`text` whole when it fits (a Sentence stays one), else cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - len(_CLIPPED)] + _CLIPPED


def split_more(reasons: Sequence[str]) -> tuple[list[str], int]:
    """The reasons shown, and how many were left out (from a closing `more_problems`)."""
    shown = list(reasons)
    if shown and (match := _MORE.fullmatch(shown[-1])):
        return shown[:-1], int(match.group(1))
    return shown, 0


def bounded(reasons: Sequence[str], left_out: int = 0) -> list[str]:
    """At most `MAX_REASONS` sentences of at most `MAX_SENTENCE` characters each, then one
    `more_problems` for the rest (`left_out` more besides the ones given). Bounding what is
    already bounded changes nothing."""
    shown, more = split_more(reasons)
    more += left_out + max(0, len(shown) - MAX_REASONS)
    kept = [clip(sentence) for sentence in shown[:MAX_REASONS]]
    return kept + [more_problems(more)] if more else kept


class Refused(Exception):
    """A trigger that may not fire now. `reasons` are sentences for the person who tried,
    always `bounded`; `forbidden` says it was refused for who asked, not for what the
    coalition lacks."""

    def __init__(self, trigger: str, reasons: Sequence[str], forbidden: bool = False) -> None:
        self.reasons = bounded(reasons)
        super().__init__(f"{trigger} refused: " + " ".join(self.reasons))
        self.trigger = trigger
        self.forbidden = forbidden


def _part(part: str | int) -> str:
    # A field name comes from the sender: quote any that is not a plain name, so a control
    # character never reaches a terminal or a log line as it was sent, and clip it, so a
    # megabyte of key is not repeated back.
    text = str(part)
    if isinstance(part, int) or (text.isidentifier() and len(text) <= MAX_NAME):
        return text
    return json.dumps(clip(text, MAX_NAME))


def describe_errors(error: ValidationError, prefix: str = "") -> list[str]:
    """One line per problem: the field path and the reason; `bounded`, and only as many
    problems are worded as are shown."""
    lines: list[str] = []
    # Without input and URL: a message never echoes the value that was sent (the context
    # holds the rule, such as a maximum length, which the sentence is made of).
    for item in error.errors(include_url=False, include_input=False)[:MAX_REASONS]:
        path = ".".join(_part(part) for part in item["loc"])
        where = f"{prefix}{path}" if path else prefix.rstrip(".") or "payload"
        lines.append(Sentence("field", "{field}: {reason}", field=where, reason=reason_of(item)))
    return bounded(lines, error.error_count() - len(lines))


def reason_of(item: ErrorDetails) -> str:
    """Pydantic's message for one problem, as a Sentence made from pydantic's own template
    (its error type is the code), so it can be said in Dutch; what our own models'
    validators say is the reason itself (their Sentence when they made one), without the
    "Value error, " pydantic puts before it; anything else stays pydantic's text."""
    context = item.get("ctx") or {}
    inner = context.get("error")
    if item["type"] == "value_error":
        if isinstance(inner, Exception) and inner.args and isinstance(inner.args[0], Sentence):
            return inner.args[0]
        return item["msg"].removeprefix("Value error, ")
    try:
        template = PydanticKnownError(item["type"], context or None).message_template  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return item["msg"]
    values: dict[str, str | int] = {
        name: value if isinstance(value, int) and not isinstance(value, bool) else clip(str(value), MAX_NAME)
        for name, value in context.items()
    }
    if "{expected_plural}" in template:
        values["expected_plural"] = "" if next(iter(context.values()), 0) == 1 else "s"
    try:
        code = "pydantic." + item["type"]
        made = Sentence(code, template, **values)
    except (KeyError, IndexError, ValueError):
        return item["msg"]
    # Only when it says what pydantic says: the English must never change by being made so.
    return made if made == item["msg"] else item["msg"]


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
