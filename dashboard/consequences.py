"""The steps that cannot be undone (dissolve, start closing, close) ask to be confirmed, with
their consequence in words, before the dashboard sends them: a box to tick in the form, and
the server checks it too, so neither a slip of the mouse nor a page without its script ends
a coalition. The API and the CLI are unchanged: their callers say what they mean."""

from __future__ import annotations

from typing import Final

from lemniscate.dashboard.forms import RESERVED_PREFIX
from lemniscate.dashboard.views import Submitted
from lemniscate.models.sentence import Sentence
from lemniscate.states.names import TriggerName as T

CONFIRM: Final = f"{RESERVED_PREFIX}confirm"  # the box's name: not part of any payload

CONSEQUENCES: Final[dict[str, Sentence]] = {
    T.dissolve: Sentence(
        "web.confirm.dissolve",
        "The coalition is dissolved and ends here: no step follows.",
    ),
    T.start_closing: Sentence(
        "web.confirm.start_closing",
        "The coalition stops its work and starts closing: it cannot go back to execution, only be closed.",
    ),
    T.close: Sentence(
        "web.confirm.close",
        "The coalition is closed for good: no step follows; its journal stays to be read.",
    ),
}
NOT_CONFIRMED: Final = Sentence(
    "web.confirm.missing",
    "Nothing was done: this step cannot be undone, so tick the box that says what it does first.",
)


def unconfirmed(trigger: str, values: dict[str, list[str]]) -> Submitted | None:
    """The form shown again, unsent, when `trigger` cannot be undone and its box was not
    ticked; None when it may go ahead."""
    if trigger not in CONSEQUENCES or values.get(CONFIRM, [""])[0] == "on":
        return None
    return Submitted(trigger, values, {CONFIRM: [NOT_CONFIRMED]})
