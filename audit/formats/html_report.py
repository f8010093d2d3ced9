"""The report as one self-contained HTML page: readable on screen, printable on A4.

No external resources at all (styles inline, no scripts to run), so it opens the same
years later and offline. The full report rides along as JSON in a
`<script type="application/json" id="lemniscate-audit">` element: `lemniscate audit
--verify` checks that data and that the page is what the data renders to.
"""

from __future__ import annotations

from html import escape

from lemniscate.audit.formats.common import Voice, embedded_json, facts, shown, when
from lemniscate.audit.formats.headings import (
    COALITION,
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


def _verdict(report: AuditReport, say: Voice) -> str:
    if report.ok:
        count = len(report.entries)
        passed = say(Sentence("audit.passed", "Cross-check passed."))
        body = say(
            Sentence(
                "audit.passed-html",
                "All {count} journal entries match the Temporal event history, and the hash chain is intact.",
                "All {count} journal entries match the Temporal event history, and the hash chain is intact.",
                count=count,
            )
        )
        return f'<section id="verdict" class="verdict ok"><strong>{_e(passed)}</strong> {_e(body)}</section>'
    count = len(report.findings)
    mismatch = say(
        Sentence(
            "audit.mismatch", "MISMATCH: {count} finding(s).", "MISMATCH: {count} finding(s).", count=count
        )
    )
    body = say(
        Sentence(
            "audit.mismatch-body",
            "The trail below does not fully match the Temporal event history or its own hash chain.",
        )
    )
    # The findings are the report's data (stored in English): said as recorded.
    items = "".join(f"<li>{_e(f)}</li>" for f in report.findings)
    return (
        f'<section id="verdict" class="verdict fail"><strong>{_e(mismatch)}</strong> '
        f"{_e(body)}<ul>{items}</ul></section>"
    )


def _columns(say: Voice, columns: tuple[Sentence, ...]) -> str:
    return "<tr>" + "".join(f"<th>{_e(say(c))}</th>" for c in columns) + "</tr>"


def _facts(report: AuditReport, say: Voice) -> str:
    rows = "".join(
        f'<dt>{_e(f.label)}</dt><dd id="fact-{f.key}">{_e(f.value)}</dd>' for f in facts(report, say)
    )
    return f'<section id="facts"><h2>{_e(say(COALITION))}</h2><dl class="facts">{rows}</dl></section>'


def _runs(report: AuditReport, say: Voice) -> str:
    rows = "".join(
        f"<tr><td>{r.index}</td><td><code>{_e(r.run_id)}</code></td>"
        f"<td>{_e(when(r.started_at))}</td><td>{_e(when(r.closed_at))}</td>"
        f"<td>{_e(r.status)}</td><td>{r.events}</td></tr>"
        for r in report.runs
    )
    explained = say(
        Sentence(
            "audit.runs-explained",
            "Continue-as-new starts a new run with the journal so far; the trail reads them as one.",
        )
    )
    return (
        f'<section id="runs"><h2>{_e(say(RUNS))}</h2><p class="muted">{_e(explained)}</p>'
        f"<table>{_columns(say, RUN_COLUMNS)}{rows}</table></section>"
    )


def _refusals(report: AuditReport, say: Voice) -> str:
    r = report.refusals
    log = f"<code>{_e(r.log)}</code>"
    if not r.available:
        # A sentence with markup in it: its values escaped and put in, the sentence itself
        # not escaped again (the catalogs' text is ours, and English has always been raw).
        no_log = Sentence(
            "audit.no-refusal-log-html",
            "No refusal log at {log}: refused attempts are not known here. "
            "(They never reach the workflow history.)",
            log=log,
        )
        body = f"<p>{say(no_log)}</p>"
    else:
        rows = "".join(
            f"<tr><td>{_e(when(i.at))}</td><td>{_e(i.trigger)}</td>"
            f"<td>{_e(i.actor_id)} ({_e(i.actor_role)}"
            f"{', ' + _e(i.actor_organisation) if i.actor_organisation else ''})</td>"
            f"<td>{_e(i.source)}</td><td>{'<br>'.join(_e(x) for x in i.reasons)}</td></tr>"
            for i in r.items
        )
        said = say(
            Sentence(
                "audit.refusals-html",
                "{count} refused attempt(s), as logged by the CLI and API at {log}. Refusals "
                "change nothing and leave no event in the workflow history.",
                "{count} refused attempt(s), as logged by the CLI and API at {log}. Refusals "
                "change nothing and leave no event in the workflow history.",
                count=r.count,
                log=log,
            )
        )
        # The count opens the sentence in both languages (a number, for the plural form):
        # marked up where it stands.
        said = said.replace(str(r.count), f'<span id="refusal-count">{r.count}</span>', 1)
        table = f"<table>{_columns(say, REFUSAL_COLUMNS)}{rows}</table>" if r.items else ""
        body = f"<p>{said}</p>{table}"
    return f'<section id="refusals"><h2>{_e(say(REFUSALS))}</h2>{body}</section>'


def _notes(report: AuditReport, say: Voice) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    return f'<section id="notes"><h2>{_e(say(NOTES))}</h2><ul>{items}</ul></section>'


def _guards(row: TrailRow, say: Voice) -> str:
    held = _e(say(Sentence("audit.guard-held", "held")))
    cells = []
    for index, g in enumerate(row.guards):
        description, detail = say.guard(row, index)
        if g.held:
            verdict = f'<td class="held">{held}</td></tr>'
        else:
            not_held = say(Sentence("audit.guard-not-held", "NOT held: {reason}", reason=detail or ""))
            verdict = f'<td class="not-held">{_e(not_held)}</td></tr>'
        cells.append(f"<tr><td><code>{_e(g.name)}</code></td><td>{_e(description)}</td>{verdict}")
    return f'<table class="guards">{_columns(say, GUARD_COLUMNS)}{"".join(cells)}</table>'


def _entry(report: AuditReport, row: TrailRow, say: Voice) -> str:
    e, event = row.entry, row.entry.event
    problems = report.findings_for(e.seq)
    classes = f"entry kind-{row.kind}" + (" problem" if problems else "")
    where = say(Sentence("audit.where", "round {round}, side {side}", round=e.round, side=e.side))
    seen = shown(row, say)
    facts = [
        (Sentence("audit.row-when", "when"), seen.at),
        (Sentence("audit.row-who", "who"), seen.actor),
        (Sentence("audit.row-where", "where"), where),
        (Sentence("audit.row-why", "why"), event.reason or "-"),
        (Sentence("audit.row-history", "history"), seen.source),
    ]
    parts = [
        f'<article class="{classes}" id="entry-{e.seq}">',
        # The trigger's code name stays: it is what the API, the CLI and the journal name.
        f'<h3>#{e.seq} {_e(event.trigger)}<span class="badge">{_e(say(KINDS[row.kind]))}</span>'
        f'<span class="badge">{_e(seen.move)}</span></h3>',
        f'<p class="words">{_e(say.words(row))}</p>',
        *[f'<p class="corrected">{_e(line)}</p>' for line in seen.corrected_by],
        "<table>",
        *[f"<tr><th>{_e(say(label))}</th><td>{_e(value)}</td></tr>" for label, value in facts],
        "</table>",
    ]
    if row.guards:
        parts.append(_guards(row, say))
    if seen.payload_lines:
        pairs = "; ".join(_e(x) for x in seen.payload_lines)
        recorded = say(Sentence("audit.recorded", "Recorded: {pairs}", pairs=pairs))
        parts.append(f'<p class="muted">{recorded}</p>')
    if problems:
        parts.append(
            '<ul class="problems">' + "".join(f"<li>{_e(p.message)}</li>" for p in problems) + "</ul>"
        )
    own, previous_hash = _e(e.hash), _e(e.prev_hash)
    hashes = say(Sentence("audit.hashes", "hash {hash}", hash=own))
    previous = say(Sentence("audit.previous-hash", "prev {hash}", hash=previous_hash))
    parts.append(f'<p class="hash">{hashes}<br>{previous}</p></article>')
    return "".join(parts)


def render(report: AuditReport, language: str = SOURCE_LANGUAGE) -> str:
    say = Voice(report, language)
    name = report.coalition.name
    entries = "\n".join(_entry(report, row, say) for row in report.entries)
    title = say(Sentence("audit.title", "Audit trail: {name}", name=_e(name)))
    marked = f'<span id="coalition-name">{_e(name)}</span>'
    heading = say(Sentence("audit.title", "Audit trail: {name}", name=marked))
    generated = say(
        Sentence(
            "audit.generated",
            "{id} · generated {at} by {generator} from the Temporal event history "
            "and the coalition's journal",
            id=_e(report.coalition.id),
            at=_e(when(report.generated_at)),
            generator=_e(report.generator),
        )
    )
    trail = say(TRAIL)
    genesis, command = (
        f"<code>{_e(report.chain.genesis)}</code>",
        "<code>lemniscate audit --verify FILE</code>",
    )
    footer = say(
        Sentence(
            "audit.footer-html",
            "Each entry's hash is sha256 over its canonical JSON, chained from the previous "
            "entry's; the chain starts from {genesis}. Check this page with {command}.",
            genesis=genesis,
            command=command,
        )
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_e(language)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<header><h1>{heading}</h1>",
            f'<p class="sub">{generated}</p></header>',
            _verdict(report, say),
            _facts(report, say),
            _runs(report, say),
            _refusals(report, say),
            _notes(report, say),
            f'<section id="trail"><h2>{_e(trail)}</h2>\n{entries}\n</section>',
            f'<footer class="muted"><p>{footer}</p></footer>',
            f'<script type="application/json" id="{DATA_ELEMENT_ID}">{embedded_json(report)}</script>',
            "</body></html>",
            "",
        ]
    )
