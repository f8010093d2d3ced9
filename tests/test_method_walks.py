"""The two worked coalitions walked end to end, the loop back to round 1, dissolution, and
round and side along the way (their replay: tests/test_method_walks_replay.py)."""

from __future__ import annotations

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import Step
from lemniscate.models.coalition import ActionStatus, BasisKind
from lemniscate.models.records import CommitmentLevel, Track
from tests.support.method_helpers import (
    Walked,
    city_steps,
    decide,
    exploration_outcome,
    fire,
    refusal,
    start_event,
    step_event,
    steps_before,
    steps_through,
    taskforce_steps,
    the_action,
    walk,
)

ALL_STATE_IDS = {s.id for s in states.STATES}
ROUND_ONE_AGAIN = [Step("map_domain"), Step("plan_collaboration"), Step("prepare_exploration_meeting")]
# Both walks go the same way through rounds 1 and 2 to their founding meeting.
TO_FOUNDING = [
    "intent_and_interests",
    "domain_mapping",
    "own_collaboration_plan",
    "exploration_meeting_prep",
    "sharing_interests",
    "content_elaboration",
    "collaboration_proposals",
    "proposal_completion",
    "founding",
]
# One execution cycle, from doing back to doing.
ONE_CYCLE = ["doing", "monitoring", "deciding", "adjusting", "doing"]
NOT_FOUNDED_SENTENCE = "The coalition is founded: close it deliberately (start_closing), do not dissolve it."


def _distinct_in_order(visited: list[str]) -> list[str]:
    """The states passed, without the repeats of records that stay in a state."""
    return [s for i, s in enumerate(visited) if i == 0 or visited[i - 1] != s]


def _exploration_meeting(commitment: str, meeting: str = "M1") -> list[Step]:
    """Plan, hold and record an exploration meeting of the taskforce."""
    return [
        Step(
            "plan_meeting",
            {"kind": "exploration", "on": "2027-03-04", "invitees": ["VNG", "Aedes"], "inviters": ["VWS"]},
        ),
        Step("hold_exploration_meeting"),
        exploration_outcome(meeting, commitment, ["VNG", "Aedes"]),
    ]


def _taskforce_without_commitment() -> Walked:
    """The taskforce up to its exploration meeting, which ends without commitment."""
    steps = steps_before(walks.taskforce_to_execution(), "record_meeting_outcome")
    return walk(
        walks.taskforce_start(), [*steps, exploration_outcome("M1", "none", ["VNG", "Aedes", "ActiZ"])]
    )


def _dissolved() -> Walked:
    """The taskforce stopped after its exploration meeting ended without commitment."""
    return walk(
        walks.taskforce_start(),
        [
            *steps_before(walks.taskforce_to_execution(), "record_meeting_outcome"),
            exploration_outcome("M1", "none", ["VNG", "Aedes", "ActiZ"]),
            Step("dissolve", {"reason": "Nobody wanted to commit."}),
        ],
    )


def _overview_after(
    start: dict[str, object], steps: list[Step], trigger: str, nth: int = 1
) -> states.Overview:
    return states.overview(walk(start, steps_through(steps, trigger, nth)).coalition)


# The taskforce: plan track ----------------------------------------------------------------


def test_taskforce_walks_the_plan_track_from_start_to_closed() -> None:
    done = walk(walks.taskforce_start(), taskforce_steps())
    assert _distinct_in_order(done.states) == [*TO_FOUNDING, *ONE_CYCLE, "closing", "closed"]
    c = done.coalition
    assert c.state == "closed"
    assert c.track == Track.plan
    assert c.founded
    assert c.cycle == 1
    assert [b.kind for b in c.founding_bases] == [BasisKind.plan_of_approach]
    assert [q.name for q in c.committed_partners()] == ["VNG", "Aedes", "ActiZ"]
    assert {q.name: q.contribution for q in c.partners} == {
        "VNG": "VNG did its part.",
        "Aedes": "Aedes did its part.",
        "ActiZ": "ActiZ did its part.",
        "ZN": "ZN did its part.",
        "BZK": None,
    }
    assert c.closing_reason == "The housing-care agreements are in place."
    assert c.closing_summary == "Closed with recognition of every partner."
    assert [(a.id, a.owner) for a in c.actions] == [
        ("A2", "VNG"),
        ("A3", "Aedes"),
        ("A4", None),
        ("A7", "ZN"),
    ]
    assert the_action(c, "A2").status == ActionStatus.in_progress
    assert [r.id for r in c.monitoring_reports] == ["R5"]
    assert [(d.id, d.cycle, d.rests_on) for d in c.decisions] == [("D6", 0, ["R5"])]
    view = states.overview(c)
    assert (view.final, view.round, view.side, view.step) == (
        True,
        states.Round.closure,
        states.Side.het,
        None,
    )
    assert view.allowed == []


