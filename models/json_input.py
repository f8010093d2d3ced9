"""The one reader of JSON that comes from outside: request bodies of the API and of the codec
server. Whatever the bytes, it returns the value or raises `UnreadableJson` with one sentence
that names the reason; it never lets `RecursionError`, `UnicodeDecodeError` or the integer
digit limit's `ValueError` through to become a 500.

Depth is bounded because everything after the parse recurses too (pydantic, `json.dumps`,
the data converter, Temporal's own protobuf); no payload of the method nests deeper than a
handful of levels, and Temporal's protobuf JSON of payloads is four deep.
"""

from __future__ import annotations

import json
from typing import Any, Final

from lemniscate.models.bounds import MAX_NESTING
from lemniscate.models.sentence import Sentence

MAX_DEPTH: Final = MAX_NESTING
"""Arrays and objects inside each other (see `models.bounds`)."""


class UnreadableJson(ValueError):
    """Bytes that are not a JSON text this project reads; `reason` says why, in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _too_deep() -> str:
    return Sentence("json.too-deep", "nested deeper than {depth} levels", depth=MAX_DEPTH)


def _no_constant(name: str) -> Any:
    raise UnreadableJson(Sentence("json.constant", "{name} is not a JSON value", name=name))


def read_json(raw: bytes | str) -> Any:
    """The JSON value of `raw` (strict UTF-8 text, standard JSON only), at most `MAX_DEPTH`
    levels deep and free of lone surrogate escapes, or `UnreadableJson`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise UnreadableJson(
            Sentence("json.not-utf8", "the body is not UTF-8 text (byte {byte})", byte=error.start)
        ) from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise UnreadableJson(
            Sentence(
                "json.syntax",
                "{problem} at line {line}, column {column}",
                problem=error.msg,
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except RecursionError:
        raise UnreadableJson(_too_deep()) from None
    except UnreadableJson:
        raise
    except ValueError:  # an integer longer than Python's digit limit (4,300 digits)
        raise UnreadableJson(Sentence("json.number-too-long", "a number is too long")) from None
    check_value(value)
    return value


def check_value(value: Any, *, texts: bool = True) -> None:
    """Depth (and, with `texts`, Unicode) of a JSON value however it came, without recursion:
    a depth just under the parser's own limit must not overflow here instead."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if texts:
                _check_text(item)
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise UnreadableJson(_too_deep())
            if isinstance(item, dict):
                for key, inner in item.items():
                    if texts:
                        _check_text(key)
                    pending.append((inner, depth + 1))
            else:
                pending.extend((inner, depth + 1) for inner in item)


def _check_text(text: str) -> None:
    # JSON may escape lone surrogates ("\ud800") that no UTF-8 text, and so no record, holds.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableJson(
            Sentence("json.lone-surrogate", "invalid Unicode (a lone surrogate escape)")
        ) from None
