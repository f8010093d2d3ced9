"""Checking an exported report: is it what the coalition's journal recorded, unaltered?

- The entries' hash chain is recomputed from the entries as they stand in the file
  (`models.chain`): a changed value, a removed or inserted entry, or a moved one breaks it
  at that entry, and the chain head must be the last entry's hash.
- What the report derived from the entries (the plain-words sentence, the kind, the guards
  as they held) is derived again from the entries in the file, so the readable parts cannot
  be edited either.
- For HTML and Markdown, the embedded JSON is checked as above, and the page around it must
  be exactly what that data renders to; a difference is named by entry.
- For CSV, every row's `entry_json` is hashed, and its readable columns must say what
  that JSON says.

What this cannot show: that the journal itself is what happened. That is what the
cross-check against the Temporal history in the report does, and an auditor can run it
again (`lemniscate audit ID`) and compare the chain heads.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lemniscate import states
from lemniscate.audit.formats import csv_report, html_report, markdown_report, spreadsheet
from lemniscate.audit.formats.common import when
from lemniscate.audit.report import REPORT_KIND, AuditReport, generator
from lemniscate.audit.trail import read_journal
from lemniscate.audit.wording import sentence
from lemniscate.models import chain
from lemniscate.models.journal import JournalEntry


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


def verify_file(path: Path) -> Verification:
    try:
        # Without newline translation: a CSV cell may hold a CR of its own (RFC 4180 quotes
        # it), which universal newlines would turn into an LF and so into another value.
        with path.open(encoding="utf-8", newline="") as file:
            text = file.read()
    except OSError as error:
        raise VerifyError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise VerifyError(f"{path} is not UTF-8 text: not an exported report") from None
    return verify_text(text, str(path))


def verify_text(text: str, name: str = "report") -> Verification:
    """Verify an export in any format, recognised by its content."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _verify_json(text, name)
    if f'id="{html_report.DATA_ELEMENT_ID}"' in text:
        return _verify_html(text, name)
    if f"json {markdown_report.DATA_TAG}" in text:
        return _verify_markdown(text, name)
    if stripped.startswith("seq,"):
        return _verify_csv(text, name)
    raise VerifyError(
        f"{name} is not an exported audit report (JSON, HTML, Markdown or CSV from `lemniscate audit`)"
    )


# JSON -----------------------------------------------------------------------------------


def _load(data_text: str, result: Verification) -> dict[str, Any] | None:
    try:
        data = json.loads(data_text)
    except json.JSONDecodeError as error:
        result.problems.append(f"the report data is not valid JSON ({error.msg} at line {error.lineno})")
        return None
    if not isinstance(data, dict) or data.get("kind") != REPORT_KIND:
        result.problems.append(f"the data is not a {REPORT_KIND} report")
        return None
    return data


def _verify_json(text: str, name: str) -> Verification:
    result = Verification(name, "json")
    data = _load(text, result)
    if data is not None:
        check_data(data, result)
    return result


def _entry_label(seq: Any, position: int) -> str:
    return f"entry #{seq}" if isinstance(seq, int) else f"entry at position {position}"


def check_data(data: Mapping[str, Any], result: Verification) -> AuditReport | None:
    """Check report data (the JSON export, or the JSON embedded in HTML and Markdown).
    Returns the parsed report when its structure is sound."""
    rows = data.get("entries")
    chain_facts = data.get("chain")
    if not isinstance(rows, list) or not isinstance(chain_facts, dict):
        result.problems.append("the report has no entries or no chain section")
        return None
    raw = [row.get("entry") if isinstance(row, dict) else None for row in rows]
    journal_dicts = [e if isinstance(e, dict) else {} for e in raw]
    head = chain_facts.get("head")
    result.entries, result.head = len(rows), head if isinstance(head, str) else None
    result.problems += [str(b) for b in chain.verify_chain(journal_dicts, head=result.head)]
    if chain_facts.get("length") != len(rows):
        result.problems.append(
            f"the report says the chain has {chain_facts.get('length')} entries; it holds {len(rows)}"
        )
    journal = _parse_entries(journal_dicts, result)
    if journal is not None:
        _check_readings(rows, journal, data, result)
    try:
        report = AuditReport.model_validate_json(json.dumps(data))
    except ValidationError as error:
        result.problems.append(
            f"the report's structure is not valid: {error.error_count()} "
            f"error(s), first: {_first_error(error)}"
        )
        return None
    _check_facts(report, result)
    if report.findings:
        result.warnings.append(
            f"the report itself records {len(report.findings)} cross-check "
            "finding(s): the export is intact, but the trail it shows did "
            "not match the history when it was made"
        )
    return report


