"""Who may fire what: the auditor nothing, partners only about their own records, integrations
their allowed triggers, the system the engine's steps."""

from __future__ import annotations

import pytest

from lemniscate import states
from lemniscate.examples.walks import COORDINATOR, partner_actor
from lemniscate.models.coalition import Coalition
from tests.support.access_matrix import PARTNER_TRIGGERS
from tests.support.guard_walks import TASKFORCE, TF, TF_ALL, TF_BASIS, TF_BEFORE_FOUND, step_args
from tests.support.method_helpers import (
    AUDITOR,
    SYSTEM,
    decide,
    fire,
    integration,
    interview,
    refusal,
    sample_payload,
    start_event,
    steps_through,
    the_action,
    the_partner,
    walk,
)

AUDITOR_SENTENCE = "auditor-1 as auditor may read everything but change nothing."


def _points() -> list[Coalition]:
    return [
        states.genesis(start_event(TASKFORCE)),
        walk(TASKFORCE, TF_BEFORE_FOUND).coalition,
        walk(TASKFORCE, TF).coalition,
        walk(TASKFORCE, steps_through(TF_ALL, "start_closing")).coalition,
    ]


def test_the_auditor_is_refused_everything() -> None:
    for c in _points():
        for trigger in states.TRIGGER_NAMES:
            payload = sample_payload(trigger, c)
            assert decide(c, trigger, payload, COORDINATOR).payload is not None
            assert refusal(c, trigger, payload, AUDITOR) == [AUDITOR_SENTENCE]
            assert decide(c, trigger, payload, AUDITOR).forbidden


def test_only_coordinators_integrations_and_the_system_start_a_coalition() -> None:
    for actor in (AUDITOR, partner_actor("VNG")):
        with pytest.raises(states.Refused) as refused:
            states.genesis(start_event(TASKFORCE, actor))
        assert refused.value.reasons == [f"{actor} may not start a coalition."]
    assert refused.value.reasons == ["rep-vng (VNG) as partner may not start a coalition."]
    for actor in (COORDINATOR, integration(), SYSTEM):
        assert states.genesis(start_event(TASKFORCE, actor)).state == "intent_and_interests"


def test_partners_fire_only_the_triggers_about_their_own_records() -> None:
    scoped = {name for name, spec in states.TRIGGERS.items() if spec.partner_scope is not None}
    assert scoped == PARTNER_TRIGGERS


def test_a_partner_records_its_own_interview_but_not_another_ones() -> None:
    c = states.genesis(start_event(TASKFORCE))
    aedes = partner_actor("Aedes")
    assert refusal(c, *step_args(interview("VNG")), aedes) == [
        "rep-aedes (Aedes) as partner may change only Aedes's records, not VNG's."
    ]
    recorded = fire(c, *step_args(interview("Aedes")), aedes)
    assert the_partner(recorded, "Aedes").interview is not None
    assert refusal(c, "mark_not_reached", {"partner": "Aedes", "reason": "Busy."}, aedes) == [
        "rep-aedes (Aedes) as partner: partners record only their own organisation's answers, "
        "commitments and action progress; mark_not_reached is for the coordinator."
    ]


def test_a_partner_commits_for_itself_only_and_cannot_found() -> None:
    c = walk(TASKFORCE, steps_through(TF, "sign_founding_basis")).coalition
    vng = partner_actor("VNG")
    assert refusal(c, "commit", {"partner": "Aedes"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
    ]
    c = fire(c, "commit", {"partner": "VNG", "statement": "VNG is in."}, vng)
    c = fire(c, "commit", {"partner": "Aedes"}, partner_actor("Aedes"))
    assert decide(c, "found", {}, COORDINATOR).allowed
    assert refusal(c, "found", {}, vng) == [
        "rep-vng (VNG) as partner: partners record only their own organisation's answers, "
        "commitments and action progress; found is for the coordinator."
    ]
    assert decide(c, "found", {}, vng).forbidden


def test_a_partner_reports_progress_on_its_own_actions_only() -> None:
    c = walk(TASKFORCE, TF).coalition
    vng = partner_actor("VNG")
    c2 = fire(c, "report_progress", {"action": "A2", "status": "stalled", "note": "Waiting."}, vng)
    assert the_action(c2, "A2").status.value == "stalled"
    assert refusal(c, "report_progress", {"action": "A3", "status": "done"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
    ]
    assert refusal(c, "report_progress", {"action": "A4", "status": "done"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not unowned."
    ]
    # An open action can be picked up by a partner for itself, and then reported on.
    picked = fire(c, "pick_up_action", {"action": "A4", "partner": "BZK"}, partner_actor("BZK"))
    assert the_action(picked, "A4").owner == "BZK"
    assert refusal(c, "pick_up_action", {"action": "A4", "partner": "BZK"}, vng) == [
        "rep-vng (VNG) as partner may change only VNG's records, not BZK's."
    ]
    fire(picked, "report_progress", {"action": "A4", "status": "in_progress"}, partner_actor("BZK"))


@pytest.mark.parametrize("trigger", sorted(set(states.TRIGGER_NAMES) - PARTNER_TRIGGERS))
def test_a_partner_is_refused_every_coordinator_trigger(trigger: str) -> None:
    c = walk(TASKFORCE, TF).coalition
    assert refusal(c, trigger, sample_payload(trigger, c, "VNG"), partner_actor("VNG")) == [
        "rep-vng (VNG) as partner: partners record only their own organisation's answers, "
        f"commitments and action progress; {trigger} is for the coordinator."
    ]


def test_an_integration_fires_only_its_allowed_triggers() -> None:
    crm = integration("record_interview", "sign_founding_basis")
    c = states.genesis(start_event(TASKFORCE))
    assert the_partner(fire(c, *step_args(interview("ZN")), crm), "ZN").interview is not None
    assert refusal(c, "record_intent", {"intent": "x"}, crm) == [
        "crm as integration may fire only: record_interview, sign_founding_basis."
    ]
    founding = walk(TASKFORCE, TF_BEFORE_FOUND).coalition
    assert refusal(founding, "found", {}, crm) == [
        "crm as integration may fire only: record_interview, sign_founding_basis."
    ]
    signed = fire(founding, *step_args(TF_BASIS), crm)
    assert len(signed.founding_bases) == 2
    nothing = integration(key="esign")
    assert refusal(c, *step_args(interview("ZN")), nothing) == [
        "esign as integration may fire only: nothing."
    ]


def test_the_system_may_fire_steps_such_as_follow_ups() -> None:
    c = walk(TASKFORCE, TF).coalition
    assert fire(c, "start_monitoring", {}, SYSTEM).state == "monitoring"
