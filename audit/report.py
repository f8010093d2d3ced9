"""The audit report of one coalition: its model, and building it from Temporal.

`gather` reads what the report rests on (the journal and view by query, every run's event
history); `assemble` turns that into the report, offline and deterministically apart from
decoding payloads. Tests tamper with what `gather` returned and assemble again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict
from temporalio.converter import DataConverter

from lemniscate.audit.crosscheck import crosscheck
from lemniscate.audit.history import RunFacts, RunHistory, decode_runs, fetch_runs
from lemniscate.audit.refusals import Refusal, read_refusals
from lemniscate.audit.sources import CrossCheck, Finding, Source
from lemniscate.audit.trail import CorrectedBy, EntryKind, GuardCheck, Reading, read_journal
from lemniscate.coalitions import CoalitionService
from lemniscate.coalitions.errors import refuse_unless_allowed
from lemniscate.models import chain
from lemniscate.models.events import Actor
from lemniscate.models.journal import JournalEntry
from lemniscate.states import policy
from lemniscate.states.copying import copied, task_facts
from lemniscate.workflows.io import CoalitionView, workflow_id

REPORT_KIND: Final = "lemniscate-audit"
REPORT_VERSION: Final = 1


def generator() -> str:
    try:
        return f"lemniscate {metadata.version('lemniscate')}"
    except metadata.PackageNotFoundError:
        return "lemniscate (not installed)"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CoalitionFacts(_Frozen):
    id: str
    name: str
    task: str
    programme: str | None
    state: str
    state_title: str
    round: str
    side: str
    final: bool
    workflow_status: str
    started_at: datetime
    last_activity_at: datetime


class ChainFacts(_Frozen):
    algorithm: str
    genesis: str
    head: str
    length: int
    intact: bool


class RefusalSection(_Frozen):
    available: bool
    log: str
    count: int
    items: list[Refusal]
    unreadable_lines: int = 0


class TrailRow(_Frozen):
    """One accepted change: the journal entry exactly as recorded (and hashed), and what the
    audit read from it."""

    entry: JournalEntry
    kind: EntryKind
    words: str
    guards: list[GuardCheck]
    source: Source | None
    # Later entries that superseded what this one recorded; absent from older reports.
    corrected_by: list[CorrectedBy] = []


class AuditReport(_Frozen):
    kind: Literal["lemniscate-audit"] = REPORT_KIND
    version: int = REPORT_VERSION
    generator: str
    generated_at: datetime
    coalition: CoalitionFacts
    runs: list[RunFacts]
    chain: ChainFacts
    findings: list[Finding]
    notes: list[str]
    refusals: RefusalSection
    entries: list[TrailRow]

    @property
    def ok(self) -> bool:
        return not self.findings

    def findings_for(self, seq: int) -> list[Finding]:
        return [f for f in self.findings if f.seq == seq]


@dataclass
class Gathered:
    """What a report rests on, as read from Temporal."""

    view: CoalitionView
    journal: list[JournalEntry]
    runs: list[RunHistory]
    converter: DataConverter  # the client's: it decodes what that client's side encoded


async def gather(service: CoalitionService, slug: str, reader: Actor) -> Gathered:
    # The view first: it turns a wrong slug, or one `reader` is no member of, into
    # CoalitionNotFound, before the policy says whether `reader` may read audits at all
    # (an audit reads the raw histories: only confidants may, see `states.policy`).
    view = await service.view(slug, reader)
    refuse_unless_allowed("audit", policy.may_read_audit(reader))
    journal = await service.journal(slug, reader)
    # The service's own connection: the same converter and codec decode the histories.
    client = service.client
    runs = await fetch_runs(client, workflow_id(slug))
    return Gathered(view=view, journal=journal, runs=runs, converter=client.data_converter)


def entry_dicts(journal: list[JournalEntry]) -> list[dict[str, object]]:
    return [e.model_dump(mode="json") for e in journal]


def _chain_findings(journal: list[JournalEntry]) -> list[Finding]:
    return [
        Finding(check="chain", seq=b.seq, message=b.problem) for b in chain.verify_chain(entry_dicts(journal))
    ]


def _replay_findings(readings: list[Reading]) -> list[Finding]:
    return [
        Finding(check="replay", seq=r.entry.seq, message=problem) for r in readings for problem in r.problems
    ]


async def assemble(
    gathered: Gathered, *, refusal_log: Path | None = None, now: datetime | None = None
) -> AuditReport:
    """The report from what `gather` read. `refusal_log` defaults to the configured log."""
    journal = gathered.journal
    timeline = await decode_runs(gathered.runs, gathered.converter)
    readings = read_journal(journal)
    checked: CrossCheck = crosscheck(journal, readings, timeline)
    chain_findings = _chain_findings(journal)
    findings = sorted(
        [*chain_findings, *_replay_findings(readings), *checked.findings],
        key=lambda f: (f.seq is None, f.seq or 0),
    )
    view = gathered.view
    c, o = view.coalition, view.overview
    first_run = timeline.runs[0] if timeline.runs else None
    refusals = read_refusals(c.id, refusal_log)
    return AuditReport(
        generator=generator(),
        generated_at=now or datetime.now(UTC),
        coalition=CoalitionFacts(
            id=c.id,
            **task_facts(c),
            state=o.state,
            state_title=o.title,
            round=o.round.value,
            side=o.side.value,
            final=o.final,
            workflow_status=timeline.runs[-1].status if timeline.runs else "unknown",
            started_at=first_run.started_at if first_run else journal[0].event.at,
            last_activity_at=view.status.last_activity_at,
        ),
        runs=[RunFacts.model_validate(r, from_attributes=True) for r in timeline.runs],
        chain=ChainFacts(
            algorithm=chain.ALGORITHM,
            genesis=chain.GENESIS,
            head=chain.chain_head(entry_dicts(journal)),
            length=len(journal),
            intact=not chain_findings,
        ),
        findings=findings,
        notes=checked.notes,
        refusals=RefusalSection(
            **copied(refusals, ("available", "count", "items", "unreadable_lines")), log=refusals.path
        ),
        entries=[
            TrailRow(
                entry=r.entry,
                kind=r.kind,
                words=r.words,
                guards=r.guards,
                source=checked.sources.get(r.entry.seq),
                corrected_by=r.corrected_by,
            )
            for r in readings
        ],
    )


async def build_report(
    service: CoalitionService, slug: str, reader: Actor, *, refusal_log: Path | None = None
) -> AuditReport:
    """The audit report of coalition `slug`, from its journal and its whole history, for
    `reader` (refused unless `policy.may_read_audit`; 404 first for a non-member)."""
    return await assemble(await gather(service, slug, reader), refusal_log=refusal_log)
