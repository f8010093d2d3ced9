"""What happens to the actions still open when a coalition closes: handed over to someone
who carries them on, or dropped. Said in the `close` payload and kept on the coalition, so
the closing report never shows an action as merely "open" after the coalition has ended."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import model_validator

from lemniscate.models.records import Name, Record, Text
from lemniscate.models.sentence import Sentence


class ActionFate(StrEnum):
    handed_over = "handed_over"  # someone (a partner, another coalition, an organisation) carries it on
    dropped = "dropped"  # nobody carries it on


HANDED_OVER_NEEDS_TO: Final = Sentence(
    "closure.handed-over-needs-to", "say to whom the action is handed over ('to'), or drop it"
)
DROPPED_HAS_NO_TO: Final = Sentence(
    "closure.dropped-has-no-to", "a dropped action is handed over to nobody: leave 'to' out"
)


class ActionAtClosing(Record):
    """The decision on one action that is still open at closing. An open action the `close`
    payload says nothing about counts as dropped: closing deliberately means nobody is
    left holding an action they never agreed to carry on."""

    action: Name
    fate: ActionFate
    to: Name | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _to_when_handed_over(self) -> ActionAtClosing:
        if self.fate == ActionFate.handed_over and self.to is None:
            raise ValueError(HANDED_OVER_NEEDS_TO)
        if self.fate == ActionFate.dropped and self.to is not None:
            raise ValueError(DROPPED_HAS_NO_TO)
        return self
