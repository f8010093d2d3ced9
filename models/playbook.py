"""Playbook settings: the method's numbers and gates, pinned per coalition.

Every number METHOD.md marks as a playbook setting, and every choice of who hears a
reminder, is a field here with the method's default, so a document that names none of
them means exactly the method (and `default@1`, which coalitions started before playbooks
were documents have pinned, keeps its meaning). A document is read by
`states.playbook_files`; the format's JSON schema is `Playbook.model_json_schema()`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from lemniscate.models.bounds import EARLIEST_DAY, LATEST_DAY, Day
from lemniscate.models.chain import canonical_json
from lemniscate.models.records import Name, Record
from lemniscate.models.sentence import Sentence


class CommunicationItem(StrEnum):
    """Items of the communication strand a playbook may require before a step."""

    message_house = "message_house"
    positioning = "positioning"
    constituency_support = "constituency_support"
    toolkit = "toolkit"
    communication_coalition = "communication_coalition"


class Audience(StrEnum):
    """Who a follow-up is for."""

    coordinator = "coordinator"
    programme_office = "programme_office"
    invitees = "invitees"
    action_owner = "action_owner"


class FollowUpKind(StrEnum):
    interview_reminder = "interview_reminder"
    outcome_reminder = "outcome_reminder"
    outcome_escalation = "outcome_escalation"
    meeting_reminder = "meeting_reminder"
    progress_review = "progress_review"
    partner_meeting = "partner_meeting"
    action_due_reminder = "action_due_reminder"
    action_overdue = "action_overdue"
    inactivity = "inactivity"
    escalation = "escalation"
    meeting_invitation = "meeting_invitation"


# The reminders to the coordinator METHOD.md escalates when nobody acts on them.
ESCALATING: tuple[FollowUpKind, ...] = (
    FollowUpKind.interview_reminder,
    FollowUpKind.progress_review,
    FollowUpKind.partner_meeting,
)


class FollowUpDays(Record):
    """Periods of the follow-up timers, in days (METHOD.md, follow-up timers). Ten years
    bound every period: a longer one is a typo, and would overflow no date arithmetic."""

    interview_reminder: int = Field(default=21, ge=1, le=3650)
    outcome_reminder: int = Field(default=2, ge=1, le=3650)
    outcome_escalation: int = Field(default=14, ge=1, le=3650)
    meeting_reminder_before: int = Field(default=7, ge=0, le=3650)
    progress_review_every: int = Field(default=90, ge=1, le=3650)
    partner_meeting_every: int = Field(default=60, ge=1, le=3650)
    action_due_reminder_before: int = Field(default=7, ge=0, le=3650)
    inactivity: int = Field(default=60, ge=1, le=3650)
    escalation_after: int = Field(
        default=14, ge=1, le=3650, description="a reminder not acted on goes to the escalation audience"
    )
    escalate: list[FollowUpKind] = Field(
        default_factory=lambda: list(ESCALATING),
        max_length=len(FollowUpKind),
        description="reminders to the coordinator that escalate when nobody acts on them",
    )


class Recipients(Record):
    """Who receives which reminders (METHOD.md names the defaults)."""

    escalations: Literal[Audience.programme_office, Audience.coordinator] = Field(
        default=Audience.programme_office,
        description="escalations and the night candle: the task's programme office, or the coordinator",
    )
    meeting_reminders: Literal[Audience.invitees, Audience.coordinator] = Field(
        default=Audience.invitees, description="reminders of a coming meeting"
    )
    action_reminders: Literal[Audience.action_owner, Audience.coordinator] = Field(
        default=Audience.action_owner, description="reminders of an action's due date"
    )


class DateWindow(Record):
    """The days a payload may name (a meeting, a due date, a signature). An office narrows it
    to catch typos (2062 for 2026); it never widens the engine's safety window
    (`models.bounds`), which keeps the planner's arithmetic in range."""

    earliest: Day = EARLIEST_DAY
    latest: Day = LATEST_DAY

    @model_validator(mode="after")
    def _in_order(self) -> DateWindow:
        if self.earliest > self.latest:
            raise ValueError(
                Sentence(
                    "playbook.dates-order",
                    "earliest ({earliest}) is after latest ({latest})",
                    earliest=str(self.earliest),
                    latest=str(self.latest),
                )
            )
        return self


class Playbook(Record):
    """A named, versioned set of method settings.

    A coalition keeps a full copy of the playbook it started with, so that publishing a new
    version never changes the rules for coalitions already under way.
    """

    name: Name
    version: int = Field(ge=1, le=1_000_000)
    description: str = Field(default="", max_length=2_000)
    min_interviews: int = Field(default=2, ge=1, le=200)
    min_committed_partners: int = Field(default=2, ge=1, le=200)
    max_options: int = Field(default=3, ge=2, le=3)
    min_options: int = Field(default=2, ge=1, le=3)
    min_invitees: int = Field(default=2, ge=2, le=200, description="of the exploration meeting")
    gates: dict[str, list[CommunicationItem]] = Field(
        default_factory=dict,
        max_length=100,
        description="trigger name -> communication items that must exist before it may fire",
    )
    follow_up: FollowUpDays = Field(default_factory=FollowUpDays)
    recipients: Recipients = Field(default_factory=Recipients)
    dates: DateWindow = Field(default_factory=DateWindow)

    @model_validator(mode="after")
    def _options_in_order(self) -> Playbook:
        if self.min_options > self.max_options:
            raise ValueError(
                Sentence(
                    "playbook.options-order",
                    "min_options ({low}) is more than max_options ({high})",
                    low=self.min_options,
                    high=self.max_options,
                )
            )
        return self

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def content_hash(self) -> str:
        """What the journal records of the content: over the settings that differ from the
        defaults, so a setting added later with the method's default keeps every hash."""
        dumped = self.model_dump(mode="json", exclude_defaults=True)
        return "sha256:" + hashlib.sha256(canonical_json(dumped).encode()).hexdigest()


class PublishedPlaybook(Record):
    """One immutable version in the playbook registry: the content, its hash, who and when."""

    playbook: Playbook
    hash: str
    published_at: datetime
    published_by: str