def test_taskforce_execution_cycle_is_doing_monitoring_deciding_adjusting_doing() -> None:
    execution = walk(walks.taskforce_start(), walks.taskforce_to_execution())
    assert execution.coalition.state == "doing"
    assert execution.coalition.cycle == 0
    cycled = walk(walks.taskforce_start(), walks.taskforce_to_execution() + walks.taskforce_one_cycle())
    assert _distinct_in_order(cycled.states[len(execution.states) - 1 :]) == ONE_CYCLE
    assert cycled.coalition.cycle == 1
    # A second cycle needs its own monitoring report: the one of cycle 0 does not count.
    again = fire(cycled.coalition, "start_monitoring")
    assert refusal(again, "decide") == ["No monitoring report in this cycle yet (record_monitoring_report)."]


@pytest.mark.parametrize(
    ("trigger", "nth", "state", "round_", "side", "step"),
    [
        ("record_intent", 1, "intent_and_interests", "1", "zij", 1),
        ("map_domain", 1, "domain_mapping", "1", "ik", 2),
        ("plan_collaboration", 1, "own_collaboration_plan", "1", "wij", 3),
        ("prepare_exploration_meeting", 1, "exploration_meeting_prep", "1", "het", 4),
        ("hold_exploration_meeting", 1, "sharing_interests", "2", "zij", 5),
        ("elaborate_content", 1, "content_elaboration", "2", "ik", 6),
        ("propose_collaboration", 1, "collaboration_proposals", "2", "wij", 7),
        ("complete_proposal", 1, "proposal_completion", "2", "het", 8),
        ("call_founding_meeting", 1, "founding", "3", "het", 9),
        ("found", 1, "doing", "execution", "het", 10),
        ("start_monitoring", 1, "monitoring", "execution", "zij", 10),
        ("decide", 1, "deciding", "execution", "ik", 10),
        ("adjust", 1, "adjusting", "execution", "wij", 10),
        ("resume_doing", 1, "doing", "execution", "het", 10),
        ("start_closing", 1, "closing", "closure", "wij", None),
        ("close", 1, "closed", "closure", "het", None),
    ],
)
def test_taskforce_round_and_side(
    trigger: str, nth: int, state: str, round_: str, side: str, step: int | None
) -> None:
    view = _overview_after(walks.taskforce_start(), taskforce_steps(), trigger, nth)
    assert (view.state, view.round.value, view.side.value, view.step) == (state, round_, side, step)
    assert view.title == states.STATE_INFO[state].title


# The city centre: initiative track, founding variant a, transformation ----------------------


def test_city_walks_the_initiative_track_founds_on_a_proposal_and_transforms() -> None:
    done = walk(walks.city_start(), city_steps())
    assert _distinct_in_order(done.states) == [
        *TO_FOUNDING,
        # founded on the initiative proposal: round 2 again, now towards a plan of approach
        "content_elaboration",
        "collaboration_proposals",
        "proposal_completion",
        "approach_adoption",
        "doing",
        "transforming",
        "intent_and_interests",
    ]


