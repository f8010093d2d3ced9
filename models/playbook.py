"""Playbook settings: the method's numbers and gates, pinned per coalition."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from lemniscate.models.records import Name, Record


class CommunicationItem(StrEnum):
    """Items of the communication strand a playbook may require before a step."""

    message_house = "message_house"
    positioning = "positioning"
    constituency_support = "constituency_support"
    toolkit = "toolkit"
    communication_coalition = "communication_coalition"


class FollowUpDays(Record):
    """Periods of the follow-up timers, in days (METHOD.md, follow-up timers)."""

    interview_reminder: int = Field(default=21, ge=1)
    outcome_reminder: int = Field(default=2, ge=1)
    outcome_escalation: int = Field(default=14, ge=1)
    meeting_reminder_before: int = Field(default=7, ge=0)
    progress_review_every: int = Field(default=90, ge=1)
    partner_meeting_every: int = Field(default=60, ge=1)
    action_due_reminder_before: int = Field(default=7, ge=0)
    inactivity: int = Field(default=60, ge=1)
    escalation_after: int = Field(
        default=14, ge=1, description="a reminder not acted on goes to the programme office"
    )


class Playbook(Record):
    """A named, versioned set of method settings.

    A coalition keeps a full copy of the playbook it started with, so that publishing a new
    version never changes the rules for coalitions already under way.
    """

    name: Name
    version: int = Field(ge=1)
    description: str = ""
    min_interviews: int = Field(default=2, ge=1)
    min_committed_partners: int = Field(default=2, ge=1)
    max_options: int = Field(default=3, ge=2, le=3)
    min_options: int = Field(default=2, ge=1, le=3)
    gates: dict[str, list[CommunicationItem]] = Field(
        default_factory=dict,
        description="trigger name -> communication items that must exist before it may fire",
    )
    follow_up: FollowUpDays = Field(default_factory=FollowUpDays)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"
