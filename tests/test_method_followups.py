"""The night candle's timing, in the pure planner: lit at the first delivery time (09:00
UTC) once the inactivity period has passed, so a busy day moves it at most once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.states import followups

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