def test_city_round_two_runs_again_in_plan_mode_shown_as_round_three() -> None:
    steps = city_steps()
    before = walk(walks.city_start(), steps_through(steps, "elaborate_content"))
    view = states.overview(before.coalition)
    assert (view.state, view.round, view.side, view.track, view.founded) == (
        "content_elaboration",
        states.Round.two,
        states.Side.ik,
        "initiative",
        False,
    )

    founded = walk(walks.city_start(), steps_through(steps, "found"))
    c = founded.coalition
    assert (c.state, c.founded, c.track) == ("content_elaboration", True, Track.plan)
    assert [b.kind for b in c.founding_bases] == [BasisKind.declaration_of_intent]
    view = states.overview(c)
    assert (view.round.value, view.side, view.step, view.track) == ("3", states.Side.ik, 6, "plan")

    for trigger, state, side in [
        ("propose_collaboration", "collaboration_proposals", "wij"),
        ("complete_proposal", "proposal_completion", "het"),
        ("call_adoption_meeting", "approach_adoption", "het"),
    ]:
        nth = 1 if trigger == "call_adoption_meeting" else 2
        view = _overview_after(walks.city_start(), steps, trigger, nth)
        assert (view.state, view.round.value, view.side.value) == (state, "3", side)
    # Once founded the coalition calls the adoption meeting, not a second founding meeting.
    at_completion = walk(walks.city_start(), steps_before(steps, "call_adoption_meeting"))
    assert refusal(at_completion.coalition, "call_founding_meeting") == [
        "call_founding_meeting does not apply to this coalition now (track plan, founded True)."
    ]


def test_city_adopts_the_approach_and_starts_doing() -> None:
    adopted = walk(walks.city_start(), walks.city_to_execution())
    c = adopted.coalition
    assert (c.state, c.founded, c.track, c.cycle) == ("doing", True, Track.plan, 0)
    assert [b.kind for b in c.founding_bases] == [BasisKind.declaration_of_intent, BasisKind.plan_of_approach]
    assert [o.title for o in c.options] == [
        "Focus on events",
        "Focus on living in the centre",
        "Steering group",
        "Lead organisation: Gemeente",
    ]
    assert [(a.id, a.owner) for a in c.actions] == [("A6", "Gemeente"), ("A7", "Ondernemers")]
    assert states.overview(c).round == states.Round.execution


def test_city_transformation_starts_a_new_lemniscate_with_the_same_partners() -> None:
    adopted = walk(walks.city_start(), walks.city_to_execution()).coalition
    steps = walks.city_transformation()
    transforming = fire(adopted, steps[0].trigger, steps[0].payload)
    assert transforming.state == "transforming"
    assert transforming.next_task is not None
    assert transforming.next_task.title == "A climate-proof city centre"
    view = states.overview(transforming)
    assert (view.round, view.side) == (states.Round.closure, states.Side.zij)

    c = fire(transforming, steps[1].trigger, steps[1].payload)
    assert c.state == "intent_and_interests"
    assert [q.name for q in c.partners] == list(walks.CITY_PARTNERS)
    assert all(q.interview is None and q.placement is None and not q.committed for q in c.partners)
    assert c.task.title == "A climate-proof city centre"
    assert (c.founded, c.track, c.cycle, c.passes, c.next_task) == (False, None, 0, 1, None)
    assert (c.intent, c.topics, c.meetings, c.options, c.actions, c.founding_bases) == (
        None,
        [],
        [],
        [],
        [],
        [],
    )
    assert (c.initiators, c.coordinator, c.id) == (adopted.initiators, adopted.coordinator, adopted.id)
    # The old approach is archived and ended: no action of it is still running.
    [old] = c.archived
    assert old.task == adopted.task
    assert old.founding_bases == adopted.founding_bases
    assert [a.id for a in old.actions] == ["A6", "A7"]
    assert {a.status for a in old.actions} == {ActionStatus.cancelled}
    assert c.serial == adopted.serial  # generated ids never repeat
    view = states.overview(c)
    assert (view.round, view.side, view.founded, view.track) == (
        states.Round.one,
        states.Side.zij,
        False,
        None,
    )


# No commitment: back to round 1, or dissolve -----------------------------------------------


