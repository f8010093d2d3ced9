"""The report as Markdown: for wikis, tickets and plain-text archives.

Ends with the full report as a fenced JSON block tagged `lemniscate-audit`, which
`lemniscate audit --verify` checks, together with the text above it.
"""

from __future__ import annotations

import re

from lemniscate.audit.formats.common import Voice, embedded_json, facts, shown, when
from lemniscate.audit.formats.headings import (
    COALITION,
    CROSSCHECK,
    DATA,
    FACT_COLUMNS,
    GUARD_COLUMNS,
    KINDS,
    NOTES,
    REFUSAL_COLUMNS,
    REFUSALS,
    RUN_COLUMNS,
    RUNS,
    TRAIL,
)
from lemniscate.audit.report import AuditReport, TrailRow
from lemniscate.language.catalogs import SOURCE_LANGUAGE
from lemniscate.models.sentence import Sentence

DATA_TAG = "lemniscate-audit"
ENTRY_HEADING = "### #"


def _md(value: object) -> str:
    """Text safe in a Markdown line or table cell: no HTML, no cell breaks, one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", "").replace("\n", " ")


def _verdict(report: AuditReport, say: Voice) -> list[str]:
    heading = f"## {say(CROSSCHECK)}"
    if report.ok:
        count = len(report.entries)
        passed = say(
            Sentence(
                "audit.passed-md",
                "**Passed.** All {count} journal entries match the Temporal event history, "
                "and the hash chain is intact.",
                "**Passed.** All {count} journal entries match the Temporal event history, "
                "and the hash chain is intact.",
                count=count,
            )
        )
        return [heading, "", passed, ""]
    count = len(report.findings)
    mismatch = say(
        Sentence(
            "audit.mismatch-md",
            "**MISMATCH: {count} finding(s).** The trail below does not fully match the Temporal "
            "event history or its own hash chain.",
            "**MISMATCH: {count} finding(s).** The trail below does not fully match the Temporal "
            "event history or its own hash chain.",
            count=count,
        )
    )
    # The findings are the report's data (stored in English): said as recorded.
    return [heading, "", f"> {mismatch}", ">", *[f"> - {_md(f)}" for f in report.findings], ""]


def _labelled(label: Sentence, value: str, say: Voice) -> str:
    return f"- **{say(label)}:** {value}"


def _guards(row: TrailRow, say: Voice) -> list[str]:
    held = say(Sentence("audit.guard-held", "held"))
    out = ["", _columns(say, GUARD_COLUMNS), "|---|---|---|"]
    for index, g in enumerate(row.guards):
        description, detail = say.guard(row, index)
        reason = _md(detail or "")
        verdict = (
            held if g.held else say(Sentence("audit.md-not-held", "**NOT held**: {reason}", reason=reason))
        )
        out.append(f"| `{_md(g.name)}` | {_md(description)} | {verdict} |")
    return out


def _entry(report: AuditReport, row: TrailRow, say: Voice) -> list[str]:
    e, event = row.entry, row.entry.event
    kind = say(KINDS[row.kind])
    where = say(Sentence("audit.where", "round {round}, side {side}", round=_md(e.round), side=_md(e.side)))
    hashes = say(
        Sentence("audit.md-hashes", "`{hash}` (prev `{prev}`)", hash=str(e.hash), prev=str(e.prev_hash))
    )
    seen = shown(row, say)
    out = [
        f"{ENTRY_HEADING}{e.seq} {_md(event.trigger)} ({kind}; {_md(seen.move)})",
        "",
        f"{_md(say.words(row))}",
        "",
        *[f"**{_md(line)}**\n" for line in seen.corrected_by],
        _labelled(Sentence("audit.md-when", "When"), seen.at, say),
        _labelled(Sentence("audit.md-who", "Who"), _md(seen.actor), say),
        _labelled(Sentence("audit.md-where", "Where"), where, say),
        _labelled(Sentence("audit.md-why", "Why"), _md(event.reason or "-"), say),
        _labelled(Sentence("audit.md-history", "History"), _md(seen.source), say),
    ]
    if seen.payload_lines:
        recorded = "; ".join(_md(x) for x in seen.payload_lines)
        out.append(_labelled(Sentence("audit.md-recorded", "Recorded"), recorded, say))
    out.append(_labelled(Sentence("audit.md-hash", "Hash"), hashes, say))
    if row.guards:
        out += _guards(row, say)
    out += [
        _labelled(Sentence("audit.md-mismatch", "MISMATCH"), _md(f.message), say)
        for f in report.findings_for(e.seq)
    ]
    return [*out, ""]


def _columns(say: Voice, columns: tuple[Sentence, ...]) -> str:
    return "| " + " | ".join(say(c) for c in columns) + " |"


def _fence(text: str) -> str:
    # Longer than any run of backticks in the data, so no payload text can end the block.
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _refusals(report: AuditReport, say: Voice) -> list[str]:
    r = report.refusals
    log = f"`{_md(r.log)}`"
    out = ["", f"## {say(REFUSALS)}", ""]
    if not r.available:
        out.append(
            say(
                Sentence(
                    "audit.no-refusal-log-md",
                    "No refusal log at {log}: refused attempts are not known here.",
                    log=log,
                )
            )
        )
        return out
    out.append(
        say(
            Sentence(
                "audit.refusals-md",
                "{count} refused attempt(s), as logged by the CLI and API at {log}. Refusals change "
                "nothing and leave no event in the history.",
                "{count} refused attempt(s), as logged by the CLI and API at {log}. Refusals change "
                "nothing and leave no event in the history.",
                count=r.count,
                log=log,
            )
        )
    )
    if r.items:
        out += ["", _columns(say, REFUSAL_COLUMNS), "|---|---|---|---|---|"]
        out += [
            f"| {when(i.at)} | {_md(i.trigger)} | {_md(i.actor_id)} ({i.actor_role}"
            f"{', ' + _md(i.actor_organisation) if i.actor_organisation else ''}) | "
            f"{_md(i.source)} | {_md(' '.join(i.reasons))} |"
            for i in r.items
        ]
    return out


def render(report: AuditReport, language: str = SOURCE_LANGUAGE) -> str:
    say = Voice(report, language)
    c = report.coalition
    generated = say(
        Sentence(
            "audit.generated-md",
            "`{id}` · generated {at} by {generator} from the Temporal event history "
            "and the coalition's journal",
            id=c.id,
            at=when(report.generated_at),
            generator=_md(report.generator),
        )
    )
    title = say(Sentence("audit.title", "Audit trail: {name}", name=_md(c.name)))
    out = [f"# {title}", "", generated, ""]
    out += _verdict(report, say)
    out += [f"## {say(COALITION)}", "", _columns(say, FACT_COLUMNS), "|---|---|"]
    out += [f"| {_md(f.label)} | {_md(f.value)} |" for f in facts(report, say)]
    out += ["", f"## {say(RUNS)}", "", _columns(say, RUN_COLUMNS)]
    out.append("|---|---|---|---|---|---|")
    out += [
        f"| {r.index} | `{r.run_id}` | {when(r.started_at)} | {when(r.closed_at)} | {r.status} | {r.events} |"
        for r in report.runs
    ]
    out += _refusals(report, say)
    if report.notes:
        # The notes are the report's data (stored in English): said as recorded.
        out += ["", f"## {say(NOTES)}", "", *[f"- {_md(n)}" for n in report.notes]]
    out += ["", f"## {say(TRAIL)}", ""]
    for row in report.entries:
        out += _entry(report, row, say)
    data = embedded_json(report)
    fence = _fence(data)
    out += [
        f"## {say(DATA)}",
        "",
        say(
            Sentence(
                "audit.data-explained-md",
                "What `lemniscate audit --verify FILE` checks: the hash chain of the entries, and "
                "that the text above is what this data renders to.",
            )
        ),
        "",
        f"{fence}json {DATA_TAG}",
        data,
        fence,
        "",
    ]
    return "\n".join(out)
