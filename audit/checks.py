"""Checking report data (the JSON export, or the JSON embedded in HTML and Markdown): the
entries' hash chain, and what the report derived from them derived again. `verify` reads
each format's file and hands its data here; the outcome's problems are Sentences, said in
the reader's language by the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from lemniscate.audit.formats.headings import KINDS
from lemniscate.audit.report import REPORT_KIND, AuditReport, generator
from lemniscate.audit.trail import read_journal
from lemniscate.models import chain
from lemniscate.models.journal import JournalEntry
from lemniscate.models.sentence import Sentence
from lemniscate.states.words import state_word


@dataclass
class Verification:
    """The outcome: `problems` break the report's integrity; `warnings` do not."""

    name: str
    format: str
    entries: int = 0
    head: str | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class VerifyError(Exception):
    """The file is not a report this can verify at all (unreadable, unknown format)."""


def load_data(data_text: str, result: Verification) -> dict[str, Any] | None:
    try:
        data = json.loads(data_text)
    except json.JSONDecodeError as error:
        result.problems.append(
            Sentence(
                "audit.verify-invalid-json",
                "the report data is not valid JSON ({why} at line {line})",
                why=error.msg,
                line=error.lineno,
            )
        )
        return None
    if not isinstance(data, dict) or data.get("kind") != REPORT_KIND:
        result.problems.append(
            Sentence("audit.verify-not-kind", "the data is not a {kind} report", kind=REPORT_KIND)
        )
        return None
    return data


def verify_json(text: str, name: str) -> Verification:
    result = Verification(name, "json")
    data = load_data(text, result)
    if data is not None:
        check_data(data, result)
    return result


def entry_label(seq: Any, position: int) -> str:
    if isinstance(seq, int):
        return Sentence("audit.verify-entry", "entry #{seq}", seq=seq)
    return Sentence("audit.verify-entry-at", "entry at position {position}", position=position)


def check_data(data: Mapping[str, Any], result: Verification) -> AuditReport | None:
    """Check report data (the JSON export, or the JSON embedded in HTML and Markdown).
    Returns the parsed report when its structure is sound."""
    rows = data.get("entries")
    chain_facts = data.get("chain")
    if not isinstance(rows, list) or not isinstance(chain_facts, dict):
        result.problems.append(
            Sentence("audit.verify-no-entries", "the report has no entries or no chain section")
        )
        return None
    raw = [row.get("entry") if isinstance(row, dict) else None for row in rows]
    journal_dicts = [e if isinstance(e, dict) else {} for e in raw]
    head = chain_facts.get("head")
    result.entries, result.head = len(rows), head if isinstance(head, str) else None
    result.problems += [str(b) for b in chain.verify_chain(journal_dicts, head=result.head)]
    if chain_facts.get("length") != len(rows):
        said = str(chain_facts.get("length"))
        result.problems.append(
            Sentence(
                "audit.verify-length",
                "the report says the chain has {said} entries; it holds {count}",
                said=said,
                count=len(rows),
            )
        )
    journal = _parse_entries(journal_dicts, result)
    if journal is not None:
        _check_readings(rows, journal, data, result)
    try:
        report = AuditReport.model_validate_json(json.dumps(data))
    except ValidationError as error:
        result.problems.append(
            Sentence(
                "audit.verify-structure",
                "the report's structure is not valid: {count} error(s), first: {first}",
                "the report's structure is not valid: {count} error(s), first: {first}",
                count=error.error_count(),
                first=first_error(error),
            )
        )
        return None
    _check_facts(report, result)
    if report.findings:
        result.warnings.append(
            Sentence(
                "audit.verify-recorded-findings",
                "the report itself records {count} cross-check finding(s): the export is intact, "
                "but the trail it shows did not match the history when it was made",
                "the report itself records {count} cross-check finding(s): the export is intact, "
                "but the trail it shows did not match the history when it was made",
                count=len(report.findings),
            )
        )
    return report


def first_error(error: ValidationError) -> str:
    item = error.errors()[0]
    return f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"


def _parse_entries(dicts: Sequence[Mapping[str, Any]], result: Verification) -> list[JournalEntry] | None:
    journal = []
    for position, data in enumerate(dicts, start=1):
        try:
            journal.append(JournalEntry.model_validate_json(json.dumps(data)))
        except ValidationError as error:
            result.problems.append(
                Sentence(
                    "audit.verify-not-an-entry",
                    "{entry}: not a valid journal entry ({first})",
                    entry=entry_label(data.get("seq"), position),
                    first=first_error(error),
                )
            )
            return None
    return journal


def _check_readings(
    rows: Sequence[Any], journal: list[JournalEntry], data: Mapping[str, Any], result: Verification
) -> None:
    """The words, kinds and guards in the file must be what the entries give on replay."""
    same_version = data.get("generator") == generator()
    readings = read_journal(journal)
    for row, reading in zip(rows, readings, strict=True):
        label = entry_label(reading.entry.seq, 0)
        wrong: list[Sentence] = []
        if row.get("words") != reading.words:
            wrong.append(
                Sentence(
                    "audit.verify-words",
                    "{entry}: its plain-words sentence does not say what its payload records",
                    entry=label,
                )
            )
        if row.get("kind") != reading.kind:
            listed = str(row.get("kind"))
            wrong.append(
                Sentence(
                    "audit.verify-kind",
                    "{entry}: it is listed as a {listed}, but it is a {kind}",
                    entry=label,
                    listed=listed,
                    kind=KINDS.get(reading.kind, reading.kind),
                )
            )
        if row.get("guards") != [g.model_dump(mode="json") for g in reading.guards]:
            wrong.append(
                Sentence(
                    "audit.verify-guards",
                    "{entry}: its guards are not those that held when the journal is replayed",
                    entry=label,
                )
            )
        if row.get("corrected_by", []) != [c.model_dump(mode="json") for c in reading.corrected_by]:
            wrong.append(
                Sentence(
                    "audit.verify-corrected-by",
                    "{entry}: the corrections noted on it are not those the journal records",
                    entry=label,
                )
            )
        # Another version may word or judge things differently: then only say so.
        (result.problems if same_version else result.warnings).extend(wrong)
    if not same_version and result.warnings:
        made_by = str(data.get("generator"))
        result.warnings.append(
            Sentence(
                "audit.verify-other-version",
                "made by {made_by}, checked by {checked_by}: derived text is compared as a warning only",
                made_by=made_by,
                checked_by=generator(),
            )
        )


def _check_facts(report: AuditReport, result: Verification) -> None:
    if not report.entries:
        return
    last = report.entries[-1].entry
    if report.coalition.state != last.to_state:
        result.problems.append(
            Sentence(
                "audit.verify-state",
                "the report gives the coalition's state as {state}, "
                "but its last entry (#{seq}) ends in {last}",
                state=state_word(report.coalition.state),
                seq=last.seq,
                last=state_word(last.to_state),
            )
        )
    name = report.entries[0].entry.event.payload.get("name")
    if name is not None and name != report.coalition.name:
        result.problems.append(
            Sentence(
                "audit.verify-name",
                "the report names the coalition {said}; its start entry (#1) names it {named}",
                said=repr(report.coalition.name),
                named=repr(name),
            )
        )
