"""Who did what, when and why: the event every change is."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from lemniscate.models.records import Name, Record, Slug, Text


class Role(StrEnum):
    coordinator = "coordinator"
    partner = "partner"
    auditor = "auditor"
    integration = "integration"
    system = "system"  # the workflow itself: timers, follow-ups
    # Issue 14's office roles; what each may do is `states.policy`'s answer alone.
    observer = "observer"  # reads the coalitions it is a member of, changes nothing
    programme_lead = "programme_lead"  # reads the coalitions of the programmes granted to it
    office_admin = "office_admin"  # the office's administrator: everything, keys included


class Actor(Record):
    id: Name
    role: Role
    organisation: Name | None = Field(default=None, description="required for partners")
    allowed_triggers: list[Name] = Field(
        default_factory=list, description="for integrations: the triggers its key may fire"
    )
    # Grants of a key (`lemniscate keys add --programmes/--coalitions`): which coalitions an
    # observer, a programme lead or an auditor reads beyond its memberships. None, not an
    # empty list, when there are none: the journal's hash chain counts a null as absent, so
    # every entry sealed before grants existed keeps its hash.
    programmes: list[Name] | None = Field(default=None, description="programmes granted")
    coalitions: list[Slug] | None = Field(default=None, description="coalitions granted (their ids)")

    @model_validator(mode="after")
    def _partner_has_organisation(self) -> Actor:
        if self.role == Role.partner and self.organisation is None:
            raise ValueError("a partner acts for an organisation: give 'organisation'")
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
