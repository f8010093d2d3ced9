"""A sentence for a person that knows how it was made, so any surface can say it in Dutch.

The core words what it refuses, warns about and blocks in English, and every English reader
(and every test, log line and integration that reads `str`) gets exactly that text. A
`Sentence` *is* that English string, and also carries its stable `code`, its English
`template` (the message id of the catalogs in `language/`) and the values put into it, so
a surface can put the same values into the Dutch template instead (`language.translate`).

Pydantic turns a str subclass into a plain str; a field typed `Said` keeps a Sentence as it
is in memory, and a JSON dump writes its English text, so machine output does not change.
Across a process boundary (a refused update's details) `wire` and `from_wire` carry it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Final, TypeAlias

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

# What may be put into a sentence: text, a number, another sentence (translated in turn),
# or a list of those (joined with commas).
Value: TypeAlias = "str | int | Sentence | Sequence[str | int | Sentence]"

PLAIN: Final = ""  # the code of text that was not made as a Sentence (said as it is)


def _english(value: Value) -> str:
    if isinstance(value, str | int):
        return str(value)
    return ", ".join(str(item) for item in value)


class Sentence(str):
    """An English sentence made from `template` (a `str.format` pattern with named fields)
    and `params`; with `plural`, the English plural pattern, chosen when `count` is not 1.
    Its `code` is stable across wording changes and languages: integrations match on it."""

    code: str
    template: str
    plural: str | None
    params: Mapping[str, Value]

    def __new__(cls, code: str, template: str, plural: str | None = None, /, **params: Value) -> Sentence:
        count = params.get("count")
        chosen = plural if plural is not None and count != 1 else template
        # Numbers stay numbers, so a template may group them: "{size:,} bytes".
        text = chosen.format(**{n: v if isinstance(v, int) else _english(v) for n, v in params.items()})
        made = super().__new__(cls, text)
        made.code, made.template, made.plural, made.params = code, template, plural, dict(params)
        return made

    def __reduce__(self) -> Any:  # copies and pickles keep what the sentence is made of
        return (_rebuild, (self.wire(),))

    def wire(self) -> dict[str, Any]:
        """The sentence as JSON data, for `from_wire` on the other side of a boundary."""
        data: dict[str, Any] = {"code": self.code, "template": self.template, "text": str(self)}
        if self.plural is not None:
            data["plural"] = self.plural
        data["params"] = {name: _wire_value(value) for name, value in self.params.items()}
        return data


def _wire_value(value: Value) -> Any:
    if isinstance(value, Sentence):
        return value.wire()
    if isinstance(value, str | int):
        return value
    return [_wire_value(item) for item in value]


def _rebuild(data: dict[str, Any]) -> str:
    return from_wire(data)


def _value_from_wire(value: Any) -> Value:
    if isinstance(value, dict):
        return from_wire(value)
    if isinstance(value, list):
        return [item if isinstance(item, str | int) else from_wire(item) for item in value]
    return value if isinstance(value, str | int) else str(value)


def from_wire(data: Any) -> str:
    """A Sentence from `Sentence.wire`'s data; a plain string stays one, and anything that
    is not a well-formed sentence becomes its text (a newer or older worker may send it)."""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return str(data)
    code, template, params = data.get("code"), data.get("template"), data.get("params", {})
    plural = data.get("plural")
    if not (isinstance(code, str) and isinstance(template, str) and isinstance(params, dict)):
        return str(data.get("text", ""))
    try:
        values = {str(name): _value_from_wire(value) for name, value in params.items()}
        return Sentence(code, template, plural if isinstance(plural, str) else None, **values)
    except (KeyError, IndexError, ValueError):
        return str(data.get("text", template))


def code_of(text: str) -> str:
    return text.code if isinstance(text, Sentence) else PLAIN


def _keep(value: Any) -> str:
    return value if isinstance(value, Sentence) else str(value)


_SAID_SCHEMA: Final = core_schema.no_info_after_validator_function(
    _keep,
    core_schema.union_schema([core_schema.is_instance_schema(Sentence), core_schema.str_schema()]),
    serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
)


class _KeepsSentences:
    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _SAID_SCHEMA


# A field whose text may be a Sentence: kept as one in memory, written as its English text.
Said = Annotated[str, _KeepsSentences()]
