"""The playbook's window of days (`Playbook.dates`), asked of every payload a trigger carries:
one check for every day field, wherever it sits in the payload, so a new field is covered
the day it is declared."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal, get_args, get_origin

from pydantic import BaseModel

from lemniscate.models.playbook import Playbook
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field

_NO_DAYS = (str, int, float, Enum, type(None))


def _days(value: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], date]]:
    # A moment (datetime) is the engine's own clock or a delivery time, never a day a person
    # names; only plain days are in the office's window.
    if isinstance(value, _NO_DAYS):
        return  # most of a payload: settled here, before the slower abstract checks below
    if isinstance(value, date) and not isinstance(value, datetime):
        yield path, value
    elif isinstance(value, Playbook):
        return  # a playbook carried (adopted, or a region's) bounds days; it names none
    elif isinstance(value, BaseModel):
        for name in _day_fields(type(value)):
            yield from _days(getattr(value, name), (*path, name))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _days(inner, (*path, str(key)))
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for index, inner in enumerate(value):
            yield from _days(inner, (*path, str(index)))


@functools.cache
def _day_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model` whose declared type can hold a day, at any depth: the others
    are skipped without looking at their values."""
    return tuple(name for name, info in model.model_fields.items() if _can_hold_a_day(info.annotation, set()))


def _can_hold_a_day(annotation: object, seen: set[object]) -> bool:
    if annotation in seen:
        return False  # a type that contains itself holds a day only through its other parts
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if origin is Annotated:
        return _can_hold_a_day(get_args(annotation)[0], seen)
    if isinstance(annotation, type) and origin is None:
        if issubclass(annotation, _NO_DAYS) or issubclass(annotation, (datetime, Playbook)):
            return False
        if issubclass(annotation, date):
            return True
        if issubclass(annotation, BaseModel):
            inner = seen | {annotation}
            return any(_can_hold_a_day(f.annotation, inner) for f in annotation.model_fields.values())
    arguments = get_args(annotation)
    if arguments:  # unions, lists, dicts, tuples: a day in any of their parts
        return any(_can_hold_a_day(a, seen) for a in arguments if a is not Ellipsis)
    return True  # Any, object, a bare container: only its values can tell


def outside(playbook: Playbook, payload: BaseModel) -> list[str]:
    """A sentence for each day in `payload` outside the playbook's window."""
    window = playbook.dates
    return [
        field(
            ".".join(path),
            Sentence(
                "window.outside",
                "{day} is outside the days {playbook} allows, {earliest} to {latest}",
                day=str(day),
                playbook=playbook.ref,
                earliest=str(window.earliest),
                latest=str(window.latest),
            ),
        )
        for path, day in _days(payload, ())
        if not window.earliest <= day <= window.latest
    ]
