"""The closing or dissolution report as lines of text, for `lemniscate show` of a coalition
that has ended (cli/render.py). Its words are the report's own (`states.closing_report`)."""

from __future__ import annotations

from lemniscate.cli.speech import say
from lemniscate.states.closing_report import OUTCOME_WORDS, WORDS, ActionLine, ActionOutcome, ClosingReport


def _word(key: str) -> str:
    return say(WORDS[key])


def _action(a: ActionLine) -> str:
    owner = f" ({a.owner})" if a.owner else ""
    line = f"  {a.id:<5} {say(OUTCOME_WORDS[a.outcome]):<16} {a.title}{owner}"
    if a.outcome == ActionOutcome.handed_over:
        line += f" -> {a.to}"
    return line + (f"\n          {a.note}" if a.note else "")


def report_lines(r: ClosingReport) -> list[str]:
    """The report as the lines `show` prints under the coalition's head."""
    reason = "closing_reason" if r.kind.value == "closing" else "dissolution_reason"
    out = ["", _word(r.kind.value)]
    out.append(f"  {_word('ended_on')}: {r.ended_on or _word('unknown')}")
    out.append(f"  {_word(reason)}: {r.reason or _word('unknown')}")
    if r.summary:
        out.append(f"  {_word('summary')}: {r.summary}")
    out.append(
        f"  {_word('initiators')}: {', '.join(r.initiators)}   {_word('coordinator')}: {r.coordinator}"
    )
    if r.kind.value == "closing":
        out += ["", _word("recognition")]
        for p in r.partners:
            out.append(f"  {p.name}: {p.contribution or _word('not_credited')}")
    else:
        out += ["", _word("involved")]
        for p in r.partners:
            if p.interviewed_on:
                met = f"{_word('col_interview')} {p.interviewed_on}"
            elif p.not_reached_reason:
                met = f"{_word('not_reached')}: {p.not_reached_reason}"
            else:
                met = _word("not_interviewed")
            committed = f"{_word('col_committed')}: {_word('yes' if p.committed else 'no')}"
            out.append(f"  {p.name}: {met}; {committed}")
    out += ["", _word("actions_done")]
    out += [_action(a) for a in r.actions_of(ActionOutcome.done)] or [f"  {_word('no_actions')}"]
    if r.kind.value == "closing":
        still = r.actions_of(ActionOutcome.handed_over) + r.actions_of(ActionOutcome.dropped)
        out += ["", _word("actions_open")]
        out += [_action(a) for a in still] or [f"  {_word('no_open_actions')}"]
    elif dropped := r.actions_of(ActionOutcome.dropped):  # dissolved: nobody carries them on
        out += ["", _word("actions_dropped"), *[_action(a) for a in dropped]]
    cancelled = r.actions_of(ActionOutcome.cancelled)
    if cancelled:
        out += ["", _word("actions_cancelled"), *[_action(a) for a in cancelled]]
    return out
