"""What every format shows the same way: times, actors, facts, moves, payload lines, and
the voice a report is said in.

A report is said in one language (`Voice`). Its data (the JSON, and the copy embedded in
HTML and Markdown) is the same in every language: the sentences it stores are English. So
the Dutch of a derived text (an entry's plain words, a guard's condition and reason) is
derived again from the entries themselves, and shown only where its English is exactly the
stored text; anything else (an older version's wording, an edited file) is shown as stored,
so that what a page says always rests on its data and `audit.verify` can render it again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lemniscate.audit.report import AuditReport, TrailRow
from lemniscate.audit.trail import GuardCheck, Reading, read_journal
from lemniscate.audit.wording import key_values
from lemniscate.language import translate
from lemniscate.language.catalogs import SOURCE_LANGUAGE
from lemniscate.models.sentence import Sentence
from lemniscate.states import STATE_INFO
from lemniscate.states.words import state_word


@dataclass
class Voice:
    """Saying a report's texts in `language`; English says every stored text as it is."""

    report: AuditReport
    language: str = SOURCE_LANGUAGE
    _readings: dict[int, Reading] | None = field(default=None, repr=False)

    def __call__(self, text: str) -> str:
        return translate(text, self.language)

    @property
    def english(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    def _reading(self, row: TrailRow) -> Reading | None:
        if self._readings is None:
            # Replayed once per report, only for another language than English.
            readings = read_journal([r.entry for r in self.report.entries])
            self._readings = {r.entry.seq: r for r in readings}
        return self._readings.get(row.entry.seq)

    def _again(self, stored: str, derived: str | None) -> str:
        if self.english or derived is None or str(derived) != stored:
            return stored
        return self(derived)

    def words(self, row: TrailRow) -> str:
        if self.english:
            return row.words
        reading = self._reading(row)
        return self._again(row.words, reading.words if reading else None)

    def guard(self, row: TrailRow, index: int) -> tuple[str, str | None]:
        """A guard's condition and (when it did not hold) its reason."""
        stored = row.guards[index]
        if self.english:
            return stored.description, stored.detail
        reading = self._reading(row)
        again: GuardCheck | None = None
        if reading is not None and index < len(reading.guards):
            again = reading.guards[index]
        if again is None or again.name != stored.name:
            return stored.description, stored.detail
        detail = None if stored.detail is None else self._again(stored.detail, again.detail)
        return self._again(stored.description, again.description), detail

    def state_title(self) -> str:
        c = self.report.coalition
        info = STATE_INFO.get(c.state)
        return self._again(c.state_title, info.title if info is not None else None)


def when(moment: datetime | None) -> str:
    # Milliseconds: entries made in one second must still read in their order. The same in
    # every language: moments are compared with the Temporal history, which keeps UTC.
    if moment is None:
        return "-"
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} UTC"


def actor(row: TrailRow) -> str:
    return str(row.entry.event.actor)


def move(row: TrailRow, say: Voice) -> str:
    e = row.entry
    to_state = state_word(e.to_state)
    if e.from_state is None:
        return say(Sentence("audit.move-start", "starts in {state}", state=to_state))
    if e.from_state == e.to_state:
        return say(Sentence("audit.move-stay", "stays in {state}", state=to_state))
    from_state = state_word(e.from_state)
    return say(Sentence("audit.move", "{before} → {after}", before=from_state, after=to_state))


def source(row: TrailRow, say: Voice) -> str:
    s = row.source
    if s is None:
        return say(Sentence("audit.source-missing", "NOT FOUND in the history"))
    # The detail is the cross-check's own (stored) words: said as recorded.
    at = when(s.event_time)
    return say(
        Sentence(
            "audit.source",
            "{detail}; run {run}, event {event} at {at}",
            detail=s.detail,
            run=s.run,
            event=s.event_id,
            at=at,
        )
    )


def corrected_by(row: TrailRow, say: Voice) -> list[str]:
    """One line per later entry that superseded what this entry recorded."""
    return [
        say(
            Sentence(
                "audit.corrected-by",
                "Corrected by #{seq} ({actor}), because: {reason}",
                seq=c.seq,
                actor=c.actor,
                reason=c.reason,
            )
        )
        for c in row.corrected_by
    ]


