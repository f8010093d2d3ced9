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

The data itself is checked in `audit.checks`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Mapping, Sequence
from html import unescape
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lemniscate import states
from lemniscate.audit.checks import (
    Verification,
    VerifyError,
    check_data,
    entry_label,
    first_error,
    load_data,
    verify_json,
)
from lemniscate.audit.formats import csv_report, html_report, markdown_report, spreadsheet
from lemniscate.audit.report import AuditReport, generator
from lemniscate.audit.wording import sentence
from lemniscate.language import LANGUAGES, translate
from lemniscate.language.catalogs import SOURCE_LANGUAGE
from lemniscate.models import chain
from lemniscate.models.journal import JournalEntry
from lemniscate.models.sentence import Sentence

__all__ = ["Verification", "VerifyError", "check_data", "unescape_json", "verify_file", "verify_text"]


def verify_file(path: Path) -> Verification:
    try:
        # Without newline translation: a CSV cell may hold a CR of its own (RFC 4180 quotes
        # it), which universal newlines would turn into an LF and so into another value.
        with path.open(encoding="utf-8", newline="") as file:
            text = file.read()
    except OSError as error:
        why = str(error.strerror)
        raise VerifyError(
            Sentence("audit.verify-unreadable", "cannot read {path}: {why}", path=str(path), why=why)
        ) from None
    except UnicodeDecodeError:
        raise VerifyError(
            Sentence(
                "audit.verify-not-utf8", "{path} is not UTF-8 text: not an exported report", path=str(path)
            )
        ) from None
    return verify_text(text, str(path))


def verify_text(text: str, name: str = "report") -> Verification:
    """Verify an export in any format, recognised by its content."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return verify_json(text, name)
    if f'id="{html_report.DATA_ELEMENT_ID}"' in text:
        return _verify_html(text, name)
    if f"json {markdown_report.DATA_TAG}" in text:
        return _verify_markdown(text, name)
    if stripped.startswith(tuple(f"{csv_report.header(lang)[0]}," for lang in (SOURCE_LANGUAGE, *LANGUAGES))):
        return _verify_csv(text, name)
    raise VerifyError(
        Sentence(
            "audit.verify-not-a-report",
            "{name} is not an exported audit report (JSON, HTML, Markdown or CSV from `lemniscate audit`)",
            name=name,
        )
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
        result.problems.append(Sentence("audit.verify-no-page-data", "the page has no embedded report data"))
        return result
    # The page names its language; what it says is rendered again in that one.
    said = _HTML_LANGUAGE.search(text)
    languages = _languages(said.group(1) if said else None)
    return _verify_page(
        text, unescape_json(found.group(1)), html_report.render, _HTML_ENTRY, result, languages
    )


_HTML_LANGUAGE = re.compile(r'<html lang="([A-Za-z-]+)">')


def _languages(first: str | None) -> list[str]:
    """The languages a page may be said in, the one it names first."""
    known = [SOURCE_LANGUAGE, *(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)]
    return sorted(known, key=lambda lang: lang != first)


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
        result.problems.append(
            Sentence("audit.verify-no-copy", "the document has no complete machine-readable copy")
        )
        return result
    # Markdown names no language: each is tried, the one that matches best is compared.
    return _verify_page(text, found.group(2), markdown_report.render, _MD_ENTRY, result, _languages(None))


def _entries(pattern: re.Pattern[str], text: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in pattern.finditer(text)}


def _verify_page(
    text: str,
    data_text: str,
    render: Callable[[AuditReport, str], str],
    entry_pattern: re.Pattern[str],
    result: Verification,
    languages: Sequence[str],
) -> Verification:
    data = load_data(data_text, result)
    if data is None:
        return result
    report = check_data(data, result)
    if report is None:
        return result
    renders = [render(report, language) for language in languages]
    if any(expected.rstrip() == text.rstrip() for expected in renders):
        return result
    if data.get("generator") != generator():
        result.warnings.append(
            Sentence(
                "audit.verify-page-other-version",
                "the page was rendered by {made_by}; this is {checked_by}: "
                "only its embedded data was verified",
                made_by=str(data.get("generator")),
                checked_by=generator(),
            )
        )
        return result
    theirs = _entries(entry_pattern, text)

    def differing(expected: str) -> list[str]:
        ours = _entries(entry_pattern, expected)
        return [seq for seq in sorted({*ours, *theirs}, key=int) if ours.get(seq) != theirs.get(seq)]

    # Compared with the rendering in the page's own language: the one that differs least.
    changed = min((differing(expected) for expected in renders), key=len)
    for seq in changed:
        result.problems.append(
            Sentence(
                "audit.verify-entry-edited",
                "entry #{seq}: the text shown differs from the entry's data (the readable part was edited)",
                seq=seq,
            )
        )
    if not changed:
        result.problems.append(
            Sentence(
                "audit.verify-page-edited",
                "the text outside the entries (title, facts, findings or notes) "
                "differs from the report's data",
            )
        )
    return result


# CSV ----------------------------------------------------------------------------------


def _verify_csv(text: str, name: str) -> Verification:
    result = Verification(name, "csv")
    try:
        columns, read_rows = spreadsheet.read(text)
    except csv.Error as error:
        why = str(error)
        result.problems.append(Sentence("audit.verify-not-csv", "not readable as CSV ({why})", why=why))
        return result
    # The header is said in the report's language: it tells which one the cells are in.
    language = csv_report.language_of(columns)
    if language is None:
        result.problems.append(
            Sentence("audit.verify-columns", "the columns are not those of a lemniscate audit CSV")
        )
        return result
    by_id = [
        {key: row.get(said, "") for key, said in zip(csv_report.COLUMNS, columns, strict=True)}
        for row in read_rows
    ]
    rows = [r for r in by_id if r.get("entry_json")]
    entries: list[dict[str, Any]] = []
    for position, row in enumerate(rows, start=1):
        try:
            entry = json.loads(row["entry_json"])
        except json.JSONDecodeError:
            result.problems.append(
                Sentence(
                    "audit.verify-entry-json",
                    "{entry} (row {row}): entry_json is not valid JSON",
                    entry=entry_label(row.get("seq"), position),
                    row=position,
                )
            )
            return result
        entries.append(entry if isinstance(entry, dict) else {})
        _check_csv_row(row, entry if isinstance(entry, dict) else {}, result, language)
    result.entries = len(entries)
    result.head = chain.chain_head(entries) if entries else None
    result.problems += [str(b) for b in chain.verify_chain(entries)]
    return result


def _check_csv_row(
    row: Mapping[str, str], entry: Mapping[str, Any], result: Verification, language: str
) -> None:
    try:
        parsed = JournalEntry.model_validate_json(json.dumps(entry))
    except ValidationError as error:
        seq = str(row.get("seq"))
        result.problems.append(
            Sentence(
                "audit.verify-csv-not-an-entry",
                "entry #{seq}: entry_json is not a journal entry ({first})",
                seq=seq,
                first=first_error(error),
            )
        )
        return
    e = parsed.event
    expected = {
        **csv_report.entry_cells(parsed),
        "words": translate(sentence(e.trigger, e.payload, _summary(e.trigger)), language),
    }
    wrong = sorted(k for k, v in expected.items() if row.get(k) != v)
    if wrong:
        result.problems.append(
            Sentence(
                "audit.verify-columns-differ",
                "entry #{seq}: column(s) {columns} differ from the entry's data",
                seq=parsed.seq,
                columns=", ".join(wrong),
            )
        )


def _summary(trigger: str) -> str | None:
    spec = states.TRIGGERS.get(trigger)
    return spec.summary if spec else None
