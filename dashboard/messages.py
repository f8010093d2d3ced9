"""The validation messages of the dashboard's forms, shared by the server and the page.

The page's script receives this table as JSON (see `templates/base.html`) and checks the
same rules (`forms.FieldSpec`, rendered as data attributes), so a person sees the same
sentence whether the browser or the server caught the mistake.
"""

from __future__ import annotations

from typing import Final

from pydantic_core import PydanticKnownError

MESSAGES: Final[dict[str, str]] = {
    "check_fields": "Check the marked fields.",
    # pydantic's own words, which `states.describe_errors` gives the API and the CLI: a
    # missing field reads the same wherever it is caught.
    "required": PydanticKnownError("missing").message(),
    "too_short": "Write at least {min} characters.",
    "too_long": "Write at most {max} characters.",
    "pattern": "Not in the expected form.",
    "slug": "Use lower-case letters, digits and hyphens, e.g. my-coalition.",
    "email": "Give an e-mail address, e.g. name@example.org.",
    "date": "Give a date as YYYY-MM-DD.",
    "integer": "Give a whole number.",
    "minimum": "Give a number of at least {min}.",
    "enum": "Choose one of the options.",
    "min_items": "Give at least {min} of these.",
    "max_items": "Give at most {max} of these.",
    "item_too_long": "Line {line}: write at most {max} characters.",
    "mapping_line": "Line {line}: write it as 'name: text'.",
}

# Patterns whose meaning deserves a sentence of its own rather than "not in the form".
PATTERN_MESSAGES: Final[dict[str, str]] = {
    r"^[a-z0-9][a-z0-9-]*[a-z0-9]$": "slug",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "email",
}


def message(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values)
