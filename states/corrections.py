"""`correct_record`: superseding a recorded fact, its check, its effect and whose it is.

A correction never erases: the entry that recorded the fact stays in the journal, and the
coalition keeps a `Correction` per field changed. Where the state rests on the fact (the
commitment at the exploration meeting picks the track; a partner's commitment counted at
founding) the check refuses once the coalition has moved past the decision it fed, and says
what to do instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lemniscate.models import payloads as p
from lemniscate.models.coalition import (
    Action,
    ActionStatus,
    Coalition,
    MeetingKind,
    MeetingOutcome,
    check_assignment,
)
from lemniscate.models.corrections import Correction, CorrectionKind
from lemniscate.models.events import Event
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.states.checks import field, unknown_organisations
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T
from lemniscate.states.words import state_word, trigger_word

K = CorrectionKind

KIND_WORDS: dict[str, Sentence] = {
    K.meeting_outcome: Sentence("correction-kind.meeting_outcome", "outcome of meeting"),
    K.interview: Sentence("correction-kind.interview", "interview of"),
    K.action: Sentence("correction-kind.action", "action"),
    K.commitment: Sentence("correction-kind.commitment", "commitment of"),
}


def kind_word(kind: object) -> str:
    return KIND_WORDS.get(str(kind), str(kind))


# The fact as recorded, and as corrected ---------------------------------------------------


def _flat(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested records as dotted fields (answers.drive), the way a correction names them."""
    flat: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Mapping) and name == "answers":
            flat.update(_flat(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _recorded(c: Coalition, kind: K, record: str) -> dict[str, Any] | None:
    """The fact's fields as recorded now (JSON values), or None when there is none."""
    if kind == K.meeting_outcome:
        meeting = c.meeting(record)
        return None if meeting is None or meeting.outcome is None else meeting.outcome.model_dump(mode="json")
    partner = c.partner(record)
    if kind == K.interview:
        return (
            None
            if partner is None or partner.interview is None
            else partner.interview.model_dump(mode="json")
        )
    if kind == K.commitment:
        if partner is None or not (partner.committed or partner.commitment_statement):
            return None
        return {"committed": partner.committed, "statement": partner.commitment_statement}
    action = c.action(record)
    return None if action is None else action.model_dump(mode="json")


def _given(x: p.CorrectRecord, kind: K) -> dict[str, Any]:
    part: Record = getattr(x, kind.value)
    return part.model_dump(mode="json", exclude_none=True)


def changes(c: Coalition, x: p.CorrectRecord) -> dict[str, tuple[Any, Any]]:
    """Each field the correction changes: (as recorded, as corrected), dotted names."""
    (kind,) = x.kinds()
    recorded = _recorded(c, kind, x.record) or {}
    old, new = _flat(recorded), _flat(_given(x, kind))
    return {name: (old.get(name), value) for name, value in new.items() if old.get(name) != value}


def _merged(recorded: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as corrected: an interview's answers one by one (as `_flat` names them),
    every other field whole (a meeting's statements are given anew as one)."""
    merged = {**recorded, **given}
    if isinstance(given.get("answers"), Mapping) and isinstance(recorded.get("answers"), Mapping):
        merged["answers"] = {**recorded["answers"], **given["answers"]}
    return merged


# The check ---------------------------------------------------------------------------------


def _no_record(kind: K, record: str) -> str:
    match kind:
        case K.meeting_outcome:
            reason = Sentence(
                "correction.no-outcome",
                "there is no recorded outcome of a meeting {record} to correct ({step} records one).",
                record=repr(record),
                step=trigger_word(T.record_meeting_outcome),
            )
        case K.interview:
            reason = Sentence(
                "correction.no-interview",
                "there is no recorded interview of a partner {record} to correct ({step} records one).",
                record=repr(record),
                step=trigger_word(T.record_interview),
            )
        case K.commitment:
            reason = Sentence(
                "correction.no-commitment",
                "there is no recorded commitment of a partner {record} to correct ({step} records one).",
                record=repr(record),
                step=trigger_word(T.commit),
            )
        case K.action:
            reason = Sentence(
                "correction.no-action", "there is no action {record} to correct.", record=repr(record)
            )
    return field("record", reason)


def _track_decided(c: Coalition, meeting_id: str) -> list[str]:
    """The commitment of an exploration meeting picks the track: corrected only while the
    coalition still stands at that decision (sharing interests, this pass's meeting)."""
    meeting = c.meeting(meeting_id)
    if meeting is None or meeting.kind != MeetingKind.exploration:
        return []
    if c.state == S.sharing_interests and meeting is c.exploration_meeting():
        return []
    reason = Sentence(
        "correction.track-decided",
        "the commitment recorded at {meeting} already decided the coalition's course when it left "
        "{state} ({forward} or {back}); it can no longer be corrected. To change course, plan a new "
        "meeting ({plan}) and record its outcome ({record}); the outcome's other fields can still be "
        "corrected.",
        meeting=meeting_id,
        state=state_word(S.sharing_interests),
        forward=trigger_word(T.elaborate_content),
        back=trigger_word(T.return_to_round_one),
        plan=trigger_word(T.plan_meeting),
        record=trigger_word(T.record_meeting_outcome),
    )
    return [field("meeting_outcome.commitment", reason)]


def _outcome(c: Coalition, x: p.CorrectRecord, changed: Mapping[str, Any]) -> list[str]:
    assert x.meeting_outcome is not None
    problems = [
        *unknown_organisations(c, x.meeting_outcome.attended or [], "meeting_outcome.attended"),
        *unknown_organisations(c, x.meeting_outcome.statements or {}, "meeting_outcome.statements"),
    ]
    if "commitment" in changed:
        problems += _track_decided(c, x.record)
    return problems


def _action_values(c: Coalition, x: p.CorrectRecord) -> dict[str, Any]:
    """The action's fields as corrected: naming an owner ends "explicitly unassigned", and
    marking it unassigned ends its owner, as `update_action` does."""
    given = _given(x, K.action)
    if given.get("owner"):
        given.setdefault("explicitly_unassigned", False)
    if given.get("explicitly_unassigned"):
        given.setdefault("owner", None)
    return _merged(_recorded(c, K.action, x.record) or {}, given)


def _action(c: Coalition, x: p.CorrectRecord) -> list[str]:
    assert x.action is not None
    problems = unknown_organisations(c, [x.action.owner] if x.action.owner else [], "action.owner")
    if x.action.status == ActionStatus.cancelled:
        reason = Sentence(
            "correction.not-cancel",
            "cancelling an action is a change of plan ({step}), not a correction.",
            step=trigger_word(T.update_action),
        )
        problems.append(field("action.status", reason))
    if problems:
        return problems
    values = _action_values(c, x)
    try:  # the rules of an action's owner and funding, as its record holds them
        check_assignment(
            values.get("owner"),
            values.get("explicitly_unassigned", False),
            values.get("funding"),
            values.get("funding_source"),
        )
    except ValueError as error:
        return [field("action", Sentence("period", "{sentence}.", sentence=error.args[0]))]
    return []


def _commitment(c: Coalition, x: p.CorrectRecord, changed: Mapping[str, Any]) -> list[str]:
    if "committed" not in changed or changed["committed"][1] or not c.founded:
        return []
    reason = Sentence(
        "correction.commitment-counted",
        "{partner}'s commitment counted when the coalition was founded; it can no longer be "
        "withdrawn as a correction. Its statement can still be corrected; a partner that stops "
        "taking part is for the partners to decide ({step}), or the coalition closes ({close}).",
        partner=x.record,
        step=trigger_word(T.record_decision),
        close=trigger_word(T.start_closing),
    )
    return [field("commitment.committed", reason)]


def correct_record(c: Coalition, x: p.CorrectRecord) -> list[str]:
    kinds = x.kinds()
    if len(kinds) != 1:
        reason = Sentence(
            "correction.one-kind",
            "give exactly one of meeting_outcome, interview, action or commitment: what is corrected "
            "({count} given).",
            count=len(kinds),
        )
        return [field("record", reason)]
    (kind,) = kinds
    if _recorded(c, kind, x.record) is None:
        return [_no_record(kind, x.record)]
    changed = changes(c, x)
    if not changed:
        reason = Sentence(
            "correction.changes-nothing",
            "this changes nothing: {record} is recorded with these values already.",
            record=x.record,
        )
        return [field(kind.value, reason)]
    match kind:
        case K.meeting_outcome:
            return _outcome(c, x, changed)
        case K.action:
            return _action(c, x)
        case K.commitment:
            return _commitment(c, x, changed)
        case K.interview:
            return []


# Whose it is -------------------------------------------------------------------------------


def whose(c: Coalition, x: p.CorrectRecord) -> str | None:
    """A partner corrects its own organisation's interview and commitment; a meeting's
    outcome and an action are the coordinator's records."""
    if x.kinds() in ([K.interview], [K.commitment]):
        return x.record
    return policy.COORDINATORS_RECORD


# The effect --------------------------------------------------------------------------------


def _with_partner(c: Coalition, name: str, **changes: Any) -> Coalition:
    partners = [q.model_copy(update=changes) if q.name == name else q for q in c.partners]
    return c.model_copy(update={"partners": partners})


def _apply(c: Coalition, kind: K, x: p.CorrectRecord) -> Coalition:
    merged = _merged(_recorded(c, kind, x.record) or {}, _given(x, kind))
    match kind:
        case K.meeting_outcome:
            outcome = MeetingOutcome.model_validate(merged, strict=False)
            meetings = [
                m.model_copy(update={"outcome": outcome}) if m.id == x.record else m for m in c.meetings
            ]
            return c.model_copy(update={"meetings": meetings})
        case K.interview:
            partner = c.partner(x.record)
            assert partner is not None and partner.interview is not None  # the check
            interview = type(partner.interview).model_validate(merged, strict=False)
            return _with_partner(c, x.record, interview=interview)
        case K.commitment:
            return _with_partner(
                c, x.record, committed=merged["committed"], commitment_statement=merged["statement"]
            )
        case K.action:
            action = Action.model_validate(_action_values(c, x), strict=False)
            return c.model_copy(update={"actions": [action if a.id == x.record else a for a in c.actions]})


def apply_correction(c: Coalition, x: p.CorrectRecord, e: Event) -> Coalition:
    (kind,) = x.kinds()
    trace = [
        Correction(
            kind=kind, record=x.record, field=name, old=old, new=new, by=e.actor.id, at=e.at, reason=x.reason
        )
        for name, (old, new) in changes(c, x).items()
    ]
    corrected = _apply(c, kind, x)
    return corrected.model_copy(update={"corrections": [*c.corrections, *trace]})


# What the journal's entries recorded, for the audit's "corrected by" ------------------------


def corrected(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """(kind, record) that a `correct_record` payload corrects, read from its JSON."""
    record = payload.get("record")
    kinds = [kind.value for kind in CorrectionKind if payload.get(kind.value) is not None]
    return (kinds[0], record) if isinstance(record, str) and len(kinds) == 1 else None


def recorded(
    trigger: str, payload: Mapping[str, Any], before: Coalition, after: Coalition
) -> list[tuple[str, str]]:
    """The facts (kind, record) an accepted entry recorded, as a correction names them."""
    match trigger:
        case T.record_meeting_outcome:
            named = [(K.meeting_outcome.value, payload.get("meeting"))]
        case T.record_interview:
            named = [(K.interview.value, payload.get("partner"))]
        case T.commit:
            named = [(K.commitment.value, payload.get("partner"))]
        case T.update_action | T.pick_up_action | T.report_progress:
            named = [(K.action.value, payload.get("action"))]
        case T.add_action:
            known = {a.id for a in before.actions}
            named = [(K.action.value, a.id) for a in after.actions if a.id not in known]
        case T.correct_record:
            which = corrected(payload)
            named = [which] if which else []
        case _:
            named = []
    return [(kind, record) for kind, record in named if isinstance(record, str)]
