"""The walks and steps the method tests (tests/test_method_*.py) start from: the example
coalitions, the points along the taskforce's walk, and steps made for one partner."""

from __future__ import annotations

from typing import Any

from lemniscate.examples import walks
from lemniscate.examples.walks import Step, partner_actor
from tests.support.method_helpers import steps_before, steps_through

TASKFORCE = walks.taskforce_start()
STRICT_TASKFORCE = walks.taskforce_start(playbook="strict")
CITY = walks.city_start()
TF = walks.taskforce_to_execution()
TF_ALL = TF + walks.taskforce_one_cycle() + walks.taskforce_closing()
CT = walks.city_to_execution()
TF_INTERVIEWS = steps_before(TF, "map_domain")
TF_BEFORE_FOUND = steps_before(TF, "found")
TF_TO_PREP = steps_through(TF, "prepare_exploration_meeting")
TF_BEFORE_OUTCOME = steps_before(TF, "record_meeting_outcome")
TF_OUTCOME = TF[len(TF_BEFORE_OUTCOME)]
TF_BEFORE_BASIS = steps_before(TF, "sign_founding_basis")
TF_BASIS = TF[len(TF_BEFORE_BASIS)]
TF_CYCLE = TF + walks.taskforce_one_cycle()


def plan_exploration(invitees: list[str], inviters: list[str], kind: str = "exploration") -> Step:
    return Step(
        "plan_meeting", {"kind": kind, "on": "2027-03-04", "invitees": invitees, "inviters": inviters}
    )


def commit_step(org: str) -> Step:
    return Step("commit", {"partner": org}, partner_actor(org))


def credit_step(org: str) -> Step:
    return Step("credit_partner", {"partner": org, "contribution": f"{org} did its part."})


def step_args(step: Step) -> tuple[str, dict[str, Any]]:
    return step.trigger, step.payload
