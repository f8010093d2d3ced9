"""What every format shows the same way: times, actors, facts, moves, payload lines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lemniscate.audit.report import AuditReport, TrailRow
from lemniscate.audit.wording import key_values


def when(moment: datetime | None) -> str:
    # Milliseconds: entries made in one second must still read in their order.
    if moment is None:
        return "-"
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} UTC"


def actor(row: TrailRow) -> str:
    return str(row.entry.event.actor)


def move(row: TrailRow) -> str:
    e = row.entry
    if e.from_state is None:
        return f"starts in {e.to_state}"
    if e.from_state == e.to_state:
        return f"stays in {e.to_state}"
    return f"{e.from_state} → {e.to_state}"


def source(row: TrailRow) -> str:
    s = row.source
    if s is None:
        return "NOT FOUND in the history"
    return f"{s.detail}; run {s.run}, event {s.event_id} at {when(s.event_time)}"


def payload_lines(payload: Mapping[str, Any]) -> list[str]:
    return key_values(payload).split("; ") if payload else []


@dataclass(frozen=True)
class Fact:
    key: str  # stable id: `fact-<key>` in HTML, read by tests and tools
    label: str
    value: str


def facts(report: AuditReport) -> list[Fact]:
    c, chain = report.coalition, report.chain
    refusals = report.refusals
    refused = (
        f"{refusals.count} (seen by the CLI and API that log to {refusals.log})"
        if refusals.available
        else f"unknown: no refusal log at {refusals.log}"
    )
    return [
        Fact("name", "Coalition", c.name),
        Fact("id", "Id", c.id),
        Fact("task", "Task", c.task + (f" (programme {c.programme})" if c.programme else "")),
        Fact("state", "Final state" if c.final else "Current state", c.state),
        Fact("state-title", "State means", c.state_title),
        Fact("where", "Round and side", f"round {c.round}, {c.side}"),
        Fact("workflow", "Workflow", f"{c.workflow_status}, {len(report.runs)} run(s)"),
        Fact("started", "Started", when(c.started_at)),
        Fact("last-activity", "Last activity", when(c.last_activity_at)),
        Fact("entries", "Entries", str(len(report.entries))),
        Fact("chain-head", "Chain head", chain.head),
        Fact("chain", "Hash chain", "intact" if chain.intact else "BROKEN"),
        Fact(
            "crosscheck",
            "Cross-check with the history",
            "every entry matches" if report.ok else f"{len(report.findings)} MISMATCH(ES)",
        ),
        Fact("refusals", "Refused attempts", refused),
    ]


def embedded_json(report: AuditReport) -> str:
    """The report as JSON that is safe inside HTML and Markdown: no '<', '>' or '&'.

    Escaped as JSON unicode escapes, so any JSON reader gets the same data back."""
    text = json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
