"""The coalition record: everything the method keeps about one vital coalition."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final, Self

from pydantic import Field, model_validator

from lemniscate.models.bounds import MAX_ITEMS, Day, Few
from lemniscate.models.closure import ActionAtClosing
from lemniscate.models.corrections import Correction
from lemniscate.models.parties import (
    AgendaItem,
    AgendaKind,
    ConstituencySupport,
    Interview,
    InterviewAnswers,
    Meeting,
    MeetingContent,
    MeetingKind,
    MeetingOutcome,
    MeetingPart,
    Member,
    MemberRole,
    NextProduct,
    OrganisationKind,
    Partner,
    Placement,
    PreInformation,
    Task,
    Topic,
)
from lemniscate.models.playbook import Playbook
from lemniscate.models.records import (
    Email,
    Name,
    Numbered,
    Numbering,
    Record,
    Slug,
    Text,
    Track,
)
from lemniscate.models.sentence import Sentence

# The parties' records are read through this module too (it is where a coalition's parts live).
__all__ = [
    "AgendaItem",
    "AgendaKind",
    "ConstituencySupport",
    "Interview",
    "InterviewAnswers",
    "Meeting",
    "MeetingContent",
    "MeetingKind",
    "MeetingOutcome",
    "MeetingPart",
    "Member",
    "MemberRole",
    "NextProduct",
    "OrganisationKind",
    "Partner",
    "Placement",
    "PreInformation",
    "Task",
    "Topic",
]


class OptionKind(StrEnum):
    content = "content"
    collaboration = "collaboration"


class Option(Numbered):
    kind: OptionKind
    title: Name
    description: Text | None = None


class WorkingForm(StrEnum):
    working_group = "working_group"
    project_team = "project_team"
    programme_team = "programme_team"
    steering_group = "steering_group"
    sounding_board = "sounding_board"


class CollaborationModel(StrEnum):
    steering_group = "steering_group"
    lead_organisation_assignments = "lead_organisation_assignments"
    joint_programme_team = "joint_programme_team"
    other = "other"


class FundingClass(StrEnum):
    within_existing_work = "within_existing_work"  # the owner's own execution power
    needs_extra_funding = "needs_extra_funding"


class FundingSource(StrEnum):
    subsidy = "subsidy"
    assignment = "assignment"
    joint_fund = "joint_fund"
    other = "other"


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    stalled = "stalled"
    cancelled = "cancelled"


# What an action's owner and funding must be: said by a record's validator and by the payload
# checks of update_action alike.
OWNER_OR_UNASSIGNED: Final = Sentence(
    "action.owner-or-unassigned", "give an owner or mark the action explicitly unassigned, not both"
)
SOURCE_NEEDS_EXTRA: Final = Sentence(
    "action.source-needs-extra", "a funding source only applies to actions that need extra funding"
)


def check_assignment(
    owner: str | None,
    explicitly_unassigned: bool,
    funding: FundingClass | None,
    funding_source: FundingSource | None,
) -> None:
    """The rules of an action's owner and funding (step 8), for records and payloads."""
    if owner is not None and explicitly_unassigned:
        raise ValueError(OWNER_OR_UNASSIGNED)
    if funding_source is not None and funding != FundingClass.needs_extra_funding:
        raise ValueError(SOURCE_NEEDS_EXTRA)


class ActionPlan(Record):
    """What the plan says of an action: `add_action` gives it, and the action keeps it."""

    title: Name
    owner: Name | None = None
    explicitly_unassigned: bool = False
    funding: FundingClass | None = None
    funding_source: FundingSource | None = None
    due_on: Day | None = None

    @model_validator(mode="after")
    def _owner_or_unassigned(self) -> Self:
        check_assignment(self.owner, self.explicitly_unassigned, self.funding, self.funding_source)
        return self


