"""Saying a core sentence in a language: its template looked up in the catalogs under its
code, the same values put in, each value that is itself a sentence translated first."""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

from babel.numbers import format_decimal

from lemniscate.language.catalogs import SOURCE_LANGUAGE, translations
from lemniscate.models.sentence import Sentence, Value


class _Formatter(string.Formatter):
    """`str.format`, with a number's grouping ("{size:,}") as the language writes it:
    262,144 in English, 262.144 in Dutch."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "," and isinstance(value, int):
            return format_decimal(value, locale=self.language)
        return str(super().format_field(value, format_spec))


def _value(value: Value, language: str) -> str | int:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return translate(value, language)
    return ", ".join(str(_value(item, language)) for item in value)


def translate(text: str, language: str) -> str:
    """`text` in `language`. A Sentence is said from its template there; a plain literal is
    looked up as it is (a text made elsewhere, such as a person's own words, has no
    translation and stays as it was written)."""
    if language == SOURCE_LANGUAGE:
        return str(text)
    catalog = translations(language)
    if not isinstance(text, Sentence):
        return catalog.gettext(text) if text else text
    count = text.params.get("count")
    if text.plural is not None and isinstance(count, int):
        pattern = str(catalog.npgettext(text.code, text.template, text.plural, count))
    else:
        pattern = str(catalog.pgettext(text.code, text.template))
    try:
        values = {name: _value(value, language) for name, value in text.params.items()}
        return _Formatter(language).format(pattern, **values)
    except (KeyError, IndexError, ValueError):
        # A translation that names a value the sentence does not have: the English stands.
        return str(text)


def translate_all(texts: Iterable[str], language: str) -> list[str]:
    return [translate(text, language) for text in texts]
