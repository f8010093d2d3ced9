"""What a reader may see of a coalition: the one read model every surface goes through.

Pure. `for_reader` blanks another organisation's confidential records in the coalition;
`journal_for_reader` blanks the same records in the journal's payloads. The service applies
both to every read (the API, the dashboard, the CLI and the audit all read through it), so
a confidential field is withheld here or nowhere. Who is a confidant is `states.policy`'s
answer (`sees_confidential`); what is confidential, and why, is in `docs/access.md`.

A blanked journal entry no longer matches its hash: it is marked `redacted` and carries no
`hash` (its `prev_hash` stays, so the entries around it still link). Verifying the chain is
for those who read the whole journal: coordinators and auditors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lemniscate.models.coalition import Coalition, InterviewAnswers, Partner
from lemniscate.models.corrections import Correction, CorrectionKind
from lemniscate.models.events import Actor
from lemniscate.models.journal import JournalEntry, ReadEntry
from lemniscate.models.outbound import OutboundEvent
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.states.names import START, TriggerName

REDACTED = Sentence("redaction.confidential", "[confidential]")
"""What stands where a confidential text was: a valid text, so every record stays valid."""

_HIDDEN_ANSWERS = InterviewAnswers.model_validate({name: REDACTED for name in InterviewAnswers.model_fields})


@dataclass(frozen=True)
class _Rule:
    """Which payload key names whose record it is, and which paths in it are confidential.
    `reason`: the event's reason is blanked too (it is written about the same conversation)."""

    owner: str
    paths: tuple[tuple[str, ...], ...]
    reason: bool = True
    when: str | None = None  # only for a payload that carries this key (one kind of a trigger)


_RULES: dict[str, _Rule] = {
    TriggerName.record_interview: _Rule("partner", (("answers",),)),
    TriggerName.mark_not_reached: _Rule("partner", (("reason",),)),
    TriggerName.record_constituency_support: _Rule("partner", (("support", "note"),)),
    TriggerName.add_partner: _Rule("name", (("email",),), reason=False),
    # A correction of an interview: the answers given anew, and why the old ones were wrong.
    TriggerName.correct_record: _Rule("record", (("interview", "answers"), ("reason",)), when="interview"),
}
# Triggers whose payload starts a coalition with its partners (`AddPartner` each): their
# e-mail addresses, under `partners` (start) or `region.partners` (spawn_region).
_PARTNER_LISTS: dict[str, tuple[str, ...]] = {START: (), TriggerName.spawn_region: ("region",)}


def confidential_triggers() -> frozenset[str]:
    """Every trigger whose journal payload `journal_for_reader` may blank (for tests/docs)."""
    return frozenset({*_RULES, *_PARTNER_LISTS})


# The coalition -------------------------------------------------------------------------------


def _partner_for(partner: Partner, reader: Actor) -> Partner:
    if policy.sees_confidential(reader, partner.name):
        return partner
    update: dict[str, Any] = {"email": None}  # personal data, only for its reminders
    if partner.interview is not None:
        # That an interview was held, when and by whom stays: the guards and others' plans
        # rest on it. What the partner said is between it and the coordinator.
        update["interview"] = partner.interview.model_copy(update={"answers": _HIDDEN_ANSWERS})
    if partner.not_reached_reason is not None:
        update["not_reached_reason"] = REDACTED
    if partner.constituency is not None and partner.constituency.note is not None:
        update["constituency"] = partner.constituency.model_copy(update={"note": REDACTED})
    return partner.model_copy(update=update)


def _correction_for(correction: Correction, reader: Actor) -> Correction:
    # A corrected interview answer is as confidential as the answer, and so is why.
    if correction.kind != CorrectionKind.interview or policy.sees_confidential(reader, correction.record):
        return correction
    if not correction.field.startswith("answers."):
        return correction.model_copy(update={"reason": REDACTED})
    return correction.model_copy(update={"old": REDACTED, "new": REDACTED, "reason": REDACTED})


def for_reader(coalition: Coalition, reader: Actor) -> Coalition:
    """The coalition as `reader` may see it: another organisation's confidential records
    blanked (the coalition itself unchanged for a confidant)."""
    if reader.role in policy.CONFIDANTS:
        return coalition
    return coalition.model_copy(
        update={
            "partners": [_partner_for(p, reader) for p in coalition.partners],
            "corrections": [_correction_for(x, reader) for x in coalition.corrections],
        }
    )