# Numbered last: its id stays the first field of the record (and of its JSON).
class Action(ActionPlan, Numbered):
    status: ActionStatus = ActionStatus.open
    last_report: Text | None = None

    @property
    def settled(self) -> bool:
        """Owner (or an explicit 'nobody yet') and a funding class: what a plan needs."""
        return (self.owner is not None or self.explicitly_unassigned) and self.funding is not None

    @property
    def is_open(self) -> bool:
        """Neither done nor cancelled: still to be done, handed over or dropped."""
        return self.status not in (ActionStatus.done, ActionStatus.cancelled)


class AccountabilityItem(Numbered):
    """Opened when an action passes its due date undone; closed when its owner reports
    progress or the coalition decides (holding each other to account, step 10)."""

    action: Name
    owner: Name | None
    opened_on: Day
    closed_on: Day | None = None
    closed_by: str | None = Field(default=None, description="'progress report' or a decision id")

    @property
    def open(self) -> bool:
        return self.closed_on is None


class BasisKind(StrEnum):
    declaration_of_intent = "declaration_of_intent"
    plan_of_approach = "plan_of_approach"
    covenant = "covenant"
    contract = "contract"


class FoundingBasis(Record):
    kind: BasisKind
    signatories: Few[Name] = Field(min_length=1)
    signed_on: Day
    reference: Name | None = Field(default=None, description="document id in another system")


class BasicAgreements(Record):
    """Initiative track, step 8: enough to found on before the details are known."""

    funding: Text
    progress_monitoring: Text


class MonitoringReport(Numbered):
    cycle: int
    summary: Text
    action_status: dict[Name, Text] = Field(default_factory=dict, max_length=MAX_ITEMS)
    survey_results: Few[Text] = Field(default_factory=list)


class Decision(Numbered):
    cycle: int
    decision: Text
    rests_on: Few[Name] = Field(min_length=1, description="ids of monitoring reports")


class Funder(Record):
    name: Name
    contribution: Text
    actions: Few[Name] = Field(default_factory=list)


class MessageHouse(Record):
    umbrella_story: Text
    key_messages: Few[Text] = Field(min_length=1, max_length=7)
    substantiation: Few[Text] = Field(min_length=1)
    contributors: Few[Name] = Field(min_length=1)


class PositioningChoice(StrEnum):
    monolithic = "monolithic"  # the alliance is visible, partners are not
    branded = "branded"  # the task or product is central; partners use their own channels
    endorsed = "endorsed"  # partners communicate themselves as members


class Positioning(Record):
    choice: PositioningChoice
    rationale: Text
    partner_visibility: Text = Field(description="How visible must the partners be?")
    serves_goals: Text = Field(description="Does strong positioning serve the goals? Which?")
    spokesperson: Name = Field(description="Who speaks for the alliance?")
    when_tense: Text = Field(description="What do we do when things get tense?")


class Communication(Record):
    message_house: MessageHouse | None = None
    positioning: Positioning | None = None
    toolkit: Few[Text] = Field(default_factory=list)


class SignalKind(StrEnum):
    bottleneck = "bottleneck"
    opportunity = "opportunity"


class Signal(Record):
    region: Name
    kind: SignalKind
    description: Text
    from_coalition: Name | None = None


class ArchivedApproach(Record):
    """An approach that ended when the coalition transformed to a new task."""

    task: Task
    actions: list[Action]
    founding_bases: list[FoundingBasis]
    cycles: int


