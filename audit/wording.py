"""Payloads in plain words: one sentence per trigger, for auditors who never read JSON.

Works on the payload as recorded (a JSON object), not on the parsed model: an old entry
must stay readable after a payload model changes. Any payload a sentence cannot be made of
(a field missing, a value of another shape) falls back to `key: value` pairs, never to an
error. The sentence is derived, not recorded: `audit.verify` derives it again to check an
export, so it must depend on the payload and the trigger only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lemniscate.models.sentence import Sentence
from lemniscate.states.corrections import corrected, kind_word
from lemniscate.states.names import TriggerName as T

Payload = Mapping[str, Any]
Wording = Callable[[Payload], str]


def _words(value: Any) -> str:
    """An enum-ish value for reading: 'needs_extra_funding' -> 'needs extra funding'."""
    return str(value).replace("_", " ")


def _list(values: Any) -> str:
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items) or "nobody"
    return ", ".join(items[:-1]) + " and " + items[-1]


def _opt(payload: Payload, key: str, template: str) -> str:
    """`template` with the value of `key`, or nothing when it is absent or empty."""
    value = payload.get(key)
    if value in (None, "", [], {}, False):
        return ""
    return template.format(value if not isinstance(value, list) else _list(value))


def _item(value: Any) -> str:
    if isinstance(value, Mapping):  # a list of records: each as (key: value, ...)
        return "(" + ", ".join(f"{k}: {_item(v)}" for k, v in value.items()) + ")"
    return str(value)


def key_values(payload: Payload) -> str:
    """The fallback: every field as `key: value`, nested objects flattened with dots."""
    pairs: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping) and value:
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            pairs.append(f"{prefix}: {', '.join(_item(v) for v in value) or '-'}")
        else:
            pairs.append(f"{prefix}: {value}")

    walk("", dict(payload))
    return "; ".join(pairs)


def _start(p: Payload) -> str:
    task = p.get("task") or {}
    partners = [q["name"] for q in p.get("partners", [])]
    return (
        f'Coalition {p["name"]} ({p["id"]}) was started on the task "{task["title"]}"'
        + _opt(task, "programme", " in programme {}")
        + f", initiated by {_list(p['initiators'])}, coordinated by {p['coordinator']}"
        + (f", with prospective partners {_list(partners)}" if partners else "")
        + f" (playbook {p.get('playbook', 'default')})."
    )


def _interview(p: Payload) -> str:
    return f"{p['partner']} was interviewed on {p['held_on']} by {p['interviewer']}."


def _plan_meeting(p: Payload) -> str:
    return (
        f"A {_words(p['kind'])} meeting was planned for {p['on']}"
        + _opt(p, "invitees", ", inviting {}")
        + _opt(p, "inviters", ", invited by {}")
        + _opt(p, "chair", ", chaired by {}")
        + (" (independent chair)" if p.get("independent_chair") else "")
        + (f", with {_words(p['pre_information'])} sent beforehand" if p.get("pre_information") else "")
        + "."
    )


def _outcome(p: Payload) -> str:
    o = p["outcome"]
    return (
        f"Outcome of meeting {p['meeting']}: attended by {_list(o['attended'])}"
        + (f"; commitment {o['commitment']}" if o.get("commitment") else "")
        + (f"; next product {_words(o['next_product'])}" if o.get("next_product") else "")
        + _opt(o, "next_meeting_on", "; next meeting on {}")
        + (f"; statements by {_list(o['statements'])}" if o.get("statements") else "")
        + "."
    )


def _add_action(p: Payload) -> str:
    owner = (
        f"owned by {p['owner']}"
        if p.get("owner")
        else "explicitly unassigned"
        if p.get("explicitly_unassigned")
        else "without an owner yet"
    )
    funding = f", {_words(p['funding'])}" if p.get("funding") else ", no funding class yet"
    return (
        f'Action "{p["title"]}" was added, {owner}{funding}'
        + _opt(p, "funding_source", " ({})")
        + _opt(p, "due_on", ", due on {}")
        + "."
    )


def _update_action(p: Payload) -> str:
    if p.get("cancel"):
        return f"Action {p['action']} was cancelled."
    changes = [
        f"{_words(k)} {_words(v)}" for k, v in p.items() if k not in ("action", "cancel") and v is not None
    ]
    return f"Action {p['action']} was changed: {', '.join(changes) or 'nothing'}."


def _correction(p: Payload) -> str:
    """Which fact was corrected, its fields as given anew, and why. An interview's answers
    are named, not quoted (as `_interview` quotes none)."""
    which = corrected(p)
    if which is None:
        raise KeyError("record")
    kind, record = which
    given = key_values(p[kind]).split("; ")
    fields = [pair.split(": ", 1)[0] for pair in given] if kind == "interview" else given
    return Sentence(
        "audit.words-correct-record",
        "The {kind} {record} was corrected ({fields}), because: {reason}",
        kind=kind_word(kind),
        record=record,
        fields="; ".join(fields),
        reason=str(p["reason"]),
    )


def _place(p: Payload) -> str:
    q = p["placement"]
    return (
        f"{p['partner']} was placed as {q['role']}: execution power {q['execution_power']}, "
        f"interest {q['interest']}, influence {q['influence']}."
    )


def _support(p: Payload) -> str:
    s = p["support"]
    backing = [
        who
        for who, key in (
            ("managers", "managers"),
            ("legal staff", "legal_staff"),
            ("executives", "executives"),
        )
        if s[key]
    ]
    return (
        f"{p['partner']}'s constituency support was recorded: "
        + (f"backed by its {_list(backing)}" if backing else "not backed yet")
        + "."
    )


_SENTENCES: dict[str, Wording] = {
    "start": _start,
    T.record_intent: lambda p: f'The initiator\'s intent was recorded: "{p["intent"]}"',
    T.add_partner: lambda p: (
        f"{p['name']} was added as a prospective partner"
        + (f" ({_words(p['kind'])})" if p.get("kind") else "")
        + _opt(p, "representative", ", represented by {}")
        + "."
    ),
    T.record_interview: _interview,
    T.mark_not_reached: lambda p: f"{p['partner']} was marked not reached: {p['reason']}",
    T.update_agenda: lambda p: (
        f"{p['partner']}'s agenda was declared: "
        + "; ".join(f"{_words(i['kind'])} on {i['on']} ({i['description']})" for i in p["agenda"])
        + "."
    ),
    T.map_topic: lambda p: f'Domain topic "{p["topic"]}" matters to {_list(p["partners"])}.',
    T.place_partner: _place,
    T.sketch_collaboration: lambda p: f'The collaboration was sketched: "{p["sketch"]}"',
    T.plan_meeting: _plan_meeting,
    T.reschedule_meeting: lambda p: f"Meeting {p['meeting']} was moved to {p['on']}.",
    T.record_meeting_outcome: _outcome,
    T.record_vision: lambda p: (
        f'The shared vision was recorded: "{p["vision"]}"'
        + _opt(p, "goals", "; goals: {}")
        + (
            f"; working forms: {_list(_words(w) for w in p['working_forms'])}"
            if p.get("working_forms")
            else ""
        )
    ),
    T.add_option: lambda p: f'A {p["kind"]} option was added: "{p["title"]}".',
    T.remove_option: lambda p: f"Option {p['option']} was removed.",
    T.choose_collaboration_model: lambda p: (
        f"The collaboration is organised as {_words(p['model'])}" + _opt(p, "description", ": {}") + "."
    ),
    T.add_action: _add_action,
    T.update_action: _update_action,
    T.record_basic_agreements: lambda p: (
        f'Basic agreements were recorded: funding "'
        f'{p["funding"]}"; progress monitoring "'
        f'{p["progress_monitoring"]}".'
    ),
    T.sign_founding_basis: lambda p: (
        f"A {_words(p['kind'])} was signed on {p['signed_on']} by "
        f"{_list(p['signatories'])}" + _opt(p, "reference", " (reference {})") + "."
    ),
    T.commit: lambda p: f"{p['partner']} committed to the coalition" + _opt(p, "statement", ': "{}"') + ".",
    T.report_progress: lambda p: (
        f"Progress on action {p['action']}: {_words(p['status'])}" + _opt(p, "note", " ({})") + "."
    ),
    T.pick_up_action: lambda p: f"{p['partner']} picked up action {p['action']}.",
    T.record_funder: lambda p: (
        f"{p['name']} funds the coalition: {p['contribution']}" + _opt(p, "actions", " (actions {})") + "."
    ),
    T.open_accountability_item: lambda p: (
        f"An accountability item was opened for action {p['action']}, past its due date undone."
    ),
    T.record_monitoring_report: lambda p: f'A monitoring report was recorded: "{p["summary"]}"',
    T.record_decision: lambda p: (
        f'Decision: "{p["decision"]}", resting on '
        f"{_list(p['rests_on'])}" + _opt(p, "resolves", "; settles {}") + "."
    ),
    T.build_message_house: lambda p: (
        f"The message house was built by "
        f'{_list(p["message_house"]["contributors"])}: "'
        f'{p["message_house"]["umbrella_story"]}"'
    ),
    T.choose_positioning: lambda p: (
        f"Positioning {p['positioning']['choice']} was chosen; "
        f"{p['positioning']['spokesperson']} speaks for the "
        f"alliance."
    ),
    T.record_constituency_support: _support,
    T.publish_toolkit: lambda p: f"A toolkit was published: {_list(p['items'])}.",
    T.join_communication_coalition: lambda p: (
        f"{p['advisor']} joined the communication coalition for {p['partner']}."
    ),
    T.record_signal: lambda p: f"A {p['kind']} was signalled from {p['region']}: {p['description']}",
    T.transform: lambda p: f'The coalition reorients to a new task: "{p["new_task"]["title"]}".',
    T.start_closing: lambda p: f"Closing began: {p['reason']}",
    T.credit_partner: lambda p: f"{p['partner']} was credited: {p['contribution']}",
    T.close: lambda p: f"The coalition was closed: {p['summary']}",
    T.dissolve: lambda p: f"The coalition was dissolved: {p['reason']}",
    T.correct_record: _correction,
}


def _tidy(text: str) -> str:
    # Quoted text often ends in its own full stop: 'commits to the plan.".' reads badly.
    for doubled, single in (('.".', '."'), ("..", ".")):
        if text.endswith(doubled):
            return text[: -len(doubled)] + single
    return text


def sentence(trigger: str, payload: Payload, summary: str | None = None) -> str:
    """One readable sentence for what `trigger` recorded with `payload`.

    Steps without a payload read as their summary (`summary`, from the method's table);
    unknown triggers and odd payloads as `key: value` pairs."""
    make = _SENTENCES.get(trigger)
    if make is not None:
        try:
            return _tidy(make(payload))
        except (KeyError, TypeError, AttributeError, IndexError):
            pass  # a payload of an older or odder shape: the plain pairs below still say it
    if payload:
        return key_values(payload)
    return summary or f"{trigger.replace('_', ' ')}."
