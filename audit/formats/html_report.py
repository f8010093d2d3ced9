"""The report as one self-contained HTML page: readable on screen, printable on A4.

No external resources at all (styles inline, no scripts to run), so it opens the same
years later and offline. The full report rides along as JSON in a
`<script type="application/json" id="lemniscate-audit">` element: `lemniscate audit
--verify` checks that data and that the page is what the data renders to.
"""

from __future__ import annotations

from html import escape

from lemniscate.audit.formats.common import actor, embedded_json, facts, move, payload_lines, source, when
from lemniscate.audit.report import AuditReport, TrailRow

DATA_ELEMENT_ID = "lemniscate-audit"

_STYLE = """
:root { --ink: #1d2330; --muted: #5b6475; --line: #d7dbe3; --bad: #b3261e; --good: #1e6b3a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .6rem;
  border-bottom: 2px solid var(--ink); } h3 { font-size: 1rem; margin: 0 0 .4rem; }
.sub, .muted { color: var(--muted); }
code, .hash { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .8rem; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: 14rem 1fr; gap: .2rem 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; }
.verdict { padding: .8rem 1rem; border-radius: .4rem; border: 2px solid; }
.verdict.ok { border-color: var(--good); color: var(--good); }
.verdict.fail { border-color: var(--bad); color: var(--bad); background: #fbeceb; }
.verdict.fail li { color: var(--ink); }
article.entry { border: 1px solid var(--line); border-radius: .4rem; padding: .7rem 1rem;
  margin: .8rem 0; }
article.entry.kind-step { border-left: 5px solid #3b5bdb; }
article.entry.kind-start { border-left: 5px solid var(--good); }
article.entry.problem { border-color: var(--bad); border-left: 5px solid var(--bad); }
.badge { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: .3rem;
  background: #eef0f4; color: var(--muted); margin-left: .4rem; vertical-align: middle; }
.held { color: var(--good); font-weight: 600; } .not-held { color: var(--bad); font-weight: 600; }
.words { font-size: 1.05rem; margin: .3rem 0; }
ul.problems { color: var(--bad); }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10pt; max-width: none; margin: 0; padding: 0; }
  h2 { break-after: avoid; }
  article.entry { break-inside: avoid; border-left-width: 3px; }
  .verdict.fail { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _verdict(report: AuditReport) -> str:
    if report.ok:
        return (
            f'<section id="verdict" class="verdict ok"><strong>Cross-check passed.</strong> '
            f"All {len(report.entries)} journal entries match the Temporal event history, "
            "and the hash chain is intact.</section>"
        )
    items = "".join(f"<li>{_e(f)}</li>" for f in report.findings)
    return (
        f'<section id="verdict" class="verdict fail"><strong>MISMATCH: '
        f"{len(report.findings)} finding(s).</strong> The trail below does not fully match "
        f"the Temporal event history or its own hash chain.<ul>{items}</ul></section>"
    )


def _facts(report: AuditReport) -> str:
    rows = "".join(f'<dt>{_e(f.label)}</dt><dd id="fact-{f.key}">{_e(f.value)}</dd>' for f in facts(report))
    return f'<section id="facts"><h2>Coalition</h2><dl class="facts">{rows}</dl></section>'


def _runs(report: AuditReport) -> str:
    rows = "".join(
        f"<tr><td>{r.index}</td><td><code>{_e(r.run_id)}</code></td>"
        f"<td>{_e(when(r.started_at))}</td><td>{_e(when(r.closed_at))}</td>"
        f"<td>{_e(r.status)}</td><td>{r.events}</td></tr>"
        for r in report.runs
    )
    return (
        '<section id="runs"><h2>Workflow runs</h2><p class="muted">Continue-as-new '
        "starts a new run with the journal so far; the trail reads them as one.</p>"
        "<table><tr><th>run</th><th>run id</th><th>started</th><th>closed</th>"
        f"<th>status</th><th>events</th></tr>{rows}</table></section>"
    )


def _refusals(report: AuditReport) -> str:
    r = report.refusals
    if not r.available:
        body = (
            f"<p>No refusal log at <code>{_e(r.log)}</code>: refused attempts are not "
            "known here. (They never reach the workflow history.)</p>"
        )
    else:
        rows = "".join(
            f"<tr><td>{_e(when(i.at))}</td><td>{_e(i.trigger)}</td>"
            f"<td>{_e(i.actor_id)} ({_e(i.actor_role)}"
            f"{', ' + _e(i.actor_organisation) if i.actor_organisation else ''})</td>"
            f"<td>{_e(i.source)}</td><td>{'<br>'.join(_e(x) for x in i.reasons)}</td></tr>"
            for i in r.items
        )
        body = (
            f'<p><span id="refusal-count">{r.count}</span> refused attempt(s), as logged by '
            f"the CLI and API at <code>{_e(r.log)}</code>. Refusals change nothing and "
            "leave no event in the workflow history.</p>"
            + (
                "<table><tr><th>when</th><th>trigger</th><th>who</th><th>via</th>"
                f"<th>reasons</th></tr>{rows}</table>"
                if r.items
                else ""
            )
        )
    return f'<section id="refusals"><h2>Refused attempts</h2>{body}</section>'


def _notes(report: AuditReport) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    return f'<section id="notes"><h2>Notes</h2><ul>{items}</ul></section>'


def _entry(report: AuditReport, row: TrailRow) -> str:
    e, event = row.entry, row.entry.event
    problems = report.findings_for(e.seq)
    classes = f"entry kind-{row.kind}" + (" problem" if problems else "")
    parts = [
        f'<article class="{classes}" id="entry-{e.seq}">',
        f'<h3>#{e.seq} {_e(event.trigger)}<span class="badge">{row.kind}</span>'
        f'<span class="badge">{_e(move(row))}</span></h3>',
        f'<p class="words">{_e(row.words)}</p>',
        "<table>",
        f"<tr><th>when</th><td>{_e(when(event.at))}</td></tr>",
        f"<tr><th>who</th><td>{_e(actor(row))}</td></tr>",
        f"<tr><th>where</th><td>round {_e(e.round)}, side {_e(e.side)}</td></tr>",
        f"<tr><th>why</th><td>{_e(event.reason or '-')}</td></tr>",
        f"<tr><th>history</th><td>{_e(source(row))}</td></tr>",
        "</table>",
    ]
    if row.guards:
        guards = "".join(
            f"<tr><td><code>{_e(g.name)}</code></td><td>{_e(g.description)}</td>"
            + (
                '<td class="held">held</td></tr>'
                if g.held
                else f'<td class="not-held">NOT held: {_e(g.detail or "")}</td></tr>'
            )
            for g in row.guards
        )
        parts.append(
            '<table class="guards"><tr><th>guard</th><th>condition</th>'
            f"<th>at that moment</th></tr>{guards}</table>"
        )
    lines = payload_lines(event.payload)
    if lines:
        parts.append('<p class="muted">Recorded: ' + "; ".join(_e(x) for x in lines) + "</p>")
    if problems:
        parts.append(
            '<ul class="problems">' + "".join(f"<li>{_e(p.message)}</li>" for p in problems) + "</ul>"
        )
    parts.append(f'<p class="hash">hash {_e(e.hash)}<br>prev {_e(e.prev_hash)}</p></article>')
    return "".join(parts)


def render(report: AuditReport) -> str:
    name = report.coalition.name
    entries = "\n".join(_entry(report, row) for row in report.entries)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Audit trail: {_e(name)}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f'<header><h1>Audit trail: <span id="coalition-name">{_e(name)}</span></h1>',
            f'<p class="sub">{_e(report.coalition.id)} · generated {_e(when(report.generated_at))} '
            f"by {_e(report.generator)} from the Temporal event history and the coalition's "
            "journal</p></header>",
            _verdict(report),
            _facts(report),
            _runs(report),
            _refusals(report),
            _notes(report),
            f'<section id="trail"><h2>Trail: every accepted change, in order</h2>\n{entries}\n</section>',
            f'<footer class="muted"><p>Each entry\'s hash is sha256 over its canonical JSON, '
            f"chained from the previous entry's; the chain starts from "
            f"<code>{_e(report.chain.genesis)}</code>. Check this page with "
            "<code>lemniscate audit --verify FILE</code>.</p></footer>",
            f'<script type="application/json" id="{DATA_ELEMENT_ID}">{embedded_json(report)}</script>',
            "</body></html>",
            "",
        ]
    )