def _first_error(error: ValidationError) -> str:
    item = error.errors()[0]
    return f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"


def _parse_entries(dicts: Sequence[Mapping[str, Any]], result: Verification) -> list[JournalEntry] | None:
    journal = []
    for position, data in enumerate(dicts, start=1):
        try:
            journal.append(JournalEntry.model_validate_json(json.dumps(data)))
        except ValidationError as error:
            result.problems.append(
                f"{_entry_label(data.get('seq'), position)}: not a valid "
                f"journal entry ({_first_error(error)})"
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
        label = _entry_label(reading.entry.seq, 0)
        wrong = []
        if row.get("words") != reading.words:
            wrong.append("its plain-words sentence does not say what its payload records")
        if row.get("kind") != reading.kind:
            wrong.append(f"it is listed as a {row.get('kind')}, but it is a {reading.kind}")
        if row.get("guards") != [g.model_dump(mode="json") for g in reading.guards]:
            wrong.append("its guards are not those that held when the journal is replayed")
        for problem in wrong:
            # Another version may word or judge things differently: then only say so.
            (result.problems if same_version else result.warnings).append(f"{label}: {problem}")
    if not same_version and result.warnings:
        result.warnings.append(
            f"made by {data.get('generator')}, checked by {generator()}: "
            "derived text is compared as a warning only"
        )


def _check_facts(report: AuditReport, result: Verification) -> None:
    if not report.entries:
        return
    last = report.entries[-1].entry
    if report.coalition.state != last.to_state:
        result.problems.append(
            f"the report gives the coalition's state as "
            f"{report.coalition.state}, but its last entry (#{last.seq}) "
            f"ends in {last.to_state}"
        )
    name = report.entries[0].entry.event.payload.get("name")
    if name is not None and name != report.coalition.name:
        result.problems.append(
            f"the report names the coalition {report.coalition.name!r}; "
            f"its start entry (#1) names it {name!r}"
        )


# HTML and Markdown: the embedded data, and the page it renders to ----------------------


_HTML_DATA = re.compile(
    r'<script type="application/json" id="' + html_report.DATA_ELEMENT_ID + r'">(.*?)</script>', re.DOTALL
)
_HTML_ENTRY = re.compile(r'<article class="[^"]*" id="entry-(\d+)">.*?</article>', re.DOTALL)
_MD_ENTRY = re.compile(r"^### #(\d+) .*?(?=^### #|^## )", re.DOTALL | re.MULTILINE)


def _verify_html(text: str, name: str) -> Verification:
    result = Verification(name, "html")
    found = _HTML_DATA.search(text)
    if found is None:
        result.problems.append("the page has no embedded report data")
        return result
    return _verify_page(text, unescape_json(found.group(1)), html_report.render, _HTML_ENTRY, result)


def unescape_json(embedded: str) -> str:
    # The embedded JSON is plain JSON (see formats.common.embedded_json); a browser's "save
    # page" may still turn it into entities, which this undoes.
    return unescape(embedded) if "&quot;" in embedded else embedded


def _verify_markdown(text: str, name: str) -> Verification:
    result = Verification(name, "md")
    found = re.search(
        r"^(`{3,})json " + markdown_report.DATA_TAG + r"\n(.*?)\n\1$", text, re.DOTALL | re.MULTILINE
    )
    if found is None:
        result.problems.append("the document has no complete machine-readable copy")
        return result
    return _verify_page(text, found.group(2), markdown_report.render, _MD_ENTRY, result)


def _verify_page(
    text: str, data_text: str, render: Any, entry_pattern: re.Pattern[str], result: Verification
) -> Verification:
    data = _load(data_text, result)
    if data is None:
        return result
    report = check_data(data, result)
    if report is None:
        return result
    expected = render(report)
    if expected.rstrip() == text.rstrip():
        return result
    if data.get("generator") != generator():
        result.warnings.append(
            f"the page was rendered by {data.get('generator')}; this is "
            f"{generator()}: only its embedded data was verified"
        )
        return result
    ours = {m.group(1): m.group(0) for m in entry_pattern.finditer(expected)}
    theirs = {m.group(1): m.group(0) for m in entry_pattern.finditer(text)}
    changed = sorted({*ours, *theirs}, key=int)
    changed = [seq for seq in changed if ours.get(seq) != theirs.get(seq)]
    for seq in changed:
        result.problems.append(
            f"entry #{seq}: the text shown differs from the entry's data (the readable part was edited)"
        )
    if not changed:
        result.problems.append(
            "the text outside the entries (title, facts, findings or notes) differs from the report's data"
        )
    return result


# CSV ----------------------------------------------------------------------------------


def _verify_csv(text: str, name: str) -> Verification:
    result = Verification(name, "csv")
    try:
        columns, read_rows = spreadsheet.read(text)
    except csv.Error as error:
        result.problems.append(f"not readable as CSV ({error})")
        return result
    if columns != csv_report.COLUMNS:
        result.problems.append("the columns are not those of a lemniscate audit CSV")
        return result
    rows = [r for r in read_rows if r.get("entry_json")]
    entries: list[dict[str, Any]] = []
    for position, row in enumerate(rows, start=1):
        try:
            entry = json.loads(row["entry_json"])
        except json.JSONDecodeError:
            result.problems.append(
                f"{_entry_label(row.get('seq'), position)} (row {position}): entry_json is not valid JSON"
            )
            return result
        entries.append(entry if isinstance(entry, dict) else {})
        _check_csv_row(row, entry if isinstance(entry, dict) else {}, result)
    result.entries = len(entries)
    result.head = chain.chain_head(entries) if entries else None
    result.problems += [str(b) for b in chain.verify_chain(entries)]
    return result


def _check_csv_row(row: Mapping[str, str], entry: Mapping[str, Any], result: Verification) -> None:
    try:
        parsed = JournalEntry.model_validate_json(json.dumps(entry))
    except ValidationError as error:
        result.problems.append(
            f"entry #{row.get('seq')}: entry_json is not a journal entry ({_first_error(error)})"
        )
        return
    e = parsed.event
    expected = {
        "seq": str(parsed.seq),
        "at": when(e.at),
        "actor_id": e.actor.id,
        "actor_role": e.actor.role.value,
        "actor_organisation": e.actor.organisation or "",
        "round": parsed.round,
        "side": parsed.side,
        "from_state": parsed.from_state or "",
        "to_state": parsed.to_state,
        "trigger": e.trigger,
        "reason": e.reason or "",
        "prev_hash": parsed.prev_hash or "",
        "hash": parsed.hash or "",
        "words": sentence(e.trigger, e.payload, _summary(e.trigger)),
    }
    wrong = sorted(k for k, v in expected.items() if row.get(k) != v)
    if wrong:
        result.problems.append(
            f"entry #{parsed.seq}: column(s) {', '.join(wrong)} differ from the entry's data"
        )


def _summary(trigger: str) -> str | None:
    spec = states.TRIGGERS.get(trigger)
    return spec.summary if spec else None
