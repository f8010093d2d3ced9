"""Who takes part and where they meet: partners with their agendas, interviews and
placement, the domain's topics, and meetings with their outcomes (rounds 1 and 2)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from lemniscate.models.bounds import MAX_ITEMS, Day, Few
from lemniscate.models.records import (
    CommitmentLevel,
    Email,
    ExecutionPower,
    Level,
    Name,
    Numbered,
    Record,
    Text,
)


class OrganisationKind(StrEnum):
    government = "government"
    civil_society = "civil_society"
    business = "business"
    knowledge = "knowledge"
    residents = "residents"
    other = "other"


class AgendaKind(StrEnum):
    decision_moment = "decision_moment"
    budget_cycle = "budget_cycle"
    council_meeting = "council_meeting"
    other = "other"


class Task(Record):
    """The shared societal challenge (opgave)."""

    title: Name
    description: Text | None = None
    programme: Name | None = Field(default=None, description="programme office that runs it")


class AgendaItem(Record):
    """A date on a partner's own agenda that plans should respect (timing principle)."""

    on: Day
    kind: AgendaKind
    description: Name


class InterviewAnswers(Record):
    """The seven questions of step 1, asked in a bilateral interview."""

    drive: Text = Field(description="What drives the partner to (possibly) join?")
    developments: Text = Field(
        description="Other relevant developments, opportunities and threats for the partner"
    )
    expected_yield: Text = Field(description="What must joining yield to be worth the effort?")
    willingness_to_adapt: Text = Field(
        description="Will it adapt running activities and coming decisions to a shared vision?"
    )
    extra_efforts: Text = Field(description="Which extra efforts can and will it take on?")
    worries_about_partners: Text = Field(
        description="Worries about or questions for one or more other partners"
    )
    agreement_form: Text = Field(description="How does it want agreements recorded?")


class Interview(Record):
    answers: InterviewAnswers
    held_on: Day
    interviewer: Name


class Placement(Record):
    """Where the partner sits in the coordinator's own collaboration plan (step 3)."""

    role: Name
    execution_power: ExecutionPower
    interest: Level
    influence: Level


class ConstituencySupport(Record):
    """Whether the people behind a partner back its participation."""

    managers: bool
    legal_staff: bool
    executives: bool
    note: Text | None = None

    @property
    def complete(self) -> bool:
        return self.managers and self.legal_staff and self.executives


class Partner(Record):
    name: Name
    kind: OrganisationKind = OrganisationKind.other
    representative: Name | None = None
    email: Email | None = Field(default=None, description="where its reminders go")
    agenda: Few[AgendaItem] = Field(default_factory=list)
    interview: Interview | None = None
    not_reached_reason: Text | None = None
    placement: Placement | None = None
    committed: bool = False
    commitment_statement: Text | None = None
    constituency: ConstituencySupport | None = None
    communication_advisor: Name | None = None
    contribution: Text | None = Field(default=None, description="credited at closing")
    added_on: Day | None = None


class MemberRole(StrEnum):
    """How a person is a member of one coalition, named there by its coordinator."""

    observer = "observer"  # reads the coalition, records nothing
    representative = "representative"  # acts for one of the coalition's organisations
    coordinator = "coordinator"  # a coordinator of some coalitions (a key with grants) coordinates this one


class Member(Record):
    """A person (the id of its key, as the journal names actors) named a member of this
    coalition; an organisation is a member by being an initiator or on the partner list."""

    id: Name
    role: MemberRole
    organisation: Name | None = Field(default=None, description="for a representative")
    since: Day
    named_by: Name


class Topic(Record):
    """A topic of the coalition's domain and the partners it matters to (figure 3)."""

    name: Name
    partners: Few[Name] = Field(min_length=1)


class MeetingKind(StrEnum):
    exploration = "exploration"
    founding = "founding"
    adoption = "adoption"
    partner = "partner"
    other = "other"


class PreInformation(StrEnum):
    purpose_only = "purpose_only"
    content_note = "content_note"


class MeetingContent(StrEnum):
    """What a partner meeting in execution is built around (step 10)."""

    speaker = "speaker"
    peer_organisation = "peer_organisation"
    partner_presentation = "partner_presentation"
    site_visit = "site_visit"
    progress_report = "progress_report"


class MeetingPart(StrEnum):
    vision = "vision"
    central = "central"
    conclusion = "conclusion"
    closing = "closing"


class NextProduct(StrEnum):
    discussion_note = "discussion_note"
    initiative_proposal = "initiative_proposal"
    plan_of_approach = "plan_of_approach"
    programme_plan = "programme_plan"


class MeetingOutcome(Record):
    attended: Few[Name] = Field(min_length=1)
    parts_held: Few[MeetingPart] = Field(default_factory=list)
    statements: dict[Name, Text] = Field(default_factory=dict, max_length=MAX_ITEMS)
    commitment: CommitmentLevel | None = None
    next_product: NextProduct | None = None
    next_meeting_on: Day | None = None
    notes: Text | None = None


class Meeting(Numbered):
    kind: MeetingKind
    on: Day
    invitees: Few[Name] = Field(default_factory=list)
    inviters: Few[Name] = Field(default_factory=list, description="one lead or frontrunners")
    pre_information: PreInformation | None = None
    chair: Name | None = None
    independent_chair: bool = False
    content: MeetingContent | None = None
    outcome: MeetingOutcome | None = None
    held_on: Day | None = Field(
        default=None, description="the day it was held, when that was marked (hold_exploration_meeting)"
    )
    lemniscate_pass: int = Field(default=1, description="the pass round the figure it was planned in")
    # How often it was moved (reschedule_meeting): the invitation's SEQUENCE (RFC 5545), so a
    # calendar replaces the old date. Counted from when it was kept; 0 for older meetings.
    moves: int = Field(default=0, ge=0)
