"""`correct_record` in the pure core: a correction supersedes a recorded fact and leaves a
trace; where the state rests on the fact it is refused once the coalition moved past the
decision; who may correct what; what readers who are no confidant see of it."""

from __future__ import annotations

from typing import Any

import pytest

from lemniscate import states
from lemniscate.audit.trail import read_journal
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step, partner_actor
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.journal import JournalEntry
from lemniscate.states import redaction
from tests.support.guard_walks import TASKFORCE, TF
from tests.support.method_helpers import (
    AT,
    AUDITOR,
    decide,
    exploration_outcome,
    fire,
    refusal,
    steps_before,
    steps_through,
    the_action,
    the_partner,
    walk,
)

OBSERVER = Actor(id="otto", role=Role.observer)

TRACK_DECIDED = (
    "meeting_outcome.commitment: the commitment recorded at M1 already decided the coalition's course "
    "when it left sharing_interests (elaborate_content or return_to_round_one); it can no longer be "
    "corrected. To change course, plan a new meeting (plan_meeting) and record its outcome "
    "(record_meeting_outcome); the outcome's other fields can still be corrected."
)


def _correct(record: str, reason: str = "The minutes say otherwise.", **kind: Any) -> dict[str, Any]:
    return {"record": record, **kind, "reason": reason}


def _held(commitment: str) -> Coalition:
    """The taskforce at its exploration meeting's outcome, recorded with `commitment`."""
    before = steps_before(TF, "record_meeting_outcome")
    outcome = exploration_outcome("M1", commitment, walks.TASKFORCE_PARTNERS)
    return walk(TASKFORCE, [*before, outcome]).coalition


def test_correcting_the_commitment_before_the_decision_changes_the_guards_and_the_track() -> None:
    c = _held("none")
    assert decide(c, "return_to_round_one").allowed and not decide(c, "elaborate_content").allowed
    c = fire(c, "correct_record", _correct("M1", meeting_outcome={"commitment": "tentative"}))
    assert c.state == "sharing_interests"  # a record: it never moves the coalition itself
    assert decide(c, "elaborate_content").allowed and not decide(c, "return_to_round_one").allowed
    c = fire(
        c,
        "correct_record",
        _correct("M1", "Strong, said the chair.", meeting_outcome={"commitment": "strong"}),
    )
    meeting = c.meeting("M1")
    assert meeting is not None and meeting.outcome is not None
    assert meeting.outcome.commitment == "strong"
    assert meeting.outcome.attended == list(walks.TASKFORCE_PARTNERS)  # what was not corrected stays
    assert [(x.kind, x.record, x.field, x.old, x.new, x.by, x.reason) for x in c.corrections] == [
        (
            "meeting_outcome",
            "M1",
            "commitment",
            "none",
            "tentative",
            "coordinator",
            "The minutes say otherwise.",
        ),
        (
            "meeting_outcome",
            "M1",
            "commitment",
            "tentative",
            "strong",
            "coordinator",
            "Strong, said the chair.",
        ),
    ]
    assert fire(c, "elaborate_content").track == "plan"


def test_after_the_decision_the_commitment_is_refused_with_what_to_do_instead() -> None:
    c = fire(_held("tentative"), "elaborate_content")
    assert c.track == "initiative"
    assert refusal(c, "correct_record", _correct("M1", meeting_outcome={"commitment": "strong"})) == [
        TRACK_DECIDED
    ]
    # The outcome's other fields are no decision's basis: still corrected, the track stays.
    c = fire(c, "correct_record", _correct("M1", meeting_outcome={"notes": "Chaired by the mayor."}))
    meeting = c.meeting("M1")
    assert meeting is not None and meeting.outcome is not None and meeting.outcome.notes
    assert c.track == "initiative" and c.state == "content_elaboration"
    # Statements are given anew as a whole: the record says what the trace says.
    c = fire(c, "correct_record", _correct("M1", meeting_outcome={"statements": {"Aedes": "We build."}}))
    meeting = c.meeting("M1")
    assert meeting is not None and meeting.outcome is not None
    assert meeting.outcome.statements == c.corrections[-1].new == {"Aedes": "We build."}
    # Back round the figure, the old pass's meeting fed the decision to go back.
    back = fire(_held("none"), "return_to_round_one")
    assert refusal(back, "correct_record", _correct("M1", meeting_outcome={"commitment": "strong"})) == [
        TRACK_DECIDED
    ]


