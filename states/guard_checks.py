"""What each guard checks, and the sentence it says when it does not hold: what is missing
and which trigger supplies it (`states.guards` names them). Checks that only concern one
track hold on the other.
"""

from __future__ import annotations

from collections.abc import Callable

from lemniscate.models.coalition import ActionStatus, BasisKind, Coalition, OptionKind
from lemniscate.models.records import CommitmentLevel, Track
from lemniscate.models.sentence import Sentence
from lemniscate.states.names import TriggerName as T
from lemniscate.states.words import commitment_word, trigger_word

Check = Callable[[Coalition], str | None]


def _fails_if(failing: Callable[[Coalition], bool], sentence: str) -> Check:
    """A check that says `sentence` when `failing` is true of the coalition, and holds otherwise."""
    return lambda c: sentence if failing(c) else None


def _on_track(track: Track, check: Check) -> Check:
    """`check` on `track`; on the other track, or before one is chosen, the guard holds."""
    return lambda c: check(c) if c.track == track else None


def _step(trigger: T) -> str:
    """The trigger that supplies what is missing, as a sentence names it."""
    return trigger_word(trigger)


intent_recorded = _fails_if(
    lambda c: c.intent is None,
    Sentence(
        "guard.intent-missing",
        "The initiator's own intent is not recorded yet ({step}).",
        step=_step(T.record_intent),
    ),
)


def partners_interviewed_or_unreached(c: Coalition) -> str | None:
    if not c.partners:
        return Sentence(
            "guard.no-partners",
            "There are no prospective partners yet ({step}).",
            step=_step(T.add_partner),
        )
    open_ = [p.name for p in c.partners if p.interview is None and p.not_reached_reason is None]
    if not open_:
        return None
    steps: dict[str, str] = {"interview": _step(T.record_interview), "not_reached": _step(T.mark_not_reached)}
    if len(c.partners) == 1:
        return Sentence(
            "guard.only-partner-not-interviewed",
            "{count} of {total} prospective partner has no interview: {names} "
            "({interview}, or {not_reached} with a reason).",
            count=1,
            total=1,
            names=open_,
            **steps,
        )
    return Sentence(
        "guard.partners-not-interviewed",
        "{count} of {total} prospective partners has no interview: {names} "
        "({interview}, or {not_reached} with a reason).",
        "{count} of {total} prospective partners have no interview: {names} "
        "({interview}, or {not_reached} with a reason).",
        count=len(open_),
        total=len(c.partners),
        names=open_,
        **steps,
    )


def enough_interviews(c: Coalition) -> str | None:
    done = sum(1 for p in c.partners if p.interview is not None)
    need = c.playbook.min_interviews
    if done >= need:
        return None
    return Sentence(
        "guard.too-few-interviews",
        "{count} partner is interviewed; the playbook {playbook} asks for at least {need}.",
        "{count} partners are interviewed; the playbook {playbook} asks for at least {need}.",
        count=done,
        playbook=c.playbook.ref,
        need=need,
    )


shared_topic = _fails_if(
    lambda c: not any(len(set(t.partners)) >= 2 for t in c.topics),
    Sentence(
        "guard.no-shared-topic",
        "No domain topic is shared by two or more partners yet ({step}).",
        step=_step(T.map_topic),
    ),
)


def interviewed_partners_placed(c: Coalition) -> str | None:
    unplaced = [p.name for p in c.partners if p.interview is not None and p.placement is None]
    if unplaced:
        return Sentence(
            "guard.partners-not-placed",
            "{count} interviewed partner is not placed in the collaboration plan yet: {names} ({step}).",
            "{count} interviewed partners are not placed in the collaboration plan yet: {names} ({step}).",
            count=len(unplaced),
            names=unplaced,
            step=_step(T.place_partner),
        )
    return None


exploration_meeting_planned = _fails_if(
    lambda c: c.exploration_meeting() is None,
    Sentence(
        "guard.no-exploration-meeting",
        "No exploration meeting is planned ({step} with kind 'exploration').",
        step=_step(T.plan_meeting),
    ),
)


