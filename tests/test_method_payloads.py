"""Payloads: refused with the field path and the reason, and a refusal changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.models.coalition import Coalition
from tests.support.guard_walks import CT, TASKFORCE, TF
from tests.support.method_helpers import (
    answers,
    decide,
    event,
    fire,
    refusal,
    sample_payload,
    start_event,
    steps_before,
    steps_through,
    the_action,
    the_partner,
    walk,
)


def _fresh() -> Coalition:
    return states.genesis(start_event(TASKFORCE))


def _doing() -> Coalition:
    return walk(TASKFORCE, TF).coalition


def test_every_trigger_has_a_payload_model_and_the_samples_fit() -> None:
    assert set(states.TRIGGERS) == set(states.TRIGGER_NAMES)
    for trigger in states.TRIGGER_NAMES:
        parsed = states.parse_payload(trigger, sample_payload(trigger))
        assert type(parsed) is states.TRIGGERS[trigger].payload


@pytest.mark.parametrize(
    ("trigger", "payload", "reasons"),
    [
        # a missing field
        ("record_intent", {}, ["intent: Field required"]),
        ("transform", {}, ["new_task: Field required"]),
        (
            "record_interview",
            {"partner": "VNG", "answers": {**answers(), "drive": None}, "held_on": "2027-02-01"},
            ["answers.drive: Input should be a valid string", "interviewer: Field required"],
        ),
        # a wrong type: strict, so nothing is coerced
        ("record_intent", {"intent": 5}, ["intent: Input should be a valid string"]),
        ("add_partner", {"name": ["VNG"]}, ["name: Input should be a valid string"]),
        ("update_action", {"action": "A2", "cancel": "yes"}, ["cancel: Input should be a valid boolean"]),
        (
            "add_option",
            {"kind": "budget", "title": "x"},
            ["kind: Input should be 'content' or 'collaboration'"],
        ),
        (
            "record_interview",
            {"partner": "VNG", "answers": answers(), "held_on": "2027-13-01", "interviewer": "coordinator"},
            [
                "held_on: Input should be a valid date in the format YYYY-MM-DD, month value is "
                "outside expected range of 1-12"
            ],
        ),
        (
            "map_topic",
            {"topic": "Care", "partners": []},
            ["partners: List should have at least 1 item after validation, not 0"],
        ),
        ("record_intent", {"intent": "   "}, ["intent: String should have at least 1 character"]),
        # an extra field, also nested, and on a trigger that carries nothing
        ("record_intent", {"intent": "x", "intnet": "y"}, ["intnet: Extra inputs are not permitted"]),
        (
            "place_partner",
            {
                "partner": "VNG",
                "placement": {
                    "role": "core",
                    "execution_power": "none",
                    "interest": "low",
                    "influence": "low",
                    "budget": 5,
                },
            },
            ["placement.budget: Extra inputs are not permitted"],
        ),
        ("found", {"when": "now"}, ["when: Extra inputs are not permitted"]),
        # rules of a payload as a whole
        (
            "add_action",
            {"title": "x", "owner": "VNG", "explicitly_unassigned": True},
            ["payload: give an owner or mark the action explicitly unassigned, not both"],
        ),
        (
            "add_action",
            {"title": "x", "funding": "within_existing_work", "funding_source": "subsidy"},
            ["payload: a funding source only applies to actions that need extra funding"],
        ),
        (
            "report_progress",
            {"action": "A2", "status": "cancelled"},
            ["payload: cancelling an action is a plan change (update_action), not progress"],
        ),
        (
            "plan_meeting",
            {"kind": "exploration", "on": "2027-03-04", "pre_information": "everything"},
            ["pre_information: String should match pattern '^(purpose_only|content_note)$'"],
        ),
    ],
)
def test_invalid_payloads_are_refused_with_the_field_path_and_reason(
    trigger: str, payload: dict[str, Any], reasons: list[str]
) -> None:
    with pytest.raises(states.Refused) as refused:
        states.parse_payload(trigger, payload)
    assert refused.value.reasons == reasons
    assert refused.value.trigger == trigger
    # The same reasons come from evaluate and apply, and the coalition stays as it was.
    c = _doing()
    assert decide(c, trigger, payload, COORDINATOR).reasons == tuple(reasons)
    assert refusal(c, trigger, payload) == reasons


def test_an_unknown_trigger_is_refused() -> None:
    sentence = "there is no trigger 'frobnicate'; see `lemniscate method` for the list."
    with pytest.raises(states.Refused) as refused:
        states.parse_payload("frobnicate", {})
    assert refused.value.reasons == [sentence]
    assert refusal(_fresh(), "frobnicate") == [sentence]
    assert refusal(_fresh(), states.START, TASKFORCE)[0].startswith("there is no trigger 'start'")


def test_python_dates_are_accepted_and_text_is_stripped() -> None:
    c = fire(
        _fresh(),
        "record_interview",
        {
            "partner": "VNG",
            "answers": answers("VNG"),
            "held_on": date(2027, 2, 1),
            "interviewer": "  coordinator  ",
        },
    )
    interview = the_partner(c, "VNG").interview
    assert interview is not None
    assert (interview.held_on, interview.interviewer) == (date(2027, 2, 1), "coordinator")


def test_a_fourth_option_of_a_kind_is_refused() -> None:
    c = walk(walks.city_start(), steps_through(CT, "add_option", 2)).coalition
    c = fire(c, "add_option", {"kind": "content", "title": "Focus on culture"})
    assert len(c.options_of(c.options[0].kind)) == 3
    assert refusal(c, "add_option", {"kind": "content", "title": "Focus on shopping"}) == [
        "kind: there are already 3 content options (Focus on events, Focus on living in the "
        "centre, Focus on culture); the method allows at most 3. Remove one first "
        "(remove_option)."
    ]
    # Removing one makes room again.
    c = fire(c, "remove_option", {"option": c.options[0].id})
    c = fire(c, "add_option", {"kind": "content", "title": "Focus on shopping"})
    assert [o.title for o in c.options] == [
        "Focus on living in the centre",
        "Focus on culture",
        "Focus on shopping",
    ]


def test_collaboration_options_wait_for_collaboration_proposals() -> None:
    c = walk(walks.city_start(), steps_through(CT, "record_vision")).coalition
    assert refusal(c, "add_option", {"kind": "collaboration", "title": "Steering group"}) == [
        "kind: in content_elaboration the options are about content; collaboration options "
        "follow in collaboration_proposals."
    ]


def test_owner_and_explicitly_unassigned_together_are_refused_on_update_too() -> None:
    c = walk(TASKFORCE, steps_through(TF, "complete_proposal")).coalition
    assert refusal(c, "update_action", {"action": "A4", "owner": "BZK", "explicitly_unassigned": True}) == [
        "owner: give an owner or mark the action explicitly unassigned, not both."
    ]


def test_giving_an_owner_clears_explicitly_unassigned_and_back() -> None:
    c = walk(TASKFORCE, steps_through(TF, "update_action")).coalition
    a4 = c.action("A4")
    assert a4 is not None and a4.explicitly_unassigned and a4.owner is None
    c = fire(c, "update_action", {"action": "A4", "owner": "BZK"})
    a4 = c.action("A4")
    assert a4 is not None and (a4.owner, a4.explicitly_unassigned) == ("BZK", False)
    c = fire(c, "update_action", {"action": "A4", "explicitly_unassigned": True})
    a4 = c.action("A4")
    assert a4 is not None and (a4.owner, a4.explicitly_unassigned) == (None, True)


@pytest.mark.parametrize(
    ("where", "trigger", "payload", "reasons"),
    [
        (
            "fresh",
            "record_interview",
            {
                "partner": "Woonbond",
                "answers": answers(),
                "held_on": "2027-02-01",
                "interviewer": "coordinator",
            },
            ["partner: Woonbond is not a partner of this coalition (add_partner first)."],
        ),
        (
            "fresh",
            "update_agenda",
            {"partner": "vng", "agenda": []},
            ["partner: vng is not a partner of this coalition (add_partner first)."],
        ),
        ("fresh", "add_partner", {"name": "VNG"}, ["name: VNG is already a partner of this coalition."]),
        (
            "domain",
            "map_topic",
            {"topic": "Care", "partners": ["VNG", "Woonbond", "LHV", "VNG"]},
            ["partners: Woonbond, LHV are not a partner of this coalition (add_partner first)."],
        ),
        (
            "fresh",
            "plan_meeting",
            {"kind": "other", "on": "2027-03-01", "invitees": ["VNG", "Woonbond"], "inviters": ["IPO"]},
            [
                "invitees: Woonbond is neither initiator nor partner of this coalition.",
                "inviters: IPO is neither initiator nor partner of this coalition.",
            ],
        ),
        (
            "doing",
            "report_progress",
            {"action": "A9", "status": "done"},
            ["action: there is no action 'A9' (actions: A2, A3, A4)."],
        ),
        (
            "doing",
            "pick_up_action",
            {"action": "A2", "partner": "ZN"},
            ["action: A2 is already owned by VNG."],
        ),
        (
            "doing",
            "record_funder",
            {"name": "Fonds", "contribution": "Money.", "actions": ["A3", "A8"]},
            ["action: there is no action 'A8' (actions: A2, A3, A4)."],
        ),
        (
            "doing",
            "sign_founding_basis",
            {"kind": "covenant", "signatories": ["Woonbond"], "signed_on": "2027-06-01"},
            ["signatories: Woonbond is neither initiator nor partner of this coalition."],
        ),
        (
            "fresh",
            "reschedule_meeting",
            {"meeting": "M1", "on": "2027-03-05"},
            ["meeting: there is no meeting 'M1' (meetings: none yet)."],
        ),
        (
            "doing",
            "record_meeting_outcome",
            {"meeting": "M7", "outcome": {"attended": ["VNG"]}},
            ["meeting: there is no meeting 'M7' (meetings: M1)."],
        ),
        (
            "doing",
            "record_meeting_outcome",
            {"meeting": "M1", "outcome": {"attended": ["VNG"]}},
            ["meeting: the outcome of M1 (2027-03-04) is already recorded."],
        ),
        (
            "doing",
            "build_message_house",
            {
                "message_house": {
                    "umbrella_story": "x",
                    "key_messages": ["y"],
                    "substantiation": ["z"],
                    "contributors": ["Woonbond"],
                }
            },
            ["message_house.contributors: Woonbond is neither initiator nor partner of this coalition."],
        ),
    ],
)
def test_names_that_do_not_exist_are_refused(
    where: str, trigger: str, payload: dict[str, Any], reasons: list[str]
) -> None:
    c = {
        "fresh": _fresh,
        "domain": lambda: walk(TASKFORCE, steps_through(TF, "map_domain")).coalition,
        "doing": _doing,
    }[where]()
    assert refusal(c, trigger, payload) == reasons


def test_unknown_options_and_monitoring_reports_are_refused() -> None:
    c = walk(walks.city_start(), steps_through(CT, "add_option")).coalition
    assert refusal(c, "remove_option", {"option": "O9"}) == ["option: there is no option 'O9' (options: O2)."]
    monitoring = fire(_doing(), "start_monitoring")
    monitoring = fire(monitoring, "record_monitoring_report", {"summary": "Fine."})
    monitoring = fire(monitoring, "decide")
    assert refusal(monitoring, "record_decision", {"decision": "x", "rests_on": ["R5", "R9"]}) == [
        "rests_on: R9 is not a monitoring report (reports: R5)."
    ]


def test_exploration_outcomes_need_a_commitment_and_the_held_meeting() -> None:
    before_holding = walk(TASKFORCE, steps_through(TF, "plan_meeting")).coalition
    assert refusal(
        before_holding, "record_meeting_outcome", {"meeting": "M1", "outcome": {"attended": ["VNG", "Ghost"]}}
    ) == [
        "outcome.attended: Ghost is neither initiator nor partner of this coalition.",
        "meeting: an exploration meeting's outcome is recorded once it is held, in "
        "sharing_interests (hold_exploration_meeting).",
        "outcome.commitment: say how strong the commitment was at the exploration meeting "
        "(none, tentative or strong).",
    ]


def test_a_trigger_in_the_wrong_state_names_where_it_applies() -> None:
    assert refusal(_fresh(), "record_vision", {"vision": "x"}) == [
        "record_vision is not possible in intent_and_interests; it applies in: "
        "content_elaboration, collaboration_proposals, proposal_completion, approach_adoption."
    ]


def test_a_refused_trigger_leaves_the_coalition_unchanged() -> None:
    c = _doing()
    before = c.model_dump()
    with pytest.raises(states.Refused) as refused:
        states.apply(c, event("report_progress", {"action": "A3", "status": "done", "extra": 1}))
    assert refused.value.reasons == ["extra: Extra inputs are not permitted"]
    assert str(refused.value) == "report_progress refused: extra: Extra inputs are not permitted"
    assert c.model_dump() == before
    # The refusal left nothing behind: the same trigger with a good payload works as before.
    done = states.apply(c, event("report_progress", {"action": "A3", "status": "done"}))
    assert the_action(done, "A3").status.value == "done"
    assert c.model_dump() == before


def test_start_payloads_are_validated_too() -> None:
    with pytest.raises(states.Refused) as refused:
        states.genesis(start_event({**TASKFORCE, "id": "Not A Slug"}))
    assert refused.value.reasons == ["id: String should match pattern '^[a-z0-9][a-z0-9-]*[a-z0-9]$'"]
    with pytest.raises(states.Refused) as refused:
        states.genesis(start_event({**TASKFORCE, "playbook": "lenient"}))
    assert refused.value.reasons == ["playbook: no playbook 'lenient'; known: default@1, strict@1"]
    with pytest.raises(states.Refused) as refused:
        states.genesis(
            start_event({**TASKFORCE, "partners": [{"name": "VNG"}, {"name": "ZN"}, {"name": "VNG"}]})
        )
    assert refused.value.reasons == ["partners: VNG listed more than once."]
    with pytest.raises(states.Refused) as refused:
        states.genesis(event("record_intent", {"intent": "x"}))
    assert refused.value.reasons == ["the first event of a coalition must be 'start'."]


def test_a_payload_changes_only_what_its_trigger_is_about() -> None:
    c = walk(TASKFORCE, steps_before(TF, "map_domain")).coalition
    after = fire(
        c,
        "update_agenda",
        {
            "partner": "ZN",
            "agenda": [{"on": "2027-05-01", "kind": "decision_moment", "description": "Board"}],
        },
    )
    changed = {k for k, v in after.model_dump().items() if c.model_dump()[k] != v}
    assert changed == {"partners"}
    assert [q.name for q in after.partners if q.agenda] == ["ZN"]