# The journal ---------------------------------------------------------------------------------


def _blank(payload: Mapping[str, Any], path: tuple[str, ...]) -> tuple[dict[str, Any], bool]:
    """`payload` with the value at `path` replaced by REDACTED, and whether there was one."""
    copy = dict(payload)
    head, *rest = path
    if head not in copy or copy[head] is None:
        return copy, False
    if not rest:
        copy[head] = REDACTED
        return copy, True
    inner = copy[head]
    if not isinstance(inner, Mapping):
        return copy, False
    copy[head], changed = _blank(inner, tuple(rest))
    return copy, changed


def _blank_partner_list(
    payload: Mapping[str, Any], at: tuple[str, ...], reader: Actor
) -> tuple[dict[str, Any], bool]:
    copy = dict(payload)
    if at:
        inner = copy.get(at[0])
        if not isinstance(inner, Mapping):
            return copy, False
        copy[at[0]], changed = _blank_partner_list(inner, at[1:], reader)
        return copy, changed
    partners = copy.get("partners")
    if not isinstance(partners, list):
        return copy, False
    blanked, changed = [], False
    for partner in partners:
        name = partner.get("name") if isinstance(partner, Mapping) else None
        if (
            isinstance(partner, Mapping)
            and isinstance(name, str)
            and not policy.sees_confidential(reader, name)
        ):
            partner, hidden = _blank(partner, ("email",))
            changed = changed or hidden
        blanked.append(partner)
    copy["partners"] = blanked
    return copy, changed


def _payload_for(
    trigger: str, payload: Mapping[str, Any], reader: Actor
) -> tuple[dict[str, Any], bool, bool]:
    """The payload as `reader` may see it, whether anything was blanked, and whether the
    event's reason must be blanked too."""
    if trigger in _PARTNER_LISTS:
        blanked, changed = _blank_partner_list(payload, _PARTNER_LISTS[trigger], reader)
        return blanked, changed, False
    rule = _RULES.get(trigger)
    if rule is not None and rule.when is not None and payload.get(rule.when) is None:
        rule = None
    owner = payload.get(rule.owner) if rule else None
    if rule is None or (isinstance(owner, str) and policy.sees_confidential(reader, owner)):
        return dict(payload), False, False
    # An owner that is not a name (it cannot be, for a recorded payload) is nobody's to see.
    blanked, changed = dict(payload), False
    for path in rule.paths:
        blanked, hidden = _blank(blanked, path)
        changed = changed or hidden
    return blanked, changed, rule.reason


def entry_for_reader(entry: JournalEntry, reader: Actor) -> JournalEntry:
    """One entry as `reader` may see it: itself, or a `ReadEntry` marked `redacted`."""
    if reader.role in policy.CONFIDANTS:
        return entry
    payload, changed, reason = _payload_for(entry.event.trigger, entry.event.payload, reader)
    if not changed:
        return entry
    update: dict[str, Any] = {"payload": payload}
    if reason and entry.event.reason is not None:
        update["reason"] = REDACTED
    event = entry.event.model_copy(update=update)
    return ReadEntry.model_construct(**{**dict(entry), "event": event, "hash": None, "redacted": True})


def journal_for_reader(entries: Sequence[JournalEntry], reader: Actor) -> list[JournalEntry]:
    """The journal as `reader` may see it, in order, every entry still there."""
    return [entry_for_reader(e, reader) for e in entries]


# Outbound events --------------------------------------------------------------------------


def event_for_subscriber(event: OutboundEvent) -> OutboundEvent:
    """An event as a webhook subscriber may receive it. A subscriber is a system of the office
    (an integration) or a coordinator's feed, and no confidant: a transition carries no
    payload at all (the trigger, the states and the actor), and a follow-up its message
    (names, dates, action titles) and its recipients' names, but not their addresses."""
    if event.follow_up is None or "addresses" not in event.follow_up:
        return event
    follow_up = {k: v for k, v in event.follow_up.items() if k != "addresses"}
    return event.model_copy(update={"follow_up": follow_up})
