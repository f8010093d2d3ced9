"""Who did what, when and why: the event every change is."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from lemniscate.models.records import Name, Record, Text
from lemniscate.models.sentence import Sentence


class Role(StrEnum):
    coordinator = "coordinator"
    partner = "partner"
    auditor = "auditor"
    integration = "integration"
    system = "system"  # the workflow itself: timers, follow-ups


class Actor(Record):
    id: Name
    role: Role
    organisation: Name | None = Field(default=None, description="required for partners")
    allowed_triggers: list[Name] = Field(
        default_factory=list, description="for integrations: the triggers its key may fire"
    )

    @model_validator(mode="after")
    def _partner_has_organisation(self) -> Actor:
        if self.role == Role.partner and self.organisation is None:
            raise ValueError(
                Sentence(
                    "actor.partner-organisation", "a partner acts for an organisation: give 'organisation'"
                )
            )
        return self

    def __str__(self) -> str:
        org = f" ({self.organisation})" if self.organisation else ""
        return f"{self.id}{org} as {self.role.value}"


class Event(Record):
    """One accepted change. `payload` is the trigger's JSON; `states` validates it."""

    # The payload is validated by its trigger's model; stripping here would make the event
    # say something else than what was evaluated.
    model_config = ConfigDict(str_strip_whitespace=False)

    trigger: Name
    payload: dict[str, Any] = Field(default_factory=dict)
    actor: Actor
    at: datetime
    reason: Text | None = None