class Coalition(Record):
    """The whole state of one coalition. Produced only by `states.apply`."""

    id: Slug
    name: Name
    task: Task
    initiators: list[Name] = Field(min_length=1)
    coordinator: Name
    coordinator_email: Email | None = None
    playbook: Playbook
    state: str
    track: Track | None = None
    founded: bool = False
    # The track the founding rested on: on an initiative proposal, the plan of approach is
    # adopted afterwards (a step a later playbook version must still allow). None before
    # founding, and for coalitions founded before this was kept.
    founded_on_track: Track | None = None
    passes: int = Field(default=1, description="times round 1 was started")
    serial: int = Field(default=0, description="last number used for generated ids (shared numbering)")
    # Set at start and never changed: the ids a running coalition already gave stay valid,
    # and a record from before this field reads as shared.
    numbering: Numbering = Numbering.shared
    counters: dict[str, int] = Field(
        default_factory=dict, description="last number used per id prefix (per-kind numbering)"
    )
    intent: Text | None = None
    partners: list[Partner] = Field(default_factory=list)
    # People named members (`add_member`); a default, so coalitions from before replay.
    members: list[Member] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    collaboration_sketch: Text | None = None
    meetings: list[Meeting] = Field(default_factory=list)
    vision: Text | None = None
    goals: list[Text] = Field(default_factory=list)
    working_forms: list[WorkingForm] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    collaboration_model: CollaborationModel | None = None
    collaboration_description: Text | None = None
    actions: list[Action] = Field(default_factory=list)
    basic_agreements: BasicAgreements | None = None
    founding_bases: list[FoundingBasis] = Field(default_factory=list)
    cycle: int = Field(default=0, description="execution cycles completed")
    execution_started_on: Day | None = None
    last_review_on: Day | None = None
    monitoring_reports: list[MonitoringReport] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    accountability: list[AccountabilityItem] = Field(default_factory=list)
    funders: list[Funder] = Field(default_factory=list)
    communication: Communication = Field(default_factory=Communication)
    signals: list[Signal] = Field(default_factory=list)
    next_task: Task | None = None
    parent: Slug | None = Field(default=None, description="national coalition of a region")
    regions: list[Slug] = Field(default_factory=list)
    archived: list[ArchivedApproach] = Field(default_factory=list)
    closing_reason: Text | None = None
    closing_summary: Text | None = None
    dissolution_reason: Text | None = None
    # What became of the actions still open at closing (`close`); one left out was dropped.
    actions_at_closing: list[ActionAtClosing] = Field(default_factory=list)
    ended_on: Day | None = Field(default=None, description="the day it was closed or dissolved")
    # Every field a `correct_record` superseded, oldest first; a default, so coalitions
    # recorded before corrections replay unchanged.
    corrections: list[Correction] = Field(default_factory=list)

    def partner(self, name: str) -> Partner | None:
        return next((p for p in self.partners if p.name == name), None)

    def action(self, action_id: str) -> Action | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def meeting(self, meeting_id: str) -> Meeting | None:
        return next((m for m in self.meetings if m.id == meeting_id), None)

    def exploration_meeting(self) -> Meeting | None:
        """The latest exploration meeting of the current pass around the lemniscate."""
        found = [
            m for m in self.meetings if m.kind == MeetingKind.exploration and m.lemniscate_pass == self.passes
        ]
        return found[-1] if found else None

    def options_of(self, kind: OptionKind) -> list[Option]:
        return [o for o in self.options if o.kind == kind]

    def email_of(self, name: str) -> str | None:
        """The address of a partner or the coordinator, if one was given."""
        if name == self.coordinator:
            return self.coordinator_email
        partner = self.partner(name)
        return partner.email if partner else None

    def record_ids(self) -> list[str]:
        """The ids of every numbered record: meetings, options, actions, reports, decisions
        and accountability items."""
        numbered: list[Sequence[Numbered]] = [
            self.meetings,
            self.options,
            self.actions,
            self.monitoring_reports,
            self.decisions,
            self.accountability,
        ]
        return [record.id for records in numbered for record in records]

    def open_accountability(self) -> list[AccountabilityItem]:
        return [i for i in self.accountability if i.open]

    def committed_partners(self) -> list[Partner]:
        return [p for p in self.partners if p.committed]

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def member_ids(self) -> list[str]:
        """The people named members, as the members search attribute indexes them."""
        return sorted(m.id for m in self.members)

    def organisations(self) -> list[str]:
        return sorted({*self.initiators, *(p.name for p in self.partners)})
