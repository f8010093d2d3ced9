"""The pure follow-up planner. The night candle's timing: lit at the first delivery time
(09:00 UTC) once the inactivity period has passed, so a busy day moves it at most once. And
follow-ups that tell the truth: an overdue action says how many days overdue, an unassigned
one goes to the coordinator, a meeting held early or moved re-plans its reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.examples.walks import Step
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.states import followups
from tests.support.method_helpers import fire, walk

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def coalition() -> Coalition:
    return states.genesis(
        Event(
            trigger=states.START, payload=walks.taskforce_start("candle"), actor=walks.COORDINATOR, at=START
        )
    )


@pytest.mark.parametrize(
    ("last_activity", "lit"),
    [
        (datetime(2026, 11, 23, 8, 30, tzinfo=UTC), datetime(2027, 1, 22, 9, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), datetime(2027, 1, 22, 9, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 9, 0, 1, tzinfo=UTC), datetime(2027, 1, 23, 9, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 23, 59, tzinfo=UTC), datetime(2027, 1, 23, 9, 0, tzinfo=UTC)),
    ],
)
def test_candle_is_lit_at_the_first_delivery_time_after_sixty_quiet_days(
    coalition: Coalition, last_activity: datetime, lit: datetime
) -> None:
    assert followups.night_candle_at(coalition, last_activity) == lit
    [candle] = [
        f for f in followups.plan(coalition, last_activity) if f.kind == followups.FollowUpKind.inactivity
    ]
    assert candle.due_at == lit
    assert not followups.at_risk(coalition, last_activity, lit - timedelta(seconds=1))
    assert followups.at_risk(coalition, last_activity, lit)


def test_a_busy_working_day_moves_the_candle_once(coalition: Coalition) -> None:
    steps = [
        datetime(2026, 11, 23, 9, 30, tzinfo=UTC) + timedelta(minutes=7 * i) for i in range(100)
    ]  # 09:30 to 21:03
    assert {followups.night_candle_at(coalition, at) for at in steps} == {
        datetime(2027, 1, 23, 9, 0, tzinfo=UTC)
    }


def test_exact_timing_is_kept_for_coalitions_started_before_the_rule(coalition: Coalition) -> None:
    last_activity = datetime(2026, 11, 23, 14, 39, 37, tzinfo=UTC)
    exact = last_activity + timedelta(days=60)
    assert followups.night_candle_at(coalition, last_activity, exact=True) == exact
    [candle] = [
        f
        for f in followups.plan(coalition, last_activity, exact_night_candle=True)
        if f.kind == followups.FollowUpKind.inactivity
    ]
    assert candle.due_at == exact
    assert followups.at_risk(coalition, last_activity, exact, exact_night_candle=True)
    assert not followups.at_risk(coalition, last_activity, exact)


# Follow-ups that tell the truth -----------------------------------------------------------


def _executing() -> Coalition:
    return walk(walks.taskforce_start("truth"), walks.taskforce_to_execution()).coalition


def _with_due(c: Coalition, action_id: str, due_on: date) -> Coalition:
    actions = [a.model_copy(update={"due_on": due_on}) if a.id == action_id else a for a in c.actions]
    return c.model_copy(update={"actions": actions})


def _of(c: Coalition, kind: followups.FollowUpKind, **plan_options: bool) -> list[followups.FollowUp]:
    return [f for f in followups.plan(c, datetime(2027, 1, 1, tzinfo=UTC), **plan_options) if f.kind == kind]


def test_an_overdue_action_says_how_many_days_overdue_it_is() -> None:
    c = _with_due(_executing(), "A2", date(2026, 11, 25))
    [overdue] = [
        f for f in _of(c, followups.FollowUpKind.action_overdue) if f.key.startswith("action_overdue:A2")
    ]
    assert overdue.message.startswith("Action A2 'Ambassador network in every region' of VNG is due today")
    checked = followups.as_of(overdue, c, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert "is 6 days overdue (due 2026-11-25) and not done." in checked.message
    assert "due today" not in checked.message and checked.key == overdue.key
    next_day = followups.as_of(overdue, c, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert "is 1 day overdue (due 2026-11-25)" in next_day.message
    assert followups.as_of(overdue, c, datetime(2026, 11, 25, 9, 0, tzinfo=UTC)).message == overdue.message


def test_an_unassigned_action_s_follow_ups_go_to_the_coordinator_once() -> None:
    c = _executing()
    assert c.action("A4") is not None and c.action("A4").owner is None  # type: ignore[union-attr]
    c = _with_due(c, "A4", date(2027, 6, 1))
    [reminder] = [f for f in _of(c, followups.FollowUpKind.action_due_reminder) if "A4" in f.key]
    [overdue] = [f for f in _of(c, followups.FollowUpKind.action_overdue) if "A4" in f.key]
    assert reminder.recipients == overdue.recipients == [c.coordinator]
    assert reminder.audience == followups.Audience.coordinator
    assert "has no owner" in overdue.message and f"of {c.coordinator}" not in overdue.message


def _exploration_planned() -> tuple[Coalition, list[Step]]:
    steps = walks.taskforce_to_execution()
    held = [s.trigger for s in steps].index("hold_exploration_meeting")
    return walk(walks.taskforce_start("held"), steps[:held]).coalition, steps


def test_a_meeting_held_early_retires_its_reminder_and_awaits_the_outcome_from_that_day() -> None:
    c, _ = _exploration_planned()
    meeting = c.exploration_meeting()
    assert meeting is not None and meeting.on == date(2027, 3, 4)
    held = fire(c, "hold_exploration_meeting")  # on 2027-01-01, two months early
    assert held.exploration_meeting().held_on == date(2027, 1, 1)  # type: ignore[union-attr]
    assert _of(held, followups.FollowUpKind.meeting_reminder) == []
    [outcome] = _of(held, followups.FollowUpKind.outcome_reminder)
    after = c.playbook.follow_up.outcome_reminder
    assert outcome.key == "outcome_reminder:M1:2027-01-01"
    assert outcome.due_at.date() == date(2027, 1, 1) + timedelta(days=after)
    assert "of 2027-01-01 has no recorded outcome" in outcome.message
    [escalation] = _of(held, followups.FollowUpKind.outcome_escalation)
    assert escalation.key == "outcome_escalation:M1:2027-01-01"
    # Runs that started before the rule keep planning from the planned day.
    [old] = _of(held, followups.FollowUpKind.meeting_reminder, as_held=False)
    assert old.key == "meeting_reminder:M1:2027-03-04"


def test_a_moved_meeting_is_reminded_of_its_new_date_only() -> None:
    c, _ = _exploration_planned()
    moved = fire(c, "reschedule_meeting", {"meeting": "M1", "on": "2027-04-15"})
    keys = {f.key for f in followups.plan(moved, datetime(2027, 1, 1, tzinfo=UTC))}
    assert {"meeting_reminder:M1:2027-04-15", "outcome_reminder:M1:2027-04-15"} <= keys
    assert not any("2027-03-04" in key for key in keys)


def test_a_due_date_already_past_is_accepted_with_a_warning() -> None:
    c = _executing()
    late = _with_due(c, "A2", date(2026, 11, 25))
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    [warning] = followups.past_due_warnings(c, late, now)
    assert warning.startswith(
        "Action A2 was due on 2026-11-25, already past: an accountability item is opened"
    )
    assert followups.past_due_warnings(late, late, now) == []  # said once, when it was set
    assert followups.past_due_warnings(c, _with_due(c, "A2", date(2026, 12, 2)), now) == []
