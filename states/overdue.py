"""What the engine says of an action past its due date: in the follow-up that opens its
accountability item, and in the reply to a trigger that set a due date already past."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lemniscate.models.coalition import Action, Coalition
from lemniscate.models.sentence import Sentence, Value
from lemniscate.states.table import EXECUTION


def overdue_message(action: Action, on: date) -> str:
    """What an overdue action's follow-up says on day `on`: due today, or how many days
    overdue it is (an action recorded past its due date, a delivery that came late). Each
    sentence whole, so that it translates as one."""
    late = (on - action.due_on).days if action.due_on is not None else 0
    values: dict[str, Value] = {"action": action.id, "title": action.title, "due": str(action.due_on)}
    if late <= 0 and action.owner:
        return Sentence(
            "followup.overdue-today",
            "Action {action} '{title}' of {owner} is due today and not done. An accountability item "
            "is opened.",
            owner=action.owner,
            **values,
        )
    if late <= 0:
        return Sentence(
            "followup.overdue-today-unowned",
            "Action {action} '{title}' has no owner and is due today and not done. An accountability item "
            "is opened.",
            **values,
        )
    if action.owner:
        return Sentence(
            "followup.overdue",
            "Action {action} '{title}' of {owner} is {count} day overdue (due {due}) and not done. An "
            "accountability item is opened.",
            "Action {action} '{title}' of {owner} is {count} days overdue (due {due}) and not done. An "
            "accountability item is opened.",
            owner=action.owner,
            count=late,
            **values,
        )
    return Sentence(
        "followup.overdue-unowned",
        "Action {action} '{title}' has no owner and is {count} day overdue (due {due}) and not done. An "
        "accountability item is opened.",
        "Action {action} '{title}' has no owner and is {count} days overdue (due {due}) and not done. An "
        "accountability item is opened.",
        count=late,
        **values,
    )


def past_due_warnings(before: Coalition, after: Coalition, now: datetime) -> list[str]:
    """Said in the reply to a trigger that gave an action a due date already past, during
    execution: its accountability item is opened at once, by the engine, in the same step."""
    if after.state not in EXECUTION:
        return []
    today = now.astimezone(UTC).date()
    was = {a.id: a.due_on for a in before.actions}
    return [
        Sentence(
            "followup.past-due",
            "Action {action} was due on {due}, already past: an accountability item is opened for it now.",
            action=a.id,
            due=str(a.due_on),
        )
        for a in after.actions
        if a.due_on is not None and a.due_on < today and was.get(a.id) != a.due_on and a.is_open
    ]
