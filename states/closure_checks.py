"""Checks of the `close` payload against the coalition: what it decides about the actions
still open names actions that exist, are still open, and each once."""

from __future__ import annotations

from lemniscate.models import payloads as p
from lemniscate.models.coalition import ActionStatus, Coalition
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field


def close(c: Coalition, x: p.Close) -> list[str]:
    reasons: list[str] = []
    seen: set[str] = set()
    for index, decided in enumerate(x.open_actions):
        where = f"open_actions.{index}.action"
        action = c.action(decided.action)
        if action is None:
            missing = Sentence(
                "check.closing-no-such-action",
                "there is no action {wanted} (open actions: {known}).",
                wanted=repr(decided.action),
                known=[a.id for a in c.actions if a.is_open] or Sentence("check.none-yet", "none yet"),
            )
            reasons.append(field(where, missing))
        elif not action.is_open:
            ended = (
                Sentence(
                    "check.closing-action-done",
                    "{action} is done already; only open actions are handed over or dropped.",
                    action=action.id,
                )
                if action.status == ActionStatus.done
                else Sentence(
                    "check.closing-action-cancelled",
                    "{action} was cancelled already; only open actions are handed over or dropped.",
                    action=action.id,
                )
            )
            reasons.append(field(where, ended))
        if decided.action in seen:
            twice = Sentence(
                "check.closing-action-twice",
                "{action} is decided on twice; once is enough.",
                action=decided.action,
            )
            reasons.append(field(where, twice))
        seen.add(decided.action)
    return reasons
