"""What each trigger carries. One model per trigger; the machine table names which."""

from __future__ import annotations

from pydantic import Field, model_validator

from lemniscate.models.bounds import MAX_ITEMS, Day, Few
from lemniscate.models.closure import ActionAtClosing
from lemniscate.models.coalition import (
    ActionPlan,
    ActionStatus,
    AgendaItem,
    BasisKind,
    CollaborationModel,
    ConstituencySupport,
    FundingClass,
    FundingSource,
    InterviewAnswers,
    MeetingContent,
    MeetingKind,
    MeetingOutcome,
    MemberRole,
    MessageHouse,
    OptionKind,
    OrganisationKind,
    Placement,
    Positioning,
    SignalKind,
    Task,
    WorkingForm,
)
from lemniscate.models.corrections import (
    CommitmentCorrection,
    CorrectionKind,
    InterviewCorrection,
    OutcomeCorrection,
)
from lemniscate.models.playbook import Playbook
from lemniscate.models.records import Email, Name, Numbering, Record, Slug, Text
from lemniscate.models.sentence import Sentence


class Empty(Record):
    """For triggers that carry nothing but the move itself (and the event's reason)."""


class StartCoalition(Record):
    id: Slug = Field(description="slug; the workflow id becomes coalition/<id>")
    name: Name
    task: Task
    initiators: Few[Name] = Field(min_length=1)
    coordinator: Name
    coordinator_email: Email | None = None
    playbook: Name = "default"
    playbook_version: int | None = Field(default=None, ge=1, description="latest when omitted")
    # Filled in by the service from the playbook registry, so the coalition's first event
    # carries what it pins and replay never asks the registry.
    playbook_content: Playbook | None = Field(
        default=None, description="set by the engine: the content of the version pinned"
    )
    playbook_hash: str | None = Field(
        default=None, max_length=80, description="set by the engine: the content's hash"
    )
    partners: Few[AddPartner] = Field(default_factory=list)
    parent: Slug | None = Field(
        default=None, description="the national coalition, for a regional or local mini-alliance"
    )
    numbering: Numbering | None = Field(
        default=None,
        description="how its records are numbered; the service starts a coalition per_kind "
        "when this is omitted, a start recorded without it was shared",
    )


class SpawnRegion(Record):
    """A national coalition helps a regional or local mini-alliance start: its own
    coalition, with its own partners and its own initiative."""

    region: StartCoalition


class SignalNational(Record):
    """A region tells the national table about a bottleneck or an opportunity."""

    kind: SignalKind
    description: Text


class RecordIntent(Record):
    intent: Text


class AddPartner(Record):
    name: Name
    kind: OrganisationKind = OrganisationKind.other
    representative: Name | None = None
    email: Email | None = None
    agenda: Few[AgendaItem] = Field(default_factory=list)


class RecordInterview(Record):
    partner: Name
    answers: InterviewAnswers
    held_on: Day
    interviewer: Name


class MarkNotReached(Record):
    partner: Name
    reason: Text


class UpdateAgenda(Record):
    partner: Name
    agenda: Few[AgendaItem]


class MapTopic(Record):
    topic: Name
    partners: Few[Name] = Field(min_length=1)


class PlacePartner(Record):
    partner: Name
    placement: Placement


class SketchCollaboration(Record):
    sketch: Text


class PlanMeeting(Record):
    kind: MeetingKind
    on: Day
    invitees: Few[Name] = Field(default_factory=list)
    inviters: Few[Name] = Field(default_factory=list)
    pre_information: str | None = Field(default=None, pattern="^(purpose_only|content_note)$")
    chair: Name | None = None
    independent_chair: bool = False
    content: MeetingContent | None = None


class RescheduleMeeting(Record):
    meeting: Name
    on: Day


class RecordMeetingOutcome(Record):
    meeting: Name
    outcome: MeetingOutcome


class RecordVision(Record):
    vision: Text
    goals: Few[Text] = Field(default_factory=list)
    working_forms: Few[WorkingForm] = Field(default_factory=list)


class AddOption(Record):
    kind: OptionKind
    title: Name
    description: Text | None = None


class RemoveOption(Record):
    option: Name


class ChooseCollaborationModel(Record):
    model: CollaborationModel
    description: Text | None = None


class AddAction(ActionPlan):
    pass


class OnAction(Record):
    """A trigger about one action of the plan, named by its id (A3)."""

    action: Name


