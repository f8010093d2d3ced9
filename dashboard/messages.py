"""The validation messages of the dashboard's forms, shared by the server and the page.

The page's script receives this table as JSON in the page's language (see
`templates/base.html`) and checks the same rules (`forms.FieldSpec`, rendered as data
attributes), so a person sees the same sentence whether the browser or the server caught
the mistake.

Each entry is a `Sentence` whose values are its own placeholders ("{min}" for `min`): its
text is the pattern the script fills in, its literal call is what the catalogs extract, and
`message` makes the real sentence from the same code and template.
"""

from __future__ import annotations

from typing import Final

from pydantic_core import PydanticKnownError

from lemniscate import language
from lemniscate.models.sentence import Sentence

# The placeholders as values (names, not literals: the extractor reads literal arguments as
# the message's own texts).
MIN, MAX, LINE = "{min}", "{max}", "{line}"

MESSAGES: Final[dict[str, Sentence]] = {
    "check_fields": Sentence("web.form.check_fields", "Check the marked fields."),
    # pydantic's own words, which `states.describe_errors` gives the API and the CLI: a
    # missing field reads the same wherever it is caught, in either language.
    "required": Sentence("pydantic.missing", PydanticKnownError("missing").message_template),
    "too_short": Sentence("web.form.too_short", "Write at least {min} characters.", min=MIN),
    "too_long": Sentence("web.form.too_long", "Write at most {max} characters.", max=MAX),
    "pattern": Sentence("web.form.pattern", "Not in the expected form."),
    "slug": Sentence("web.form.slug", "Use lower-case letters, digits and hyphens, e.g. my-coalition."),
    "email": Sentence("web.form.email", "Give an e-mail address, e.g. name@example.org."),
    "date": Sentence("web.form.date", "Give a date as YYYY-MM-DD."),
    "integer": Sentence("web.form.integer", "Give a whole number."),
    "minimum": Sentence("web.form.minimum", "Give a number of at least {min}.", min=MIN),
    "enum": Sentence("web.form.enum", "Choose one of the options."),
    "min_items": Sentence("web.form.min_items", "Give at least {min} of these.", min=MIN),
    "max_items": Sentence("web.form.max_items", "Give at most {max} of these.", max=MAX),
    "item_too_long": Sentence(
        "web.form.item_too_long", "Line {line}: write at most {max} characters.", line=LINE, max=MAX
    ),
    "mapping_line": Sentence("web.form.mapping_line", "Line {line}: write it as 'name: text'.", line=LINE),
}

# Patterns whose meaning deserves a sentence of its own rather than "not in the form".
PATTERN_MESSAGES: Final[dict[str, str]] = {
    r"^[a-z0-9][a-z0-9-]*[a-z0-9]$": "slug",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "email",
}


def message(key: str, **values: str | int) -> Sentence:
    made = MESSAGES[key]
    return Sentence(made.code, made.template, **values)


def table(lang: str) -> dict[str, str]:
    """The patterns in `lang`, for the page's script (placeholders left for it to fill)."""
    return {key: language.translate(made, lang) for key, made in MESSAGES.items()}