def test_the_reason_is_required_and_exactly_one_fact_is_corrected() -> None:
    c = _held("strong")
    no_reason = {"record": "M1", "meeting_outcome": {"commitment": "tentative"}}
    assert refusal(c, "correct_record", no_reason) == ["reason: Field required"]
    assert refusal(c, "correct_record", _correct("M1")) == [
        "record: give exactly one of meeting_outcome, interview, action or commitment: what is "
        "corrected (0 given)."
    ]
    two = _correct("M1", meeting_outcome={"notes": "x"}, commitment={"committed": True})
    assert refusal(c, "correct_record", two)[0].endswith("(2 given).")
    assert refusal(c, "correct_record", _correct("M1", meeting_outcome={"commitment": "strong"})) == [
        "meeting_outcome: this changes nothing: M1 is recorded with these values already."
    ]
    assert refusal(c, "correct_record", _correct("M7", meeting_outcome={"notes": "x"})) == [
        "record: there is no recorded outcome of a meeting 'M7' to correct "
        "(record_meeting_outcome records one)."
    ]
    assert refusal(c, "correct_record", _correct("VNG", commitment={"statement": "x"})) == [
        "record: there is no recorded commitment of a partner 'VNG' to correct (commit records one)."
    ]
    attended = _correct("M1", meeting_outcome={"attended": ["Woonbond"]})
    assert refusal(c, "correct_record", attended) == [
        "meeting_outcome.attended: Woonbond is neither initiator nor partner of this coalition."
    ]


def test_an_interview_is_corrected_by_its_own_partner_and_by_nobody_else() -> None:
    c = _held("strong")
    drive = _correct("Aedes", interview={"answers": {"drive": "Homes for older tenants."}})
    assert refusal(c, "correct_record", drive, partner_actor("VNG")) == [
        "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
    ]
    assert refusal(c, "correct_record", drive, AUDITOR) == [
        "auditor-1 as auditor may read everything but change nothing."
    ]
    assert refusal(c, "correct_record", drive, OBSERVER) == [
        "otto as observer reads coalitions but changes nothing."
    ]
    before = the_partner(c, "Aedes").interview
    c = fire(c, "correct_record", drive, partner_actor("Aedes"))
    after = the_partner(c, "Aedes").interview
    assert before is not None and after is not None
    assert after.answers.drive == "Homes for older tenants."
    assert after.answers.expected_yield == before.answers.expected_yield and after.held_on == before.held_on
    (trace,) = c.corrections
    assert (trace.field, trace.old, trace.by) == ("answers.drive", before.answers.drive, "rep-aedes")


def test_a_partner_may_not_correct_the_coordinators_records() -> None:
    c = walk(TASKFORCE, TF).coalition
    for payload in (
        _correct("M1", meeting_outcome={"notes": "x"}),
        _correct("A2", action={"title": "Our own title"}),  # even an action it owns
    ):
        assert refusal(c, "correct_record", payload, partner_actor("VNG")) == [
            "rep-vng (VNG) as partner: correct_record of this record is for the coordinator; partners "
            "correct only their own organisation's interview and commitment."
        ]


def test_an_actions_fields_are_corrected_within_the_rules_of_an_action() -> None:
    c = walk(TASKFORCE, TF).coalition
    c2 = fire(c, "correct_record", _correct("A2", action={"owner": "ActiZ", "due_on": "2027-10-01"}))
    assert (the_action(c2, "A2").owner, str(the_action(c2, "A2").due_on)) == ("ActiZ", "2027-10-01")
    assert [(x.field, x.old, x.new) for x in c2.corrections] == [
        ("owner", "VNG", "ActiZ"),
        ("due_on", "2027-09-01", "2027-10-01"),
    ]
    assert c2.state == c.state
    assert refusal(c, "correct_record", _correct("A2", action={"status": "cancelled"})) == [
        "action.status: cancelling an action is a change of plan (update_action), not a correction."
    ]
    assert refusal(c, "correct_record", _correct("A2", action={"funding_source": "subsidy"})) == [
        "action: a funding source only applies to actions that need extra funding."
    ]
    assert refusal(c, "correct_record", _correct("A9", action={"title": "x"})) == [
        "record: there is no action 'A9' to correct."
    ]