class ActionPlanChange(Record):
    """An action's plan given anew in part: fields left out stay as they are."""

    title: Name | None = None
    owner: Name | None = None
    explicitly_unassigned: bool | None = None
    funding: FundingClass | None = None
    funding_source: FundingSource | None = None
    due_on: Day | None = None


# OnAction last: the action named stays the first field of the payload (and of its JSON).
class UpdateAction(ActionPlanChange, OnAction):
    """Adjusting the plan: reassign, refund, reschedule. Fields left out stay as they are."""

    cancel: bool = False


class RecordBasicAgreements(Record):
    funding: Text
    progress_monitoring: Text


class SignFoundingBasis(Record):
    kind: BasisKind
    signatories: Few[Name] = Field(min_length=1)
    signed_on: Day
    reference: Name | None = None


class Commit(Record):
    partner: Name
    statement: Text | None = None


class ReportProgress(OnAction):
    status: ActionStatus
    note: Text | None = None

    @model_validator(mode="after")
    def _not_cancel(self) -> ReportProgress:
        if self.status == ActionStatus.cancelled:
            raise ValueError(
                Sentence(
                    "progress.not-cancel",
                    "cancelling an action is a plan change ({step}), not progress",
                    step=Sentence("trigger.update_action", "update_action"),
                )
            )
        return self


class PickUpAction(OnAction):
    partner: Name


class RecordFunder(Record):
    name: Name
    contribution: Text
    actions: Few[Name] = Field(default_factory=list)


class RecordMonitoringReport(Record):
    summary: Text
    action_status: dict[Name, Text] = Field(default_factory=dict, max_length=MAX_ITEMS)
    survey_results: Few[Text] = Field(default_factory=list)


class RecordDecision(Record):
    decision: Text
    rests_on: Few[Name] = Field(min_length=1, description="monitoring report ids it rests on")
    resolves: Few[Name] = Field(
        default_factory=list, description="accountability item ids this decision settles"
    )


class OpenAccountabilityItem(OnAction):
    pass


class BuildMessageHouse(Record):
    message_house: MessageHouse


class ChoosePositioning(Record):
    positioning: Positioning


class RecordConstituencySupport(Record):
    partner: Name
    support: ConstituencySupport


class PublishToolkit(Record):
    items: Few[Text] = Field(min_length=1)


class JoinCommunicationCoalition(Record):
    partner: Name
    advisor: Name


class RecordSignal(Record):
    region: Name
    kind: SignalKind
    description: Text
    from_coalition: Name | None = None


class Transform(Record):
    new_task: Task


class AddMember(Record):
    """Name a person (the id of its key) a member of this coalition."""

    member: Name = Field(description="the id of the person's key, as the journal names it")
    role: MemberRole
    organisation: Name | None = Field(
        default=None, description="for a representative: the organisation it acts for"
    )


class RemoveMember(Record):
    member: Name


class CreditPartner(Record):
    partner: Name
    contribution: Text


class Close(Record):
    summary: Text
    open_actions: Few[ActionAtClosing] = Field(
        default_factory=list,
        description="what becomes of the actions still open: handed over (to whom) or dropped; "
        "an open action left out is dropped",
    )


class Dissolve(Record):
    reason: Text


class StartClosing(Record):
    reason: Text


StartCoalition.model_rebuild()


class AdoptPlaybook(Record):
    """Move the coalition to another published playbook version, on purpose. The service
    fills in the content and its hash from the registry: the journal keeps what was adopted."""

    playbook: Name
    version: int = Field(ge=1)
    content: Playbook | None = Field(default=None, description="set by the engine")
    hash: str | None = Field(default=None, max_length=80, description="set by the engine")


class ActionCorrection(ActionPlanChange):
    """An action's fields as they should have been recorded: a plan change is
    `update_action`, a correction says the record was wrong. Fields left out stay."""

    status: ActionStatus | None = None
    last_report: Text | None = None


class CorrectRecord(Record):
    """Supersede a recorded fact: name the record, give exactly one of the four kinds with
    the fields that were wrong, and say why. The original entry stays in the journal."""

    record: Name = Field(
        description="the meeting (M1) or action (A3) corrected, or the partner whose interview or "
        "commitment it is"
    )
    meeting_outcome: OutcomeCorrection | None = None
    interview: InterviewCorrection | None = None
    action: ActionCorrection | None = None
    commitment: CommitmentCorrection | None = None
    reason: Text = Field(description="why the recorded fact was wrong")

    def kinds(self) -> list[CorrectionKind]:
        """The kinds this payload gives (the check refuses any but exactly one)."""
        return [kind for kind in CorrectionKind if getattr(self, kind.value) is not None]
