"""Plain-text views for the terminal. Every function returns a string; nothing prints."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

from lemniscate.cli.closing_text import report_lines
from lemniscate.cli.speech import say
from lemniscate.coalitions import PortfolioRow
from lemniscate.models.bulk import BulkProgress
from lemniscate.models.journal import JournalEntry
from lemniscate.models.playbook import Playbook
from lemniscate.models.sentence import Sentence
from lemniscate.states.adoption import Impact
from lemniscate.states.closing_report import closing_report
from lemniscate.states.describe import method_description
from lemniscate.states.playbook_diff import impact_lines
from lemniscate.states.words import state_word, trigger_word
from lemniscate.workflows.io import Accepted, CoalitionView


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _yes(flag: bool) -> str:
    return say(Sentence("cli.yes", "yes") if flag else Sentence("cli.no", "no"))


# Each column's heading, said once for every table that has the column.
_COLUMNS: Final = {
    "name": Sentence("cli.col-name", "name"),
    "interviewed": Sentence("cli.col-interviewed", "interviewed"),
    "role": Sentence("cli.col-role", "role"),
    "committed": Sentence("cli.col-committed", "committed"),
    "id": Sentence("cli.col-id", "id"),
    "title": Sentence("cli.col-title", "title"),
    "owner": Sentence("cli.col-owner", "owner"),
    "funding": Sentence("cli.col-funding", "funding"),
    "due": Sentence("cli.col-due", "due"),
    "status": Sentence("cli.col-status", "status"),
    "state": Sentence("cli.col-state", "state"),
    "round": Sentence("cli.col-round", "round"),
    "side": Sentence("cli.col-side", "side"),
    "programme": Sentence("cli.col-programme", "programme"),
    "at-risk": Sentence("cli.col-at-risk", "at risk"),
    "next": Sentence("cli.col-next", "next follow-up"),
}


def _headers(*columns: str) -> list[str]:
    return [say(_COLUMNS[column]) for column in columns]


def coalition(view: CoalitionView) -> str:
    c, o, s = view.coalition, view.overview, view.status
    programme = say(Sentence("cli.programme", "  [programme {programme}]", programme=c.task.programme or ""))
    step = say(Sentence("cli.step", ", step {step}", step=o.step or 0))
    risk = say(Sentence("cli.at-risk", "   AT RISK (night candle)"))
    out = [
        f"{c.name} ({c.id})",
        say(Sentence("cli.task", "  task       {title}", title=c.task.title))
        + (programme if c.task.programme else ""),
        say(Sentence("cli.state", "  state      {state}: {title}", state=state_word(o.state), title=o.title)),
        say(
            Sentence(
                "cli.where", "  where      round {round}, side {side}", round=o.round.value, side=o.side.value
            )
        )
        + (step if o.step else ""),
        say(
            Sentence(
                "cli.track",
                "  track      {track}   founded {founded}   playbook {playbook}",
                track=o.track or "-",
                founded=_yes(o.founded),
                playbook=o.playbook,
            )
        ),
        say(
            Sentence(
                "cli.activity",
                "  activity   last {last}   next follow-up {next}",
                last=_when(s.last_activity_at),
                next=_when(s.next_follow_up_at),
            )
        )
        + (risk if s.at_risk else ""),
    ]
    if c.parent:
        out.append(
            say(
                Sentence(
                    "cli.national",
                    "  national   {parent} (this is one of its regional alliances)",
                    parent=c.parent,
                )
            )
        )
    if c.regions:
        out.append(say(Sentence("cli.regions", "  regions    {regions}", regions=", ".join(c.regions))))
    if c.signals:
        out += ["", say(Sentence("cli.signals", "Signals from the regions"))]
        out += [f"  {s.kind.value:<11} {s.region}: {s.description}" for s in c.signals]
    if c.partners:
        rows = [
            [
                p.name,
                say(Sentence("cli.not-reached", "not reached"))
                if p.not_reached_reason and not p.interview
                else _yes(p.interview is not None),
                p.placement.role if p.placement else "-",
                _yes(p.committed),
            ]
            for p in c.partners
        ]
        header = _headers("name", "interviewed", "role", "committed")
        out += ["", say(Sentence("cli.partners", "Partners")), _table(header, rows)]
    ended = closing_report(c)  # the view is the reader's: redacted for it already
    open_actions = [a for a in c.actions if a.is_open]
    if ended is not None:  # an ended coalition has no open actions: its report says what became of them
        out += report_lines(ended)
    elif open_actions:
        unassigned = say(Sentence("cli.unassigned", "unassigned"))
        rows = [
            [
                a.id,
                a.title,
                a.owner or (unassigned if a.explicitly_unassigned else "?"),
                a.funding.value if a.funding else "?",
                str(a.due_on or "-"),
                a.status.value,
            ]
            for a in open_actions
        ]
        header = _headers("id", "title", "owner", "funding", "due", "status")
        out += ["", say(Sentence("cli.open-actions", "Open actions")), _table(header, rows)]
    steps = [t for t in o.triggers if t.available_here and t.trigger in _STEP_TRIGGERS]
    if steps:
        out += ["", say(Sentence("cli.next-steps", "Next steps"))]
        ready, blocked = say(Sentence("cli.ready", "ready  ")), say(Sentence("cli.blocked", "blocked"))
        for t in steps:
            out.append(
                f"  {ready if t.allowed else blocked}  {say(trigger_word(t.trigger))}: {say(t.summary)}"
            )
            out += [f"             - {say(b)}" for b in t.blockers]
    records = [
        t.trigger for t in o.triggers if t.available_here and t.allowed and t.trigger not in _STEP_TRIGGERS
    ]
    if records:
        # In the person's words, with the id `lemniscate do` takes where the two differ.
        named = [word if (word := say(trigger_word(r))) == r else f"{word} ({r})" for r in records]
        out += ["", say(Sentence("cli.records", "Records you can add here")), "  " + ", ".join(named)]
    if o.warnings:
        out += ["", say(Sentence("cli.warnings", "Warnings")), *[f"  ! {say(w)}" for w in o.warnings]]
    if view.refused_signals:
        out += [
            "",
            say(Sentence("cli.refused-signals", "Refused signals")),
            *[f"  x {r}" for r in view.refused_signals],
        ]
    return "\n".join(out)


_STEP_TRIGGERS = {t["name"] for t in method_description()["triggers"] if t["kind"] == "step"}


def accepted(reply: Accepted) -> str:
    made = f" -> {reply.created}" if reply.created else ""  # what it created: add_action -> A3
    line = Sentence(
        "cli.accepted",
        "accepted: {trigger}{made} (#{seq}); now in {state} (round {round}, side {side})",
        trigger=trigger_word(reply.trigger),
        made=made,
        seq=reply.seq,
        state=state_word(reply.state),
        round=reply.round,
        side=reply.side,
    )
    return "\n".join([say(line), *[f"  ! {say(w)}" for w in reply.warnings]])


def refused(trigger: str, reasons: list[str]) -> str:
    head = say(Sentence("cli.refused", "refused: {trigger}", trigger=trigger))
    return "\n".join([head, *[f"  - {say(r)}" for r in reasons]])


def history(entries: list[JournalEntry], full: bool = False) -> str:
    lines = []
    for e in entries:
        moved = e.to_state if e.from_state in (None, e.to_state) else f"{e.from_state} -> {e.to_state}"
        line = (
            f"#{e.seq:<4} {_when(e.event.at)}  {e.event.trigger:<28} by {e.event.actor}"
            f"  [{moved}; round {e.round}, {e.side}]"
        )
        if e.event.reason:
            line += "\n       " + say(Sentence("cli.why", "why: {reason}", reason=e.event.reason))
        if full and e.event.payload:
            line += "\n       " + json.dumps(e.event.payload, ensure_ascii=False, default=str)
        lines.append(line)
    return "\n".join(lines) or say(Sentence("cli.no-entries", "(no entries)"))


def portfolio(rows: list[PortfolioRow]) -> str:
    if not rows:
        return say(Sentence("cli.no-match", "(no coalitions match)"))
    table = [
        [
            r.id,
            r.state or "-",
            r.round or "-",
            r.side or "-",
            r.programme or "-",
            _yes(True) if r.at_risk else "",
            _when(r.next_follow_up_at),
            r.status,
        ]
        for r in rows
    ]
    header = _headers("id", "state", "round", "side", "programme", "at-risk", "next", "status")
    return _table(header, table)


def method_text() -> str:
    description: dict[str, Any] = method_description()
    out = ["States (round, side, step)"]
    out += [
        f"  {s['id']:<26} round {s['round']:<10} {s['side']:<4} "
        f"{s['step'] if s['step'] else '-':<3} {s['title']}"
        for s in description["states"]
    ]
    out += ["", "Steps (trigger: from -> to, guards that must hold)"]
    for t in description["triggers"]:
        if t["kind"] != "step":
            continue
        out.append(f"  {t['name']}: {t['summary']}")
        for m in t["moves"]:
            when = f" when {', '.join(m['when'])}" if m["when"] else ""
            out.append(f"      {' | '.join(m['from'])} -> {m['to']}{when}")
            out += [f"        guard {g['name']}: {g['holds_when']}" for g in m["guards"]]
    out += ["", "Records (stay in the state; payload fields)"]
    for t in description["triggers"]:
        if t["kind"] != "record":
            continue
        fields = ", ".join(
            f"{name}{'' if name not in t['payload_schema'].get('required', []) else '*'}"
            for name in t["payload_schema"].get("properties", {})
        )
        who = " (partners too)" if t["partners_may_fire"] else ""
        out.append(f"  {t['name']}{who}: {fields or '-'}")
    out += [
        "",
        "* = required. `lemniscate method --json` gives the full JSON schema of every "
        "payload; `--mermaid` a diagram.",
    ]
    return "\n".join(out)


def bulk(progress: BulkProgress) -> str:
    total = "?" if progress.total is None else str(progress.total)
    lines = [
        f"bulk {progress.id}: {progress.trigger}  {progress.done}/{total} done"
        f"{'' if progress.finished else ' (running)'}",
        f"  accepted {progress.count('accepted')}   refused {progress.count('refused')}"
        f"   failed {progress.count('failed')}",
    ]
    for result in progress.results:
        if result.outcome != "accepted":
            lines.append(f"  {result.outcome:<8} {result.coalition_id}: " + " ".join(result.detail))
    return "\n".join(lines)


def playbook(found: Playbook) -> str:
    """A version's settings, every default spelt out, as a TOML document would name them."""
    lines = [f"{found.ref}  {found.content_hash}", found.description, ""]
    lines += [f"{key} = {value}" for key, value in _settings(found.model_dump(mode="json"))]
    return "\n".join(lines)


def _settings(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key in ("name", "version", "description") and not prefix:
            continue
        if isinstance(value, dict) and value:
            found += _settings(value, f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", json.dumps(value)))
    return found


def impact(found: list[Impact]) -> str:
    if not found:
        return "no running coalition follows an older version."
    return "\n".join(line for one in found for line in impact_lines(one))