def test_no_commitment_loops_back_to_round_one_and_passes_increment() -> None:
    first = _taskforce_without_commitment().coalition
    assert first.state == "sharing_interests"
    assert first.passes == 1
    assert refusal(first, "elaborate_content") == [
        "The exploration meeting ended without commitment: go back to round 1 "
        "(return_to_round_one) or stop (dissolve)."
    ]

    second = fire(first, "return_to_round_one")
    assert (second.state, second.passes, second.track) == ("intent_and_interests", 2, None)
    view = states.overview(second)
    assert (view.round, view.side) == (states.Round.one, states.Side.zij)
    # What round 1 gathered is kept: the interviews still count.
    assert all(q.interview is not None for q in second.partners)
    assert "map_domain" in view.allowed

    c = second
    for step in [*ROUND_ONE_AGAIN, *_exploration_meeting("none", "M2")]:
        c = states.apply(c, step_event(step))
    assert (c.state, c.passes) == ("sharing_interests", 2)
    c = fire(c, "return_to_round_one")
    assert (c.state, c.passes) == ("intent_and_interests", 3)

    for step in [*ROUND_ONE_AGAIN, *_exploration_meeting("strong", "M3")]:
        c = states.apply(c, step_event(step))
    c = fire(c, "elaborate_content")
    assert (c.state, c.track, c.passes) == ("content_elaboration", Track.plan, 3)
    assert [m.outcome.commitment for m in c.meetings if m.outcome is not None] == [
        CommitmentLevel.none,
        CommitmentLevel.none,
        CommitmentLevel.strong,
    ]


def test_dissolution_before_founding_ends_the_coalition() -> None:
    done = _dissolved()
    c = done.coalition
    assert (c.state, c.dissolution_reason, c.founded) == ("dissolved", "Nobody wanted to commit.", False)
    view = states.overview(c)
    assert (view.final, view.round, view.side) == (True, states.Round.closure, states.Side.het)
    assert view.allowed == []
    assert refusal(c, "record_intent", {"intent": "Try again."}) == [
        "record_intent is not possible in dissolved; it applies in: intent_and_interests, "
        "domain_mapping, own_collaboration_plan, exploration_meeting_prep."
    ]


def test_dissolution_is_possible_from_the_very_first_state() -> None:
    c = states.genesis(start_event(walks.city_start()))
    c = fire(c, "dissolve", {"reason": "The initiator withdrew."})
    assert c.state == "dissolved"


def test_dissolution_is_refused_once_founded_with_the_guards_sentence() -> None:
    founded = walk(walks.city_start(), steps_through(city_steps(), "found")).coalition
    assert founded.state == "content_elaboration"
    verdict = decide(founded, "dissolve", {"reason": "Enough."}, walks.COORDINATOR)
    assert verdict.reasons == (NOT_FOUNDED_SENTENCE,)
    assert states.overview(founded).blockers["dissolve"] == [NOT_FOUNDED_SENTENCE]
    assert refusal(founded, "dissolve", {"reason": "Enough."}) == [NOT_FOUNDED_SENTENCE]
    # In execution dissolving is no option at all; closing deliberately is.
    doing = walk(walks.taskforce_start(), walks.taskforce_to_execution()).coalition
    [reason] = refusal(doing, "dissolve", {"reason": "Enough."})
    assert reason.startswith("dissolve is not possible in doing; it applies in: intent_and_interests, ")
    assert "start_closing" in states.overview(doing).allowed


# All states, round and side everywhere -----------------------------------------------------


def _all_walks() -> list[Walked]:
    return [
        walk(walks.taskforce_start(), taskforce_steps()),
        walk(walks.city_start(), city_steps()),
        _dissolved(),
    ]


def test_the_walks_reach_every_state() -> None:
    visited = {state for done in _all_walks() for state in done.states}
    assert visited == ALL_STATE_IDS


def test_overview_shows_the_tables_round_and_side_in_every_state_walked() -> None:
    for done in _all_walks():
        c = states.genesis(done.events[0])
        for e in done.events[1:]:
            c = states.apply(c, e)
            info = states.STATE_INFO[c.state]
            view = states.overview(c)
            assert (view.state, view.side, view.step, view.final) == (
                c.state,
                info.side,
                info.step,
                info.final,
            )
            expected = states.Round.three if info.round == states.Round.two and c.founded else info.round
            assert view.round == expected