def payload_lines(payload: Mapping[str, Any]) -> list[str]:
    return key_values(payload).split("; ") if payload else []


@dataclass(frozen=True)
class Shown:
    """What the pages (HTML, Markdown) show of an entry alike, said but not yet escaped:
    each page escapes it for its own markup and lays it out in its own way."""

    move: str
    corrected_by: list[str]
    at: str
    actor: str
    source: str
    payload_lines: list[str]


def shown(row: TrailRow, say: Voice) -> Shown:
    at = when(row.entry.event.at)
    lines = payload_lines(row.entry.event.payload)
    return Shown(move(row, say), corrected_by(row, say), at, actor(row), source(row, say), lines)


@dataclass(frozen=True)
class Fact:
    key: str  # stable id: `fact-<key>` in HTML, read by tests and tools
    label: str
    value: str


def _refused(report: AuditReport, say: Voice) -> str:
    r = report.refusals
    if r.available:
        return say(
            Sentence(
                "audit.fact-refusals",
                "{count} (seen by the CLI and API that log to {log})",
                count=r.count,
                log=r.log,
            )
        )
    return say(Sentence("audit.fact-no-refusal-log", "unknown: no refusal log at {log}", log=r.log))


def _crosscheck(report: AuditReport, say: Voice) -> str:
    if report.ok:
        return say(Sentence("audit.fact-crosscheck-ok", "every entry matches"))
    # English has always written "MISMATCH(ES)" for any count; Dutch says it per count.
    count = len(report.findings)
    return say(Sentence("audit.fact-mismatches", "{count} MISMATCH(ES)", "{count} MISMATCH(ES)", count=count))


def _task(report: AuditReport, say: Voice) -> str:
    c = report.coalition
    if not c.programme:
        return c.task
    return say(
        Sentence("audit.fact-task", "{task} (programme {programme})", task=c.task, programme=c.programme)
    )


def facts(report: AuditReport, say: Voice) -> list[Fact]:
    c, chain = report.coalition, report.chain
    runs = len(report.runs)
    state_label = (
        Sentence("audit.fact-final-state", "Final state")
        if c.final
        else Sentence("audit.fact-current-state", "Current state")
    )
    intact = (
        Sentence("audit.chain-intact", "intact") if chain.intact else Sentence("audit.chain-broken", "BROKEN")
    )
    labels_values = [
        ("name", Sentence("audit.fact-coalition", "Coalition"), c.name),
        ("id", Sentence("audit.fact-id", "Id"), c.id),
        ("task", Sentence("audit.fact-task-label", "Task"), _task(report, say)),
        ("state", state_label, say(state_word(c.state))),
        ("state-title", Sentence("audit.fact-state-means", "State means"), say.state_title()),
        (
            "where",
            Sentence("audit.fact-where", "Round and side"),
            say(Sentence("audit.round-side", "round {round}, {side}", round=c.round, side=c.side)),
        ),
        (
            "workflow",
            Sentence("audit.fact-workflow", "Workflow"),
            say(
                Sentence(
                    "audit.workflow-runs",
                    "{status}, {count} run(s)",
                    "{status}, {count} run(s)",
                    status=c.workflow_status,
                    count=runs,
                )
            ),
        ),
        ("started", Sentence("audit.fact-started", "Started"), when(c.started_at)),
        ("last-activity", Sentence("audit.fact-last-activity", "Last activity"), when(c.last_activity_at)),
        ("entries", Sentence("audit.fact-entries", "Entries"), str(len(report.entries))),
        ("chain-head", Sentence("audit.fact-chain-head", "Chain head"), chain.head),
        ("chain", Sentence("audit.fact-chain", "Hash chain"), say(intact)),
        (
            "crosscheck",
            Sentence("audit.fact-crosscheck", "Cross-check with the history"),
            _crosscheck(report, say),
        ),
        ("refusals", Sentence("audit.fact-refused", "Refused attempts"), _refused(report, say)),
    ]
    return [Fact(key, say(label), value) for key, label, value in labels_values]


def embedded_json(report: AuditReport) -> str:
    """The report as JSON that is safe inside HTML and Markdown: no '<', '>' or '&'.

    Escaped as JSON unicode escapes, so any JSON reader gets the same data back."""
    text = json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