def exploration_invitees(c: Coalition) -> str | None:
    meeting = c.exploration_meeting()
    need = c.playbook.min_invitees
    if meeting is None or len(set(meeting.invitees)) >= need:
        return None
    if need == 2:  # the method's own number, as the method says it
        return Sentence(
            "guard.too-few-invitees",
            "The exploration meeting has {count} invitee; invite at least two.",
            "The exploration meeting has {count} invitees; invite at least two.",
            count=len(set(meeting.invitees)),
        )
    return Sentence(
        "guard.too-few-invitees-playbook",
        "The exploration meeting has {count} invitee; the playbook {playbook} asks for at least {need}.",
        "The exploration meeting has {count} invitees; the playbook {playbook} asks for at least {need}.",
        count=len(set(meeting.invitees)),
        playbook=c.playbook.ref,
        need=need,
    )


def exploration_inviter(c: Coalition) -> str | None:
    meeting = c.exploration_meeting()
    if meeting is not None and not meeting.inviters:
        return Sentence(
            "guard.no-inviter",
            "Nobody is named as inviter of the exploration meeting (a lead partner or frontrunners).",
        )
    return None


def exploration_outcome_recorded(c: Coalition) -> str | None:
    meeting = c.exploration_meeting()
    if meeting is None or meeting.outcome is None:
        return Sentence(
            "guard.no-exploration-outcome",
            "The outcome of the exploration meeting is not recorded yet ({step}).",
            step=_step(T.record_meeting_outcome),
        )
    return None


def _exploration_commitment(c: Coalition) -> CommitmentLevel | None:
    meeting = c.exploration_meeting()
    return meeting.outcome.commitment if meeting and meeting.outcome else None


commitment_given = _fails_if(
    lambda c: _exploration_commitment(c) == CommitmentLevel.none,
    Sentence(
        "guard.no-commitment",
        "The exploration meeting ended without commitment: go back to round 1 ({back}) or stop ({stop}).",
        back=_step(T.return_to_round_one),
        stop=_step(T.dissolve),
    ),
)


def commitment_absent(c: Coalition) -> str | None:
    level = _exploration_commitment(c)
    if level is not None and level != CommitmentLevel.none:
        return Sentence(
            "guard.commitment-given",
            "Commitment at the exploration meeting was {level}: work it out instead ({step}).",
            level=commitment_word(level.value),
            step=_step(T.elaborate_content),
        )
    return None


vision_recorded = _fails_if(
    lambda c: c.vision is None,
    Sentence(
        "guard.no-vision",
        "The shared vision is not worked out yet ({step}).",
        step=_step(T.record_vision),
    ),
)


def _options_between_bounds(kind: OptionKind) -> Check:
    """Initiative track: as many options of `kind` as the playbook's bounds allow."""

    def check(c: Coalition) -> str | None:
        count = len(c.options_of(kind))
        low, high = c.playbook.min_options, c.playbook.max_options
        if low <= count <= high:
            return None
        values: dict[str, int | str] = {"low": low, "high": high, "count": count, "step": _step(T.add_option)}
        if kind == OptionKind.content:
            return Sentence(
                "guard.content-options",
                "The initiative proposal needs {low} to {high} content options; there is {count} ({step}).",
                "The initiative proposal needs {low} to {high} content options; there are {count} ({step}).",
                **values,
            )
        return Sentence(
            "guard.collaboration-options",
            "The initiative proposal needs {low} to {high} collaboration options; there is {count} ({step}).",
            "The initiative proposal needs {low} to {high} collaboration options; "
            "there are {count} ({step}).",
            **values,
        )

    return _on_track(Track.initiative, check)


content_options = _options_between_bounds(OptionKind.content)
collaboration_options = _options_between_bounds(OptionKind.collaboration)

