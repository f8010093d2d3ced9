"""Making one record from another that holds the same facts under the same names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from lemniscate.models.coalition import Coalition


def copied(source: object, names: Iterable[str]) -> dict[str, Any]:
    """The attributes `names` of `source`, as the keyword arguments of the record made from it."""
    return {name: getattr(source, name) for name in names}


class TaskFacts(TypedDict):
    """Which coalition a report is of: its name and the task it works on."""

    name: str
    task: str
    programme: str | None


def task_facts(c: Coalition) -> TaskFacts:
    """The facts every report of a coalition opens with (the closing report, the audit trail)."""
    return TaskFacts(name=c.name, task=c.task.title, programme=c.task.programme)
