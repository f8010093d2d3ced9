"""The report as CSV, one row per journal entry, for spreadsheets.

`entry_json` holds the entry exactly as hashed, so even a spreadsheet export can be
verified (`lemniscate audit --verify FILE.csv`). `problems` carries the cross-check
findings of that entry; findings that belong to no entry get a row of their own with an
empty seq. Cells are written by `spreadsheet` (formulas neutralised), which `audit.verify`
reads back with the same module and these `COLUMNS`.
"""

from __future__ import annotations

import json

from lemniscate.audit.formats import spreadsheet
from lemniscate.audit.formats.common import source, when
from lemniscate.audit.report import AuditReport

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


def render(report: AuditReport) -> str:
    rows: list[dict[str, str]] = []
    for row in report.entries:
        e, event = row.entry, row.entry.event
        rows.append(
            {
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
                "kind": row.kind,
                "words": row.words,
                "reason": event.reason or "",
                "guards": "; ".join(f"{g.name}: {'held' if g.held else 'NOT held'}" for g in row.guards),
                "source": source(row),
                "problems": "; ".join(f.message for f in report.findings_for(e.seq)),
                "prev_hash": e.prev_hash or "",
                "hash": e.hash or "",
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
    return spreadsheet.write_dicts(COLUMNS, rows)