def test_a_commitment_is_corrected_until_it_counted_at_founding() -> None:
    before_found = walk(TASKFORCE, steps_before(TF, "found")).coalition
    assert decide(before_found, "found").allowed
    withdrawn = before_found
    for org in ("VNG", "Aedes"):
        payload = _correct(org, commitment={"committed": False})
        withdrawn = fire(withdrawn, "correct_record", payload, partner_actor(org))
    assert not the_partner(withdrawn, "VNG").committed
    # Committed partners fewer than the playbook's minimum: the founding's guard says so.
    assert any("commit" in reason for reason in refusal(withdrawn, "found"))
    founded = fire(before_found, "found")
    assert refusal(founded, "correct_record", _correct("VNG", commitment={"committed": False})) == [
        "commitment.committed: VNG's commitment counted when the coalition was founded; it can no "
        "longer be withdrawn as a correction. Its statement can still be corrected; a partner that stops "
        "taking part is for the partners to decide (record_decision), or the coalition closes "
        "(start_closing)."
    ]
    restated = fire(
        founded, "correct_record", _correct("VNG", commitment={"statement": "VNG leads the regions."})
    )
    assert the_partner(restated, "VNG").commitment_statement == "VNG leads the regions."


def test_correct_record_applies_wherever_the_record_may_exist_but_not_after_the_end() -> None:
    sources = {s for move in states.TRIGGERS["correct_record"].moves for s in move.sources}
    assert sources == {s.id for s in states.STATES if not s.final}
    assert states.TRIGGERS["correct_record"].kind == "record"


def test_a_corrected_interview_is_confidential_in_the_coalition_and_the_journal() -> None:
    c = _held("strong")
    payload = _correct("Aedes", "Aedes misheard.", interview={"answers": {"drive": "SECRET-DRIVE"}})
    c = fire(c, "correct_record", payload)
    seen = redaction.for_reader(c, partner_actor("VNG"))
    (trace,) = seen.corrections
    assert (trace.old, trace.new, trace.reason) == ("[confidential]",) * 3
    assert redaction.for_reader(c, partner_actor("Aedes")).corrections == c.corrections
    event = Event(trigger="correct_record", payload=payload, actor=COORDINATOR, at=AT, reason="Misheard.")
    entry = JournalEntry(
        seq=30, event=event, from_state=c.state, to_state=c.state, round="2", side="zij", hash="sealed"
    )
    blanked = redaction.entry_for_reader(entry, partner_actor("VNG"))
    assert "SECRET-DRIVE" not in blanked.model_dump_json() and "misheard" not in blanked.model_dump_json()
    assert blanked.event.reason == "[confidential]"


@pytest.mark.parametrize("second", [False, True])
def test_the_audit_notes_a_correction_on_the_entry_it_corrects(second: bool) -> None:
    steps = [
        *steps_through(TF, "record_meeting_outcome"),
        Step(
            "correct_record",
            _correct("M1", "Tentative, the minutes say.", meeting_outcome={"commitment": "tentative"}),
        ),
    ]
    if second:
        steps.append(
            Step(
                "correct_record",
                _correct("M1", "Strong after all.", meeting_outcome={"commitment": "strong"}),
            )
        )
    walked = walk(TASKFORCE, steps)
    readings = read_journal(_journal(walked.events))
    assert all(not r.problems for r in readings)
    by_trigger = [(r.entry.event.trigger, [(c.seq, c.reason) for c in r.corrected_by]) for r in readings][-3:]
    first_seq = len(steps_through(TF, "record_meeting_outcome")) + 2
    if second:
        assert by_trigger == [
            ("record_meeting_outcome", [(first_seq, "Tentative, the minutes say.")]),
            ("correct_record", [(first_seq + 1, "Strong after all.")]),
            ("correct_record", []),
        ]
    else:
        assert by_trigger[-2:] == [
            ("record_meeting_outcome", [(first_seq, "Tentative, the minutes say.")]),
            ("correct_record", []),
        ]
    assert readings[-1].words.startswith("The outcome of meeting M1 was corrected (commitment: ")


def _journal(events: list[Event]) -> list[JournalEntry]:
    """The journal the workflow would keep of `events` (unsealed: nothing here reads the
    hashes), states as the method moves them."""
    entries: list[JournalEntry] = []
    coalition: Coalition | None = None
    for seq, event in enumerate(events, start=1):
        before = coalition.state if coalition is not None else None
        coalition = states.genesis(event) if coalition is None else states.apply(coalition, event)
        info = states.STATE_INFO[coalition.state]
        entries.append(
            JournalEntry(
                seq=seq,
                event=event,
                from_state=before,
                to_state=coalition.state,
                round=states.current_round(coalition).value,
                side=info.side.value,
            )
        )
    return entries
