"""The coalition workflow's inputs and outputs, shared by the workflow and its callers."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from temporalio.exceptions import ApplicationError

from lemniscate import states
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import Accepted as Accepted  # the reply, kept with the snapshot
from lemniscate.models.journal import (
    CoalitionSnapshot,
    CoalitionStatus,
    FollowUpRecord,
    JournalEntry,
    TriggerRequest,
)
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states.errors import bounded
from lemniscate.states.followup_model import FollowUp

WORKFLOW_NAME = "Coalition"
REFUSED = "Refused"  # the ApplicationError type of a refused trigger
FORBIDDEN = "Forbidden"  # ... of a trigger refused because of who fired it
KEY_REUSED = "IdempotencyKeyReused"  # ... of a key reused for another request
MOVED = "CoalitionMoved"  # ... of a request whose If-Match names an earlier version
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


class CoalitionView(Record):
    """What a query, and every accepted update, returns."""

    coalition: Coalition
    overview: states.Overview
    status: CoalitionStatus
    refused_signals: list[str] = Field(default_factory=list)
    failed_notifications: list[str] = Field(default_factory=list)


class FollowUpBook(Record):
    """A coalition's follow-ups at the workflow's `now`: every one the facts call for,
    delivered or not, and the delivered ones' records (`states.followup_view` reads both)."""

    now: datetime
    plan: list[FollowUp]
    delivered: list[FollowUpRecord]


class JournalPage(Record):
    """A run's share of the journal: the entries it holds after the `since` asked for, the
    number of the first it holds, and the run whose input holds the ones before that."""

    entries: list[JournalEntry]
    first_seq: int
    continues_in: str | None


def refusal(trigger: str, reasons: list[str] | tuple[str, ...], forbidden: bool = False) -> ApplicationError:
    """The error a refused trigger fails with; its details are the reasons, one each, as
    many and as long as a refusal shows (`states.errors.bounded`)."""
    shown = bounded(reasons)
    return ApplicationError(
        f"{trigger} refused: " + " ".join(shown),
        # As data, so the client can say each sentence in the reader's language.
        *(reason.wire() if isinstance(reason, Sentence) else reason for reason in shown),
        type=FORBIDDEN if forbidden else REFUSED,
        non_retryable=True,
    )


def moved(trigger: str, expected: int, current: int, state: str) -> ApplicationError:
    """The error of a request made for a version the coalition is no longer at (HTTP 412);
    its details are the reason, the current version and the current state."""
    reason = Sentence(
        "precondition.moved",
        "the coalition is at version {current}, not {expected} as If-Match says: read it again, then decide.",
        current=current,
        expected=expected,
    )
    return ApplicationError(
        f"{trigger} refused: {reason}", reason.wire(), current, state, type=MOVED, non_retryable=True
    )


def key_reused(trigger: str, first_trigger: str) -> ApplicationError:
    """The error of a key used again for another request (IETF draft: 422)."""
    reason = Sentence(
        "idempotency.key-reused",
        "this Idempotency-Key was already used by you on this coalition for another request "
        "({first}, with another payload or reason, or another trigger); a retry must send the "
        "same request again, a new request needs a new key.",
        first=first_trigger,
    )
    return ApplicationError(
        f"{trigger} refused: {reason}", reason.wire(), type=KEY_REUSED, non_retryable=True
    )
