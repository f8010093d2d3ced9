"""Warnings: reported with the overview, never blocking a trigger."""

from __future__ import annotations

from lemniscate import states
from lemniscate.examples.walks import Step, partner_actor
from tests.support.guard_walks import CITY, CT, TASKFORCE, TF, TF_OUTCOME, TF_TO_PREP, plan_exploration
from tests.support.method_helpers import fire, steps_before, steps_through, walk


def test_warn_about_an_interviewed_partner_without_a_domain_topic() -> None:
    at_start = walk(CITY, steps_before(CT, "map_domain")).coalition
    assert states.overview(at_start).warnings == []  # step 1 has no domain yet
    c = walk(
        CITY,
        [
            *steps_through(CT, "map_domain"),
            Step("map_topic", {"topic": "Events", "partners": ["Ondernemers", "Theater"]}),
        ],
    ).coalition
    view = states.overview(c)
    # Vastgoedeigenaren was not reached, so it is not expected to have a topic.
    assert view.warnings == [
        "Hogeschool was interviewed but no domain topic matters to it (map_topic).",
        "Bewoners was interviewed but no domain topic matters to it (map_topic).",
    ]
    assert "plan_collaboration" in view.allowed
    assert fire(c, "plan_collaboration").state == "own_collaboration_plan"


def test_warn_about_a_meeting_on_a_partners_agenda_day() -> None:
    agenda = Step(
        "update_agenda",
        {
            "partner": "VNG",
            "agenda": [{"on": "2027-03-04", "kind": "council_meeting", "description": "Ledenvergadering"}],
        },
        partner_actor("VNG"),
    )
    plan = steps_through(TF, "plan_meeting")
    c = walk(TASKFORCE, [agenda, *plan]).coalition
    view = states.overview(c)
    assert view.warnings == [
        "Meeting M1 (exploration) on 2027-03-04 collides with VNG's council meeting: Ledenvergadering."
    ]
    assert "hold_exploration_meeting" in view.allowed
    c = fire(c, "hold_exploration_meeting")
    c = fire(c, TF_OUTCOME.trigger, TF_OUTCOME.payload)
    assert states.overview(c).warnings == []  # the meeting is held: nothing to move any more
    # A partner that is not invited has no collision.
    uninvited = walk(
        TASKFORCE, [agenda, *TF_TO_PREP, plan_exploration(["Aedes", "ActiZ"], ["VWS"])]
    ).coalition
    assert states.overview(uninvited).warnings == []


def test_warn_about_an_action_due_on_the_owners_agenda_day() -> None:
    agenda = Step(
        "update_agenda",
        {
            "partner": "VNG",
            "agenda": [{"on": "2027-09-01", "kind": "budget_cycle", "description": "Begroting 2028"}],
        },
    )
    c = walk(TASKFORCE, [agenda, *steps_before(TF, "call_founding_meeting")]).coalition
    view = states.overview(c)
    assert view.warnings == ["Action A2 is due on 2027-09-01, VNG's budget cycle: Begroting 2028."]
    assert "call_founding_meeting" in view.allowed
    done = walk(TASKFORCE, [agenda, *TF]).coalition
    done = fire(done, "report_progress", {"action": "A2", "status": "done"}, partner_actor("VNG"))
    assert states.overview(done).warnings == []


def test_warn_when_a_committed_partners_constituency_does_not_back_it() -> None:
    c = walk(TASKFORCE, TF).coalition
    c = fire(
        c,
        "record_constituency_support",
        {"partner": "Aedes", "support": {"managers": True, "legal_staff": False, "executives": False}},
        partner_actor("Aedes"),
    )
    view = states.overview(c)
    assert view.warnings == ["Aedes's legal staff, executives do not back its participation yet."]
    assert "start_monitoring" in view.allowed
