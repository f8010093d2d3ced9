"""The report as CSV, one row per journal entry, for spreadsheets.

`entry_json` holds the entry exactly as hashed, so even a spreadsheet export can be
verified (`lemniscate audit --verify FILE.csv`). `problems` carries the cross-check
findings of that entry; findings that belong to no entry get a row of their own with an
empty seq. Cells are written by `spreadsheet` (formulas neutralised), which `audit.verify`
reads back with the same module and these `COLUMNS`.
"""

from __future__ import annotations

import json
from typing import Final

from lemniscate.audit.formats import spreadsheet
from lemniscate.audit.formats.common import Voice, source, when
from lemniscate.audit.report import AuditReport, TrailRow
from lemniscate.language import LANGUAGES, translate
from lemniscate.language.catalogs import SOURCE_LANGUAGE
from lemniscate.models.journal import JournalEntry
from lemniscate.models.sentence import Sentence

COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_role",
    "actor_organisation",
    "round",
    "side",
    "from_state",
    "to_state",
    "trigger",
    "kind",
    "words",
    "reason",
    "guards",
    "source",
    "problems",
    "prev_hash",
    "hash",
    "entry_json",
)


# The header a person reads: each column's name in the report's language. English has
# always shown the column ids themselves; the ids stay the keys in code and in `verify`.
_HEADERS: Final[dict[str, Sentence]] = {
    "seq": Sentence("audit.csv-seq", "seq"),
    "at": Sentence("audit.csv-at", "at"),
    "actor_id": Sentence("audit.csv-actor-id", "actor_id"),
    "actor_role": Sentence("audit.csv-actor-role", "actor_role"),
    "actor_organisation": Sentence("audit.csv-actor-organisation", "actor_organisation"),
    "round": Sentence("audit.csv-round", "round"),
    "side": Sentence("audit.csv-side", "side"),
    "from_state": Sentence("audit.csv-from-state", "from_state"),
    "to_state": Sentence("audit.csv-to-state", "to_state"),
    "trigger": Sentence("audit.csv-trigger", "trigger"),
    "kind": Sentence("audit.csv-kind", "kind"),
    "words": Sentence("audit.csv-words", "words"),
    "reason": Sentence("audit.csv-reason", "reason"),
    "guards": Sentence("audit.csv-guards", "guards"),
    "source": Sentence("audit.csv-source", "source"),
    "problems": Sentence("audit.csv-problems", "problems"),
    "prev_hash": Sentence("audit.csv-prev-hash", "prev_hash"),
    "hash": Sentence("audit.csv-hash", "hash"),
    "entry_json": Sentence("audit.csv-entry-json", "entry_json"),
}


def header(language: str) -> tuple[str, ...]:
    return tuple(translate(_HEADERS[column], language) for column in COLUMNS)


def language_of(columns: tuple[str, ...]) -> str | None:
    """The language whose header `columns` is, if any (how `verify` reads a CSV back)."""
    return next((lang for lang in (SOURCE_LANGUAGE, *LANGUAGES) if header(lang) == columns), None)


def _guards(row: TrailRow, say: Voice) -> str:
    cells = []
    for g in row.guards:
        if g.held:
            verdict = Sentence("audit.csv-guard-held", "{name}: held", name=g.name)
        else:
            verdict = Sentence("audit.csv-guard-not-held", "{name}: NOT held", name=g.name)
        cells.append(say(verdict))
    return "; ".join(cells)


def entry_cells(e: JournalEntry) -> dict[str, str]:
    """The columns that say what the entry itself records: `verify` expects them again."""
    event = e.event
    return {
        "seq": str(e.seq),
        "at": when(event.at),
        "actor_id": event.actor.id,
        "actor_role": event.actor.role.value,
        "actor_organisation": event.actor.organisation or "",
        "round": e.round,
        "side": e.side,
        "from_state": e.from_state or "",
        "to_state": e.to_state,
        "trigger": event.trigger,
        "reason": event.reason or "",
        "prev_hash": e.prev_hash or "",
        "hash": e.hash or "",
    }


def render(report: AuditReport, language: str = SOURCE_LANGUAGE) -> str:
    say = Voice(report, language)
    rows: list[dict[str, str]] = []
    for row in report.entries:
        e = row.entry
        rows.append(
            {
                **entry_cells(e),
                "kind": row.kind,
                "words": say.words(row),
                "guards": _guards(row, say),
                "source": source(row, say),
                "problems": "; ".join(f.message for f in report.findings_for(e.seq)),
                # Key order kept (not canonical): the plain words list a payload's keys in order.
                "entry_json": json.dumps(
                    e.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")
                ),
            }
        )
    rows += [
        {"problems": f"[{finding.check}] {finding.message}"}
        for finding in report.findings
        if finding.seq is None
    ]
    return spreadsheet.write(header(language), ([row.get(c, "") for c in COLUMNS] for row in rows))
