"""The report as Markdown: for wikis, tickets and plain-text archives.

Ends with the full report as a fenced JSON block tagged `lemniscate-audit`, which
`lemniscate audit --verify` checks, together with the text above it.
"""

from __future__ import annotations

import re

from lemniscate.audit.formats.common import actor, embedded_json, facts, move, payload_lines, source, when
from lemniscate.audit.report import AuditReport, TrailRow

DATA_TAG = "lemniscate-audit"
ENTRY_HEADING = "### #"


def _md(value: object) -> str:
    """Text safe in a Markdown line or table cell: no HTML, no cell breaks, one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", "").replace("\n", " ")


def _verdict(report: AuditReport) -> list[str]:
    if report.ok:
        return [
            "## Cross-check",
            "",
            f"**Passed.** All {len(report.entries)} journal entries match the Temporal event "
            "history, and the hash chain is intact.",
            "",
        ]
    return [
        "## Cross-check",
        "",
        f"> **MISMATCH: {len(report.findings)} finding(s).** The trail below does not fully "
        "match the Temporal event history or its own hash chain.",
        ">",
        *[f"> - {_md(f)}" for f in report.findings],
        "",
    ]


def _entry(report: AuditReport, row: TrailRow) -> list[str]:
    e, event = row.entry, row.entry.event
    out = [
        f"{ENTRY_HEADING}{e.seq} {_md(event.trigger)} ({row.kind}; {_md(move(row))})",
        "",
        f"{_md(row.words)}",
        "",
        f"- **When:** {when(event.at)}",
        f"- **Who:** {_md(actor(row))}",
        f"- **Where:** round {_md(e.round)}, side {_md(e.side)}",
        f"- **Why:** {_md(event.reason or '-')}",
        f"- **History:** {_md(source(row))}",
    ]
    lines = payload_lines(event.payload)
    if lines:
        out.append("- **Recorded:** " + "; ".join(_md(x) for x in lines))
    out.append(f"- **Hash:** `{e.hash}` (prev `{e.prev_hash}`)")
    if row.guards:
        out += ["", "| guard | condition | at that moment |", "|---|---|---|"]
        out += [
            f"| `{_md(g.name)}` | {_md(g.description)} | "
            + ("held" if g.held else f"**NOT held**: {_md(g.detail or '')}")
            + " |"
            for g in row.guards
        ]
    out += [f"- **MISMATCH:** {_md(f.message)}" for f in report.findings_for(e.seq)]
    return [*out, ""]


def _fence(text: str) -> str:
    # Longer than any run of backticks in the data, so no payload text can end the block.
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render(report: AuditReport) -> str:
    c = report.coalition
    out = [
        f"# Audit trail: {_md(c.name)}",
        "",
        f"`{c.id}` · generated {when(report.generated_at)} by {_md(report.generator)} from the "
        "Temporal event history and the coalition's journal",
        "",
    ]
    out += _verdict(report)
    out += ["## Coalition", "", "| fact | value |", "|---|---|"]
    out += [f"| {_md(f.label)} | {_md(f.value)} |" for f in facts(report)]
    out += [
        "",
        "## Workflow runs",
        "",
        "| run | run id | started | closed | status | events |",
        "|---|---|---|---|---|---|",
    ]
    out += [
        f"| {r.index} | `{r.run_id}` | {when(r.started_at)} | {when(r.closed_at)} | {r.status} | {r.events} |"
        for r in report.runs
    ]
    r = report.refusals
    out += ["", "## Refused attempts", ""]
    if not r.available:
        out.append(f"No refusal log at `{_md(r.log)}`: refused attempts are not known here.")
    else:
        out.append(
            f"{r.count} refused attempt(s), as logged by the CLI and API at "
            f"`{_md(r.log)}`. Refusals change nothing and leave no event in the history."
        )
        if r.items:
            out += ["", "| when | trigger | who | via | reasons |", "|---|---|---|---|---|"]
            out += [
                f"| {when(i.at)} | {_md(i.trigger)} | {_md(i.actor_id)} ({i.actor_role}"
                f"{', ' + _md(i.actor_organisation) if i.actor_organisation else ''}) | "
                f"{_md(i.source)} | {_md(' '.join(i.reasons))} |"
                for i in r.items
            ]
    if report.notes:
        out += ["", "## Notes", "", *[f"- {_md(n)}" for n in report.notes]]
    out += ["", "## Trail: every accepted change, in order", ""]
    for row in report.entries:
        out += _entry(report, row)
    data = embedded_json(report)
    fence = _fence(data)
    out += [
        "## Machine-readable copy",
        "",
        "What `lemniscate audit --verify FILE` checks: the hash chain of the entries, and "
        "that the text above is what this data renders to.",
        "",
        f"{fence}json {DATA_TAG}",
        data,
        fence,
        "",
    ]
    return "\n".join(out)