plan_has_actions = _on_track(
    Track.plan,
    _fails_if(
        lambda c: all(a.status == ActionStatus.cancelled for a in c.actions),
        Sentence(
            "guard.no-actions",
            "The plan of approach has no actions yet ({step}).",
            step=_step(T.add_action),
        ),
    ),
)

collaboration_model_chosen = _on_track(
    Track.plan,
    _fails_if(
        lambda c: c.collaboration_model is None,
        Sentence(
            "guard.no-collaboration-model",
            "No way of organising the collaboration is chosen ({step}).",
            step=_step(T.choose_collaboration_model),
        ),
    ),
)


def _unsettled_actions(c: Coalition) -> str | None:
    unsettled = [a.id for a in c.actions if a.status != ActionStatus.cancelled and not a.settled]
    if unsettled:
        return Sentence(
            "guard.actions-unsettled",
            "{count} action lacks an owner (or an explicit 'unassigned') or a funding class: {ids} ({step}).",
            "{count} actions lack an owner (or an explicit 'unassigned') or a funding class: {ids} ({step}).",
            count=len(unsettled),
            ids=unsettled,
            step=_step(T.update_action),
        )
    return None


actions_settled = _on_track(Track.plan, _unsettled_actions)

basic_agreements = _on_track(
    Track.initiative,
    _fails_if(
        lambda c: c.basic_agreements is None,
        Sentence(
            "guard.no-basic-agreements",
            "Basic agreements on funding and progress monitoring are missing ({step}).",
            step=_step(T.record_basic_agreements),
        ),
    ),
)

founding_basis = _fails_if(
    lambda c: not c.founding_bases,
    Sentence(
        "guard.no-founding-basis",
        "No founding basis is signed yet: a declaration of intent, plan of approach, "
        "covenant or contract ({step}).",
        step=_step(T.sign_founding_basis),
    ),
)


def enough_committed(c: Coalition) -> str | None:
    have = len(c.committed_partners())
    need = c.playbook.min_committed_partners
    if have >= need:
        return None
    return Sentence(
        "guard.too-few-committed",
        "{count} partner has committed; the playbook {playbook} asks for at least {need} ({step}).",
        "{count} partners have committed; the playbook {playbook} asks for at least {need} ({step}).",
        count=have,
        playbook=c.playbook.ref,
        need=need,
        step=_step(T.commit),
    )


plan_of_approach_adopted = _fails_if(
    lambda c: not any(b.kind == BasisKind.plan_of_approach for b in c.founding_bases),
    Sentence(
        "guard.plan-not-adopted",
        "The plan of approach is not adopted yet: sign it as a founding basis of kind "
        "'plan_of_approach' ({step}).",
        step=_step(T.sign_founding_basis),
    ),
)

monitoring_this_cycle = _fails_if(
    lambda c: not any(r.cycle == c.cycle for r in c.monitoring_reports),
    Sentence(
        "guard.no-monitoring-report",
        "No monitoring report in this cycle yet ({step}).",
        step=_step(T.record_monitoring_report),
    ),
)

decision_this_cycle = _fails_if(
    lambda c: not any(d.cycle == c.cycle for d in c.decisions),
    Sentence(
        "guard.no-decision",
        "No decision is recorded in this cycle yet ({step}).",
        step=_step(T.record_decision),
    ),
)

not_founded = _fails_if(
    lambda c: c.founded,
    Sentence(
        "guard.founded-not-dissolved",
        "The coalition is founded: close it deliberately ({step}), do not dissolve it.",
        step=_step(T.start_closing),
    ),
)


def everyone_credited(c: Coalition) -> str | None:
    owners = {a.owner for a in c.actions if a.owner is not None}
    due = [p.name for p in c.partners if (p.committed or p.name in owners) and not p.contribution]
    if due:
        return Sentence(
            "guard.partners-not-credited",
            "{count} partner is not yet credited for its contribution: {names} ({step}).",
            "{count} partners are not yet credited for their contribution: {names} ({step}).",
            count=len(due),
            names=due,
            step=_step(T.credit_partner),
        )
    return None
