"""Follow-up timers of the coalition workflow on the time-skipping test server.

Every test gets its own server, so its clock starts at the real "now" and only that test
moves it (`own_clock.sleep` skips months in milliseconds). Expected moments are computed from the
dates the workflow itself recorded (added_on, execution_started_on, last_activity_at), and
each delivered follow-up must land on its moment (the workflow stamps it when it comes
due), exactly once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from lemniscate.cluster import search_attributes as sa
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Role
from lemniscate.models.journal import FollowUpRecord
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import SYSTEM, CoalitionView, workflow_id
from tests.support.lifecycle import unique
from tests.support.servers import running_worker, skip
from tests.support.workflows import bare_start, eventually, search_attributes, shift_dates, walk_service

pytestmark = pytest.mark.usefixtures("log_only")

# The workflow wakes at the due moment; its clock may be a few milliseconds past it.
PUNCTUAL = timedelta(seconds=5)
Delivered = tuple[str, str, datetime]  # kind, key, moment
PROGRAMME = "Testprogramma"  # escalations go to its office, not to the coordinator


def at9(day: date) -> datetime:
    """Reminders about a day go out at 09:00 UTC."""
    return datetime.combine(day, time(9), tzinfo=UTC)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def candle_after(last_activity: datetime) -> datetime:
    """The night candle: the first 09:00 UTC once 60 quiet days have passed."""
    quiet_until = last_activity + days(60)
    same_day = at9(quiet_until.date())
    return same_day if same_day >= quiet_until else at9(quiet_until.date() + days(1))


def interview(partner: str) -> dict[str, Any]:
    example = walks.taskforce_to_execution()[1]
    assert example.trigger == "record_interview"
    return {**example.payload, "partner": partner}


def handle_of(own_clock: WorkflowEnvironment, slug: str) -> WorkflowHandle[Any, Any]:
    return own_clock.client.get_workflow_handle(workflow_id(slug))


async def delivered(own_clock: WorkflowEnvironment, slug: str) -> list[Delivered]:
    records: list[FollowUpRecord] = await handle_of(own_clock, slug).query(
        CoalitionWorkflow.delivered_follow_ups
    )
    return [(r.kind, r.key, r.at) for r in records]


async def view(own_clock: WorkflowEnvironment, slug: str) -> CoalitionView:
    result: CoalitionView = await handle_of(own_clock, slug).query(CoalitionWorkflow.view)
    return result


async def sleep_until(own_clock: WorkflowEnvironment, moment: datetime) -> None:
    now = await own_clock.get_current_time()
    assert moment > now, f"{moment} is not after the server's now {now}"
    await skip(own_clock, moment - now)


def assert_delivered(actual: list[Delivered], expected: list[tuple[str, str, datetime]]) -> None:
    """Exactly the expected follow-ups, each once, each at its moment."""
    assert sorted((kind, key) for kind, key, _ in actual) == sorted((kind, key) for kind, key, _ in expected)
    due = {key: moment for _, key, moment in expected}
    late = {key: at - due[key] for _, key, at in actual if not due[key] <= at < due[key] + PUNCTUAL}
    assert not late, f"delivered off their moment: {late}"


# ---------------------------------------------------------------------------------------------


async def test_partner_not_interviewed_gets_one_reminder_after_21_days(
    own_clock: WorkflowEnvironment,
) -> None:
    slug = unique("interview")
    async with running_worker(own_clock.client) as service:
        await service.start(bare_start(slug, ("Alfa",), PROGRAMME), COORDINATOR)
        await service.fire(slug, "record_interview", interview("Alfa"), COORDINATOR)
        await skip(own_clock, days(3))
        added = await service.fire(slug, "add_partner", {"name": "Bravo"}, COORDINATOR)
        added_on = added.coalition.partner("Bravo").added_on  # type: ignore[union-attr]
        assert added_on == added.status.last_activity_at.date()
        key = f"interview_reminder:Bravo:{added_on}"
        due = at9(added_on + days(21))

        assert added.status.next_follow_up_at == due
        pending = await handle_of(own_clock, slug).query(CoalitionWorkflow.follow_ups)
        assert (pending[0].key, pending[0].due_at, pending[0].recipients) == (key, due, ["coordinator"])
        assert (await search_attributes(own_clock.client, workflow_id(slug)))[sa.NEXT_FOLLOW_UP.name] == due

        await sleep_until(own_clock, due - timedelta(hours=1))
        assert await delivered(own_clock, slug) == []
        assert (await view(own_clock, slug)).status.next_follow_up_at == due
        await skip(own_clock, timedelta(hours=2))
        assert_delivered(await delivered(own_clock, slug), [("interview_reminder", key, due)])
        [record] = await handle_of(own_clock, slug).query(CoalitionWorkflow.delivered_follow_ups)
        assert record.message.startswith(f"Bravo was added on {added_on} and has no interview")

        # Not interviewed 14 days later either: escalated once to the programme office;
        # the reminder itself is never repeated.
        escalation = at9(added_on + days(35))
        after = await view(own_clock, slug)
        assert after.status.next_follow_up_at == escalation
        await sleep_until(own_clock, at9(added_on + days(40)))
        assert_delivered(
            await delivered(own_clock, slug),
            [("interview_reminder", key, due), ("escalation", f"escalation:{key}", escalation)],
        )
        final = await view(own_clock, slug)
        assert final.status.follow_ups_sent == 2 and final.failed_notifications == []
        await handle_of(own_clock, slug).terminate("test done")


async def test_rescheduled_meeting_is_reminded_only_for_its_new_date(own_clock: WorkflowEnvironment) -> None:
    slug = unique("meeting")
    async with running_worker(own_clock.client) as service:
        started = await service.start(bare_start(slug, programme=PROGRAMME), COORDINATOR)
        day0 = started.status.last_activity_at.date()
        old, new = day0 + days(30), day0 + days(50)
        planned = await service.fire(
            slug,
            "plan_meeting",
            {"kind": "other", "on": old.isoformat(), "invitees": ["Gemeente"]},
            COORDINATOR,
        )
        assert planned.status.next_follow_up_at == at9(old - days(7))

        await skip(own_clock, days(10))
        moved = await service.fire(
            slug, "reschedule_meeting", {"meeting": "M1", "on": new.isoformat()}, COORDINATOR
        )
        assert moved.coalition.meeting("M1").on == new  # type: ignore[union-attr]
        assert moved.status.next_follow_up_at == at9(new - days(7))
        pending = await handle_of(own_clock, slug).query(CoalitionWorkflow.follow_ups)
        assert [f.key for f in pending if "M1" in f.key] == [
            f"meeting_reminder:M1:{new}",
            f"outcome_reminder:M1:{new}",
            f"outcome_escalation:M1:{new}",
        ]

        # Past the old date's reminder (day 23) and outcome reminder (day 32), and the new
        # date's reminder (day 43).
        await sleep_until(own_clock, at9(day0 + days(45)))
        reminder = ("meeting_reminder", f"meeting_reminder:M1:{new}", at9(new - days(7)))
        # The invitation when it was planned, and its update when it moved (states.invitations).
        invited = [
            ("meeting_invitation", "meeting_invitation:M1:0", planned.status.last_activity_at),
            ("meeting_invitation", "meeting_invitation:M1:1", moved.status.last_activity_at),
        ]
        assert_delivered(await delivered(own_clock, slug), [*invited, reminder])
        await sleep_until(own_clock, at9(day0 + days(55)))
        outcome = ("outcome_reminder", f"outcome_reminder:M1:{new}", at9(new + days(2)))
        sent = await delivered(own_clock, slug)
        assert_delivered(sent, [*invited, reminder, outcome])
        assert not [key for _, key, _ in sent if str(old) in key]
        records = await handle_of(own_clock, slug).query(CoalitionWorkflow.delivered_follow_ups)
        (first,) = [r for r in records if r.key.startswith("meeting_reminder:")]
        assert first.message == f"Reminder: other meeting M1 on {new}."
        await handle_of(own_clock, slug).terminate("test done")


async def test_untouched_for_two_years_each_follow_up_once_then_night_candle(
    own_clock: WorkflowEnvironment,
) -> None:
    slug = unique("untouched")
    wid = workflow_id(slug)
    async with running_worker(own_clock.client) as service:
        started = await service.start(bare_start(slug, ("Alfa", "Bravo"), PROGRAMME), COORDINATOR)
        day0 = started.status.last_activity_at.date()
        meeting_on = day0 + days(10)
        planned = await service.fire(
            slug,
            "plan_meeting",
            {"kind": "other", "on": meeting_on.isoformat(), "invitees": ["Alfa", "Bravo"]},
            COORDINATOR,
        )
        last_activity = planned.status.last_activity_at
        night_candle = candle_after(last_activity)
        expected = [
            ("meeting_invitation", "meeting_invitation:M1:0", last_activity),
            ("meeting_reminder", f"meeting_reminder:M1:{meeting_on}", at9(meeting_on - days(7))),
            ("outcome_reminder", f"outcome_reminder:M1:{meeting_on}", at9(meeting_on + days(2))),
            ("outcome_escalation", f"outcome_escalation:M1:{meeting_on}", at9(meeting_on + days(14))),
            *[
                ("interview_reminder", f"interview_reminder:{p}:{day0}", at9(day0 + days(21)))
                for p in ("Alfa", "Bravo")
            ],
            *[
                ("escalation", f"escalation:interview_reminder:{p}:{day0}", at9(day0 + days(35)))
                for p in ("Alfa", "Bravo")
            ],
            ("inactivity", f"inactivity:{last_activity.isoformat()}", night_candle),
        ]

        await sleep_until(own_clock, night_candle - timedelta(hours=1))
        assert_delivered(await delivered(own_clock, slug), expected[:-1])
        before = await view(own_clock, slug)
        assert before.status.at_risk is False
        assert before.status.next_follow_up_at == night_candle
        assert (await search_attributes(own_clock.client, wid))[sa.AT_RISK.name] is False

        await skip(own_clock, timedelta(hours=2))
        candle = await view(own_clock, slug)
        assert candle.status.at_risk is True
        assert candle.status.next_follow_up_at is None
        attributes = await eventually(
            lambda: search_attributes(own_clock.client, wid), lambda a: a[sa.AT_RISK.name] is True
        )
        assert sa.NEXT_FOLLOW_UP.name not in attributes

        await sleep_until(own_clock, datetime.combine(day0 + days(730), time(12), tzinfo=UTC))
        sent = await delivered(own_clock, slug)
        assert_delivered(sent, expected)
        assert [at for _, _, at in sent] == sorted(at for _, _, at in sent)
        quiet = await view(own_clock, slug)
        assert quiet.status.at_risk is True
        assert quiet.status.follow_ups_sent == len(expected)
        assert quiet.status.journal_length == 2  # follow-ups are not events of the coalition
        assert quiet.failed_notifications == []

        # New activity lights the candle again, in the view and in the search attribute.
        revived = await service.fire(slug, "record_intent", {"intent": "Start again."}, COORDINATOR)
        assert revived.status.at_risk is False
        assert revived.status.next_follow_up_at == candle_after(revived.status.last_activity_at)
        attributes = await eventually(
            lambda: search_attributes(own_clock.client, wid), lambda a: a[sa.AT_RISK.name] is False
        )
        assert attributes[sa.NEXT_FOLLOW_UP.name] == revived.status.next_follow_up_at
        await handle_of(own_clock, slug).terminate("test done")


async def test_execution_reviews_partner_meetings_and_action_deadlines(
    own_clock: WorkflowEnvironment,
) -> None:
    slug = unique("execution")
    async with running_worker(own_clock.client) as service:
        started = await service.start(walks.taskforce_start(slug), COORDINATOR)
        day0 = started.status.last_activity_at.date()
        # The walk's dates (2027: interviews, meetings, signatures) moved to more than 200
        # days ahead, so within this test only what it sets comes due: action A2, due in
        # 30 days. (Dates in the past would not do: a meeting planned on a past date is
        # overdue for its outcome at once.)
        steps = shift_dates(walks.taskforce_to_execution(), (day0 + days(200) - date(2027, 1, 10)).days)
        due_on = day0 + days(30)
        steps = [
            Step(s.trigger, {**s.payload, "due_on": due_on.isoformat()}, s.actor)
            if s.payload.get("title") == "Ambassador network in every region"
            else s
            for s in steps
        ]
        replies = await walk_service(service, slug, steps)
        found = replies["found"]
        assert found.overview.state == "doing"
        assert found.coalition.action("A2").due_on == due_on  # type: ignore[union-attr]
        started_on = found.coalition.execution_started_on
        assert started_on is not None
        last_activity = found.status.last_activity_at
        expected = [
            # Sent to the invitees when the exploration meeting was planned (states.invitations).
            (
                "meeting_invitation",
                "meeting_invitation:M1:0",
                replies["plan_meeting"].status.last_activity_at,
            ),
            ("action_due_reminder", f"action_due_reminder:A2:{due_on}", at9(due_on - days(7))),
            ("action_overdue", f"action_overdue:A2:{due_on}", at9(due_on)),
            ("partner_meeting", f"partner_meeting:{started_on}", at9(started_on + days(60))),
            ("inactivity", f"inactivity:{last_activity.isoformat()}", candle_after(last_activity)),
            ("escalation", f"escalation:partner_meeting:{started_on}", at9(started_on + days(74))),
            ("progress_review", f"progress_review:{started_on}", at9(started_on + days(90))),
        ]

        await sleep_until(own_clock, at9(due_on) + timedelta(hours=1))
        assert_delivered(await delivered(own_clock, slug), expected[:3])
        overdue = await view(own_clock, slug)
        # The overdue action opened an accountability item, fired by the engine itself.
        [item] = overdue.coalition.accountability
        assert (item.action, item.owner, item.opened_on, item.open) == ("A2", "VNG", due_on, True)
        assert overdue.status.last_activity_at == last_activity

        await sleep_until(own_clock, at9(started_on + days(100)))
        assert_delivered(await delivered(own_clock, slug), expected)
        reviewed = await view(own_clock, slug)
        # The progress review opened the monitoring round in `doing`.
        assert reviewed.overview.state == "monitoring"
        assert reviewed.coalition.last_review_on == started_on + days(90)
        journal = await service.journal(slug, READER, found.status.journal_length)
        assert [(e.event.trigger, e.event.actor, e.event.payload) for e in journal] == [
            ("open_accountability_item", SYSTEM, {"action": "A2"}),
            ("start_monitoring", SYSTEM, {}),
        ]
        assert all(e.event.actor.role == Role.system for e in journal)
        # The engine's own steps are no activity: the coalition is still a night candle.
        assert reviewed.status.last_activity_at == last_activity
        assert reviewed.status.at_risk is True
        assert reviewed.status.next_follow_up_at == at9(started_on + days(180))
        assert reviewed.failed_notifications == []
        await handle_of(own_clock, slug).terminate("test done")
