"""The closing report and the dissolution report: one read model of a coalition that has
ended, built from its record alone. Pure.

A closed coalition's report recognises every partner's contribution, lists the actions
done and says of each action still open at closing whether it was handed over (and to
whom) or dropped: never "open", since nobody is left to carry it in this coalition. An open
action the `close` payload said nothing about counts as dropped (`models.closure`). A
dissolved coalition's report says why, who was involved and what was done before it stopped.

Build it from the coalition as the reader may see it (`states.redaction.for_reader`, which
every read of the service applies): what is confidential is then withheld here as well.
The fields are machine data, the same in every language; the words (`WORDS`, the outcome
words) are said by each surface in its reader's language.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import Field

from lemniscate.models.closure import ActionFate
from lemniscate.models.coalition import ActionStatus, Coalition
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states.copying import task_facts
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.words import state_word, trigger_word


class ReportKind(StrEnum):
    closing = "closing"
    dissolution = "dissolution"


class ActionOutcome(StrEnum):
    done = "done"
    handed_over = "handed_over"
    dropped = "dropped"
    cancelled = "cancelled"  # by a plan change before closing (update_action)


class ActionLine(Record):
    id: str
    title: str
    owner: str | None
    outcome: ActionOutcome
    to: str | None = Field(default=None, description="who carries it on, when handed over")
    note: str | None = Field(default=None, description="the closing's note, else the last report")


class PartnerLine(Record):
    name: str
    kind: str
    committed: bool
    commitment_statement: str | None
    contribution: str | None = Field(description="the recognition credited at closing")
    interviewed_on: date | None
    not_reached_reason: str | None
    actions_done: list[str] = Field(description="ids of the actions it owned and finished")


class MeetingLine(Record):
    id: str
    kind: str
    on: date
    held: bool


class FunderLine(Record):
    name: str
    contribution: str


class ClosingReport(Record):
    kind: ReportKind
    coalition_id: str
    name: str
    task: str
    programme: str | None
    state: str
    ended_on: date | None = Field(description="unknown for a coalition that ended before it was kept")
    reason: str | None = Field(description="why it was closed (start_closing) or dissolved")
    summary: str | None = Field(description="the closing's own words (close)")
    initiators: list[str]
    coordinator: str
    founded: bool
    cycles: int
    partners: list[PartnerLine]
    actions: list[ActionLine]
    meetings: list[MeetingLine]
    funders: list[FunderLine]

    def actions_of(self, outcome: ActionOutcome) -> list[ActionLine]:
        return [a for a in self.actions if a.outcome == outcome]


ENDED: Final[dict[str, ReportKind]] = {S.closed: ReportKind.closing, S.dissolved: ReportKind.dissolution}


def report_kind(c: Coalition) -> ReportKind | None:
    """Which report the coalition has: none while it has not ended."""
    return ENDED.get(c.state)


def not_ended(c: Coalition) -> str:
    """Why a coalition that has not ended has no closing report yet."""
    return Sentence(
        "report.not-ended",
        "{name} is in {state}: a closing report exists once the coalition is closed ({close}) "
        "or dissolved ({dissolve}).",
        name=c.name,
        state=state_word(c.state),
        close=trigger_word(T.close),
        dissolve=trigger_word(T.dissolve),
    )


def _action_lines(c: Coalition) -> list[ActionLine]:
    decided = {d.action: d for d in c.actions_at_closing}
    lines = []
    for a in c.actions:
        outcome, to, note = ActionOutcome.dropped, None, a.last_report
        if a.status == ActionStatus.done:
            outcome = ActionOutcome.done
        elif a.status == ActionStatus.cancelled:
            outcome = ActionOutcome.cancelled
        elif a.id in decided:
            decision = decided[a.id]
            handed = decision.fate == ActionFate.handed_over
            outcome = ActionOutcome.handed_over if handed else ActionOutcome.dropped
            to, note = decision.to, decision.note or a.last_report
        lines.append(ActionLine(id=a.id, title=a.title, owner=a.owner, outcome=outcome, to=to, note=note))
    return lines


def closing_report(c: Coalition) -> ClosingReport | None:
    """The report of an ended coalition (closed or dissolved); None while it runs."""
    kind = report_kind(c)
    if kind is None:
        return None
    done = [a for a in c.actions if a.status == ActionStatus.done]
    partners = [
        PartnerLine(
            name=p.name,
            kind=p.kind.value,
            committed=p.committed,
            commitment_statement=p.commitment_statement,
            contribution=p.contribution,
            interviewed_on=p.interview.held_on if p.interview else None,
            not_reached_reason=p.not_reached_reason,
            actions_done=[a.id for a in done if a.owner == p.name],
        )
        for p in c.partners
    ]
    meetings = [
        MeetingLine(id=m.id, kind=m.kind.value, on=m.on, held=m.outcome is not None or m.held_on is not None)
        for m in c.meetings
    ]
    return ClosingReport(
        kind=kind,
        coalition_id=c.id,
        **task_facts(c),
        state=c.state,
        ended_on=c.ended_on,
        reason=c.closing_reason if kind == ReportKind.closing else c.dissolution_reason,
        summary=c.closing_summary if kind == ReportKind.closing else None,
        initiators=list(c.initiators),
        coordinator=c.coordinator,
        founded=c.founded,
        cycles=c.cycle,
        partners=partners,
        actions=_action_lines(c),
        meetings=meetings,
        funders=[FunderLine(name=f.name, contribution=f.contribution) for f in c.funders],
    )


# The words every surface shows the report in (CLI, exported HTML and PDF, dashboard).
OUTCOME_WORDS: Final = {
    ActionOutcome.done: Sentence("report.outcome-done", "done"),
    ActionOutcome.handed_over: Sentence("report.outcome-handed-over", "handed over"),
    ActionOutcome.dropped: Sentence("report.outcome-dropped", "dropped"),
    ActionOutcome.cancelled: Sentence("report.outcome-cancelled", "cancelled earlier"),
}

WORDS: Final = {
    "closing": Sentence("report.title-closing", "Closing report"),
    "dissolution": Sentence("report.title-dissolution", "Dissolution report"),
    "ended_on": Sentence("report.ended-on", "Ended on"),
    "closing_reason": Sentence("report.closing-reason", "Why it was closed"),
    "dissolution_reason": Sentence("report.dissolution-reason", "Why it was dissolved"),
    "summary": Sentence("report.summary", "Closing words"),
    "initiators": Sentence("report.initiators", "Initiators"),
    "coordinator": Sentence("report.coordinator", "Coordinator"),
    "task": Sentence("report.task", "Task"),
    "programme": Sentence("report.programme", "Programme"),
    "cycles": Sentence("report.cycles", "Execution cycles"),
    "founded": Sentence("report.founded", "Founded"),
    "recognition": Sentence("report.recognition", "Recognition of every partner's contribution"),
    "involved": Sentence("report.involved", "Who was involved"),
    "done": Sentence("report.done", "What was done"),
    "actions_done": Sentence("report.actions-done", "Actions done"),
    "actions_open": Sentence("report.actions-open", "Actions open at closing: handed over or dropped"),
    "actions_dropped": Sentence("report.actions-dropped", "Actions still open: dropped with the coalition"),
    "actions_cancelled": Sentence("report.actions-cancelled", "Actions cancelled before closing"),
    "meetings": Sentence("report.meetings", "Meetings"),
    "funders": Sentence("report.funders", "Funders"),
    "col_partner": Sentence("report.col-partner", "Partner"),
    "col_contribution": Sentence("report.col-contribution", "Contribution"),
    "col_committed": Sentence("report.col-committed", "Committed"),
    "col_interview": Sentence("report.col-interview", "Interview"),
    "col_action": Sentence("report.col-action", "Action"),
    "col_owner": Sentence("report.col-owner", "Owner"),
    "col_outcome": Sentence("report.col-outcome", "Outcome"),
    "col_to": Sentence("report.col-to", "Handed over to"),
    "col_note": Sentence("report.col-note", "Note"),
    "col_meeting": Sentence("report.col-meeting", "Meeting"),
    "col_on": Sentence("report.col-on", "Date"),
    "col_held": Sentence("report.col-held", "Held"),
    "col_funder": Sentence("report.col-funder", "Funder"),
    "yes": Sentence("report.yes", "yes"),
    "no": Sentence("report.no", "no"),
    "not_credited": Sentence("report.not-credited", "not credited"),
    "not_reached": Sentence("report.not-reached", "not reached"),
    "not_interviewed": Sentence("report.not-interviewed", "not interviewed"),
    "nobody": Sentence("report.nobody", "nobody"),
    "unknown": Sentence("report.unknown", "unknown"),
    "no_actions": Sentence("report.no-actions", "No actions."),
    "no_open_actions": Sentence("report.no-open-actions", "No action was open at closing."),
    "dropped_by_default": Sentence(
        "report.dropped-by-default",
        "An open action that the closing did not hand over was dropped.",
    ),
}
