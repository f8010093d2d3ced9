"""The coalition workflow's inputs and outputs, shared by the workflow and its callers."""

from __future__ import annotations

from pydantic import Field
from temporalio.exceptions import ApplicationError

from lemniscate import states
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import CoalitionSnapshot, CoalitionStatus, TriggerRequest
from lemniscate.models.records import Record

WORKFLOW_NAME = "Coalition"
REFUSED = "Refused"  # the ApplicationError type of a refused trigger
FORBIDDEN = "Forbidden"  # ... of a trigger refused because of who fired it
WORKFLOW_ID_PREFIX = "coalition/"
SYSTEM = Actor(id="lemniscate", role=Role.system)  # follow-ups the engine acts on itself


def workflow_id(slug: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{slug}"


def slug_of(workflow_id: str) -> str:
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX)


class CoalitionInput(Record):
    """Either the request that starts a coalition, or the snapshot it continues from."""

    start: TriggerRequest | None = None
    snapshot: CoalitionSnapshot | None = None
    history_limit: int = Field(
        default=4_000,
        ge=100,
        description="continue as new after this many events, if the server has not "
        "suggested it earlier (Temporal warns at 10,240)",
    )


class Accepted(Record):
    """The reply to an accepted trigger. Small on purpose: Temporal keeps every update's
    reply in the history, and a retried request with the same id gets this same reply."""

    seq: int
    trigger: str
    from_state: str | None
    state: str
    round: str
    side: str
    allowed: list[str]
    warnings: list[str]


class CoalitionView(Record):
    """What a query, and every accepted update, returns."""

    coalition: Coalition
    overview: states.Overview
    status: CoalitionStatus
    refused_signals: list[str] = Field(default_factory=list)
    failed_notifications: list[str] = Field(default_factory=list)


def refusal(trigger: str, reasons: list[str] | tuple[str, ...], forbidden: bool = False) -> ApplicationError:
    """The error a refused trigger fails with; its details are the reasons, one each."""
    return ApplicationError(
        f"{trigger} refused: " + " ".join(reasons),
        *reasons,
        type=FORBIDDEN if forbidden else REFUSED,
        non_retryable=True,
    )
