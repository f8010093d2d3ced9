"""What the cross-check finds: the history event each journal entry rests on, and the
mismatches, named by entry. Kept apart from the matching itself so the report can read them
without the matcher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from lemniscate.models.events import Event
from lemniscate.models.journal import TriggerRequest

# workflow.now() is the task's start time to the microsecond; history times may be finer.
TOLERANCE = timedelta(milliseconds=1)

Check = Literal["history", "chain", "replay", "continue-as-new"]


class Finding(BaseModel):
    """A mismatch: the trail does not hold here. `seq` names the entry when there is one."""

    model_config = ConfigDict(frozen=True)

    check: Check
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "history"
        return f"[{self.check}] {where}: {self.message}"


class Source(BaseModel):
    """The history event a journal entry rests on."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["start", "update", "signal", "follow-up"]
    run: int
    run_id: str
    event_id: int
    event_time: datetime
    update_id: str | None = None
    detail: str


@dataclass
class CrossCheck:
    sources: dict[int, Source] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def close_in_time(a: datetime, times: Sequence[datetime]) -> bool:
    return any(abs(a - t) <= TOLERANCE for t in times)


def differing_keys(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return sorted(k for k in {*a, *b} if a.get(k) != b.get(k))


def differences(request: TriggerRequest, event: Event) -> list[str]:
    """How a journal event differs from the request the history holds; empty if it does not."""
    found = []
    if request.trigger != event.trigger:
        found.append(f"trigger is {event.trigger!r} in the journal, {request.trigger!r} in the history")
    if request.actor != event.actor:
        found.append(f"actor is {event.actor} in the journal, {request.actor} in the history")
    if request.payload != event.payload:
        keys = ", ".join(differing_keys(request.payload, event.payload))
        found.append(f"payload differs from the history in: {keys}")
    if request.reason != event.reason:
        found.append(f"reason is {event.reason!r} in the journal, {request.reason!r} in the history")
    return found
