"""Follow-ups leave the engine through real channels: a local SMTP server and a local HTTP
receiver, with the workflow on the time-skipping server and real activities."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from tests.support.receivers import Webhooks, smtp_server, verify_delivery, webhook_receiver
from tests.support.servers import running_worker, skip

SECRET = "whsec_" + base64.b64encode(b"a follow-up channel secret").decode()


@pytest.fixture()
def channels(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Webhooks]]:
    hooks = Webhooks()
    with smtp_server() as (port, mailbox), webhook_receiver(hooks) as url:
        monkeypatch.setenv("LEMNISCATE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("LEMNISCATE_SMTP_PORT", str(port))
        monkeypatch.setenv("LEMNISCATE_SMTP_FROM", "lemniscate@example.org")
        monkeypatch.setenv("LEMNISCATE_PROGRAMME_OFFICE_EMAIL", "office@example.org")
        monkeypatch.setenv("LEMNISCATE_WEBHOOK_URLS", url)
        monkeypatch.setenv("LEMNISCATE_WEBHOOK_SECRET", SECRET)
        yield mailbox, hooks


def _start(slug: str) -> dict[str, Any]:
    start = walks.taskforce_start(slug)
    start["coordinator_email"] = "coordinator@example.org"
    start["partners"] = [{"name": "Aedes", "email": "aedes@example.org"}, {"name": "VNG"}]
    return start


async def test_reminder_and_escalation_reach_mail_and_webhook(
    own_clock: WorkflowEnvironment, channels: tuple[Any, Webhooks]
) -> None:
    mailbox, hooks = channels
    async with running_worker(own_clock.client) as service:
        await service.start(_start("notify-mail"), walks.COORDINATOR)
        await skip(own_clock, timedelta(days=20))
        assert mailbox.messages == [] and hooks.received == []

        await skip(own_clock, timedelta(days=2))
        reminders = [m for m in mailbox.messages if "interview reminder" in m["Subject"]]
        assert len(reminders) == 2  # one per partner without an interview
        assert {m["X-Envelope-To"] for m in reminders} == {"coordinator@example.org"}
        assert all(m["From"] == "lemniscate@example.org" for m in reminders)
        bodies = " ".join(str(m.get_payload()) for m in reminders)
        assert "Aedes was added on" in bodies and "VNG was added on" in bodies

        accepted = hooks.accepted()
        assert len(accepted) == 2
        for headers, body in accepted:
            event = verify_delivery(headers, body, SECRET)  # as the operator's receiver would
            assert event.get_type() == "nl.lemniscate.coalition.follow_up"
            assert event.get_id() == headers["webhook-id"] and event.get_id().startswith(
                "coalition/notify-mail:"
            )
            assert event.get_source() == "/coalitions/notify-mail"
            data = event.get_data()
            assert isinstance(data, dict) and data["follow_up"]["kind"] == "interview_reminder"

        # Nobody acted: 14 days later the programme office hears of it.
        await skip(own_clock, timedelta(days=14))
        escalations = [m for m in mailbox.messages if m["Subject"].endswith("escalation")]
        assert len(escalations) == 2
        assert all("office@example.org" in m["X-Envelope-To"] for m in escalations)
        view = await service.view("notify-mail", READER)
        assert view.failed_notifications == []
        assert view.status.follow_ups_sent == 4


async def test_receiver_down_is_retried_and_bad_target_is_visible_not_stuck(
    own_clock: WorkflowEnvironment, channels: tuple[Any, Webhooks]
) -> None:
    mailbox, hooks = channels
    hooks.statuses = [503, 503, 200]
    async with running_worker(own_clock.client) as service:
        start = _start("notify-retry")
        start["partners"] = [{"name": "Aedes"}]
        await service.start(start, walks.COORDINATOR)
        await skip(own_clock, timedelta(days=22))
        statuses = [status for status, _, _ in hooks.received]
        assert statuses == [503, 503, 200]
        # Every attempt the same id (a receiver drops a repeat), each its own timestamp.
        assert len({headers["webhook-id"] for _, headers, _ in hooks.received}) == 1

        hooks.statuses = [400]  # a target that refuses for good
        await skip(own_clock, timedelta(days=14))
        view = await service.view("notify-retry", READER)
        assert len(view.failed_notifications) == 1
        failure = view.failed_notifications[0]
        assert "webhook_follow_up" in failure and "HTTP 400" in failure
        assert len(mailbox.messages) == 2  # e-mail still went out for both follow-ups

        after = await service.fire("notify-retry", "record_intent", {"intent": "Go on."}, walks.COORDINATOR)
        assert after.coalition.intent == "Go on."


async def _walk(service: CoalitionService, slug: str, steps: list[walks.Step]) -> None:
    for step in steps:
        await service.fire(slug, step.trigger, step.payload, step.actor)


async def test_overdue_action_opens_accountability_until_its_owner_reports(
    own_clock: WorkflowEnvironment,
) -> None:
    async with running_worker(own_clock.client) as service:
        slug = "accountability"
        await service.start(walks.taskforce_start(slug), walks.COORDINATOR)
        await _walk(service, slug, walks.taskforce_to_execution())
        now = await own_clock.get_current_time()
        due = (now + timedelta(days=10)).date().isoformat()
        await service.fire(slug, "start_monitoring", {}, walks.COORDINATOR)
        await service.fire(slug, "record_monitoring_report", {"summary": "Started."}, walks.COORDINATOR)
        await service.fire(slug, "decide", {}, walks.COORDINATOR)
        await service.fire(
            slug, "record_decision", {"decision": "Set a due date.", "rests_on": ["R5"]}, walks.COORDINATOR
        )
        await service.fire(slug, "adjust", {}, walks.COORDINATOR)
        await service.fire(slug, "update_action", {"action": "A3", "due_on": due}, walks.COORDINATOR)
        await service.fire(slug, "resume_doing", {}, walks.COORDINATOR)

        await skip(own_clock, timedelta(days=11))
        view = await service.view(slug, READER)
        items = view.coalition.open_accountability()
        assert [(i.action, i.owner) for i in items] == [("A3", "Aedes")]
        journal = await service.journal(slug, READER)
        opened = [e for e in journal if e.event.trigger == "open_accountability_item"]
        assert len(opened) == 1 and opened[0].event.actor.role.value == "system"

        await service.fire(
            slug,
            "report_progress",
            {"action": "A3", "status": "in_progress", "note": "Permits delayed."},
            walks.partner_actor("Aedes"),
        )
        closed = (await service.view(slug, READER)).coalition.accountability
        assert closed[0].closed_by == "progress report" and not closed[0].open


async def test_progress_review_opens_a_monitoring_round(own_clock: WorkflowEnvironment) -> None:
    async with running_worker(own_clock.client) as service:
        slug = "review"
        await service.start(walks.taskforce_start(slug), walks.COORDINATOR)
        await _walk(service, slug, walks.taskforce_to_execution())
        await skip(own_clock, timedelta(days=89))
        assert (await service.view(slug, READER)).overview.state == "doing"
        await skip(own_clock, timedelta(days=2))
        view = await service.view(slug, READER)
        assert view.overview.state == "monitoring"
        last = (await service.journal(slug, READER))[-1]
        assert last.event.trigger == "start_monitoring"
        assert last.event.actor.role.value == "system"
