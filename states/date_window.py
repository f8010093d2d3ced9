"""The playbook's window of days (`Playbook.dates`), asked of every payload a trigger carries:
one check for every day field, wherever it sits in the payload, so a new field is covered
the day it is declared."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from enum import Enum

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
        for name in type(value).model_fields:
            yield from _days(getattr(value, name), (*path, name))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _days(inner, (*path, str(key)))
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for index, inner in enumerate(value):
            yield from _days(inner, (*path, str(index)))


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
