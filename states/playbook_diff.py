"""Two playbook versions compared, and an impact said, in sentences a coordinator reads."""

from __future__ import annotations

from typing import Any

from lemniscate.models.playbook import Playbook
from lemniscate.models.sentence import Sentence
from lemniscate.states.adoption import Impact
from lemniscate.states.words import trigger_word


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every setting by its dotted path, as a document names it (`follow_up.inactivity`)."""
    if isinstance(value, dict):  # an empty table sets nothing: its entries are "not set"
        found: dict[str, Any] = {}
        for key, item in value.items():
            found |= _flat(item, f"{prefix}{key}.")
        return found
    return {prefix.rstrip("."): value}


def _said(value: Any) -> str:
    if value is None:
        return Sentence("diff.unset", "(not set)")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or Sentence("diff.none", "(none)")
    return str(value)


def diff(old: Playbook, new: Playbook) -> list[str]:
    """One sentence per setting that differs, in the document's order; name and version,
    which always differ, are left out."""
    before = _flat(old.model_dump(mode="json", exclude={"name", "version"}))
    after = _flat(new.model_dump(mode="json", exclude={"name", "version"}))
    paths = [*after, *(p for p in before if p not in after)]
    return [
        Sentence(
            "diff.setting",
            "{setting}: {before} -> {after}",
            setting=path,
            before=_said(before.get(path)),
            after=_said(after.get(path)),
        )
        for path in paths
        if before.get(path) != after.get(path)
    ]


def impact_lines(impact: Impact) -> list[str]:
    """What adopting would change for one coalition, a sentence a line."""
    lines: list[str] = [
        Sentence(
            "impact.coalition",
            "{coalition} ({playbook} -> {to}):",
            coalition=impact.coalition,
            playbook=impact.playbook,
            to=impact.to,
        )
    ]
    for step in impact.newly_blocked:
        lines.append(
            Sentence(
                "impact.blocked",
                "  becomes blocked: {step}: {reasons}",
                step=trigger_word(step.trigger),
                reasons=" ".join(step.reasons),
            )
        )
    for step in impact.newly_met:
        lines.append(Sentence("impact.met", "  now allowed: {step}", step=trigger_word(step.trigger)))
    for reminder in impact.reminders:
        lines.append(
            Sentence(
                "impact.reminder",
                "  reminder {kind}: {before} -> {after}",
                kind=reminder.kind,
                before=_said(reminder.before and reminder.before.isoformat()),
                after=_said(reminder.after and reminder.after.isoformat()),
            )
        )
    for reason in impact.refused:
        lines.append(Sentence("impact.refused", "  adopting it is refused: {reason}", reason=reason))
    if not impact.changes:
        lines.append(Sentence("impact.nothing", "  nothing changes where it stands."))
    return lines
