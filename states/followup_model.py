"""A follow-up: what is due, when, for whom, and how one is made. Planned by
`states.followups` and `states.invitations`, delivered by the workflow's channels.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any, TypedDict, Unpack

from pydantic import Field, model_validator

from lemniscate.models.coalition import Coalition
from lemniscate.models.invitation import Invitation
from lemniscate.models.playbook import Audience, FollowUpKind
from lemniscate.models.records import Record
from lemniscate.models.sentence import Said, Sentence

# Reminders go out at the start of a working day rather than at midnight.
DELIVERY_TIME = time(9, 0, tzinfo=UTC)


class FollowUp(Record):
    key: str
    kind: FollowUpKind
    due_at: datetime
    audience: Audience
    recipients: list[str]
    message: Said
    # The message as data (`Sentence.wire`), so the channel that delivers it says it in the
    # office's language; filled from `message` when that is a Sentence.
    said: dict[str, Any] | None = None
    addresses: list[str] = Field(default_factory=list, description="known e-mail addresses")
    expires_at: datetime | None = None  # a reminder about a date that has passed is stale
    system_trigger: str | None = Field(
        default=None, description="what the engine itself fires when this comes due"
    )
    system_payload: dict[str, Any] = Field(default_factory=dict)
    invitation: Invitation | None = None  # a meeting invitation's calendar request

    @model_validator(mode="after")
    def _keeps_its_sentence(self) -> FollowUp:
        if self.said is None and isinstance(self.message, Sentence):
            object.__setattr__(self, "said", self.message.wire())
        return self

    def deliverable(self, now: datetime) -> bool:
        return self.due_at <= now and (self.expires_at is None or now < self.expires_at)


def addresses(c: Coalition, names: list[str]) -> list[str]:
    """The known e-mail addresses of `names`, in their order."""
    return [address for name in names if (address := c.email_of(name))]


class Extras(TypedDict, total=False):
    """What some follow-ups carry besides what, when and for whom."""

    expires_at: datetime
    system_trigger: str | None
    system_payload: dict[str, Any]
    addresses: list[str]
    invitation: Invitation


def follow_up(
    kind: FollowUpKind,
    facts: str,
    due_at: datetime,
    audience: Audience,
    recipients: list[str],
    message: str,
    **extras: Unpack[Extras],
) -> FollowUp:
    """A follow-up keyed by its kind and the facts it rests on."""
    return FollowUp(
        key=f"{kind.value}:{facts}",
        kind=kind,
        due_at=due_at,
        audience=audience,
        recipients=recipients,
        message=message,
        **extras,
    )
