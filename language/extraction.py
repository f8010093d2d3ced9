"""Finding every text that needs a translation, for the catalogs and for the test that
fails when one has none.

Sentences are made as `Sentence("code", "template", ["plural"], **values)`; babel's Python
extractor sees those calls and this module hands them on as gettext's `pgettext` and
`npgettext` (code as context), so `pybabel extract -F language/babel.cfg` works as usual.
Templates are read with Jinja2's own babel extractor.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from jinja2.ext import babel_extract
from pydantic_core import PydanticKnownError

ROOT: Final = Path(__file__).resolve().parents[1]
# The folders whose Python says things to people (not tests, benchmarks, examples' data).
SOURCES: Final = (
    "activities", "api", "audit", "cli", "cluster", "coalitions", "dashboard", "language",
    "models", "states", "workers", "workflows",
)  # fmt: skip
TEMPLATES: Final = ROOT / "dashboard" / "templates"
_JINJA_OPTIONS: Final = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}


@dataclass(frozen=True)
class Message:
    context: str | None
    id: str
    plural: str | None
    where: str


def extract_sentences(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Sequence[str], options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """A babel extraction method: each `Sentence(...)` call as `pgettext`/`npgettext`.
    Read with `ast`, so only the positional literals count (a keyword value such as
    `field="url"` is a value put in, never a message)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node.func) == "Sentence"):
            continue
        literals = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args[:3]]
        code, template, plural = (literals + [None, None, None])[:3]
        if not (isinstance(code, str) and isinstance(template, str)):
            continue  # a Sentence made from variables: its literal call is elsewhere
        if isinstance(plural, str):
            yield node.lineno, "npgettext", (code, template, plural), []
        else:
            yield node.lineno, "pgettext", (code, template), []


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def python_messages(root: Path = ROOT) -> list[Message]:
    found = []
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            with path.open("rb") as handle:
                for line, _, parts, _ in extract_sentences(handle, {}, [], {}):
                    plural = parts[2] if len(parts) > 2 else None
                    where = f"{path.relative_to(root)}:{line}"
                    found.append(Message(parts[0], str(parts[1]), plural, where))
    return found


def template_messages(folder: Path = TEMPLATES) -> list[Message]:
    found = []
    for path in sorted(folder.glob("*.html")):
        with path.open("rb") as handle:
            for line, function, parts, _ in babel_extract(handle, _GETTEXT, [], _JINJA_OPTIONS):
                texts = parts if isinstance(parts, tuple) else (parts,)
                where = f"{path.relative_to(ROOT)}:{line}"
                if function in ("pgettext", "npgettext"):
                    context, msgid, *rest = texts
                else:
                    context, msgid, rest = None, texts[0], list(texts[1:])
                plural = rest[0] if function.startswith("n") and rest else None
                if isinstance(msgid, str):
                    found.append(Message(context, msgid, plural, where))
    return found


_GETTEXT: Final = ("_", "gettext", "ngettext", "pgettext", "npgettext")

# Pydantic's own messages that a payload, a form or a request can give, by error type: said
# from pydantic's templates (`states.errors.describe_errors`), translated in `method.po`.
PYDANTIC_ERRORS: Final = (
    "missing", "string_too_long", "string_too_short", "string_type", "string_pattern_mismatch",
    "int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "bool_parsing",
    "bool_type", "list_type", "too_long", "too_short", "extra_forbidden", "enum", "literal_error",
    "date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact",
    "datetime_parsing", "datetime_from_date_parsing", "datetime_type", "timezone_aware",
    "greater_than_equal", "less_than_equal", "greater_than", "less_than",
    "dict_type", "model_type", "model_attributes_type", "json_invalid", "string_unicode",
    "url_parsing", "finite_number", "none_required",
)  # fmt: skip

# Which catalog a text belongs in, by the folder that says it.
_DOMAINS: Final = {
    "api": "api", "dashboard": "web", "cli": "cli", "cluster": "cli", "workers": "cli",
    "audit": "audit", "activities": "mail",
}  # fmt: skip


def pydantic_messages() -> list[Message]:
    found = []
    for error_type in PYDANTIC_ERRORS:
        template = PydanticKnownError(error_type, _SAMPLE_CONTEXT).message_template
        found.append(Message(f"pydantic.{error_type}", template, None, "pydantic-core:0"))
    return found


_SAMPLE_CONTEXT: Final[dict[str, Any]] = {
    "max_length": 1, "min_length": 1, "expected": "", "ge": 1, "le": 1, "gt": 1, "lt": 1,
    "pattern": "", "error": "", "actual_length": 1, "field_type": "", "class_name": "",
}  # fmt: skip


def all_messages() -> list[Message]:
    return python_messages() + template_messages() + pydantic_messages()


def domain_of(message: Message) -> str:
    return _DOMAINS.get(message.where.split("/")[0].split(":")[0], "method")
