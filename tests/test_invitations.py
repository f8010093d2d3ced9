"""Meeting invitations reach the invitees by e-mail with a calendar request (a local SMTP
server, the workflow on the time-skipping server): the request parses with `icalendar`, has
the UID of the coalition's calendar feed, and a moved meeting sends the same UID with a
higher SEQUENCE. The pure planner's rules are asserted beside it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from typing import Any

import pytest
from icalendar import Calendar
from temporalio.testing import WorkflowEnvironment

from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.invitation import meeting_uid
from lemniscate.states import invitations
from tests.support.method_helpers import fire, walk
from tests.support.receivers import Mailbox, smtp_server
from tests.support.servers import running_worker
from tests.support.workflows import eventually, walk_service

SLUG = "uitnodiging"
AT = datetime(2027, 2, 1, 10, tzinfo=UTC)


def _start() -> dict[str, Any]:
    start = walks.taskforce_start(SLUG)
    start["coordinator_email"] = "coordinator@example.org"
    for partner in start["partners"]:
        partner["email"] = f"{partner['name'].lower()}@example.org"
    return start


def _to_the_meeting() -> list[walks.Step]:
    steps = walks.taskforce_to_execution()
    return steps[: 1 + next(i for i, s in enumerate(steps) if s.trigger == "plan_meeting")]


@pytest.fixture()
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with smtp_server() as (port, box):
        monkeypatch.setenv("LEMNISCATE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("LEMNISCATE_SMTP_PORT", str(port))
        monkeypatch.setenv("LEMNISCATE_SMTP_FROM", "lemniscate@example.org")
        yield box


def _requests(box: Mailbox) -> list[tuple[Message, Calendar]]:
    found = []
    for message in box.messages:
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                found.append((message, Calendar.from_ical(payload)))
    return found


def test_an_invitation_per_meeting_to_hold_and_a_new_one_each_time_it_moves() -> None:
    c = walk(_start(), _to_the_meeting()).coalition
    (first,) = invitations.plan(c, AT)
    assert first.key == "meeting_invitation:M1:0" and first.due_at == AT
    assert first.recipients == list(walks.TASKFORCE_PARTNERS)
    assert first.addresses == [f"{p.lower()}@example.org" for p in walks.TASKFORCE_PARTNERS]
    assert first.invitation is not None and first.invitation.uid == meeting_uid(SLUG, "M1")
    assert first.message.startswith("You are invited to the exploration meeting M1")

    moved = fire(c, "reschedule_meeting", {"meeting": "M1", "on": "2027-03-11"})
    (second,) = invitations.plan(moved, AT)
    assert second.key == "meeting_invitation:M1:1" and second.invitation is not None
    assert (second.invitation.sequence, str(second.invitation.day)) == (1, "2027-03-11")
    assert "has moved to 2027-03-11" in second.message
    held = fire(moved, "hold_exploration_meeting")
    assert invitations.plan(held, AT) == []  # held: nobody is invited any more


async def test_invitees_get_a_calendar_request_and_a_moved_meeting_updates_it(
    own_clock: WorkflowEnvironment, mailbox: Mailbox
) -> None:
    async with running_worker(own_clock.client) as service:
        await service.start(_start(), walks.COORDINATOR)
        await walk_service(service, SLUG, _to_the_meeting())
        (sent, request) = (await eventually(lambda: _got(mailbox), lambda r: len(r) == 1))[0]
        assert "meeting invitation" in sent["Subject"]
        assert set(sent["X-Envelope-To"].split(", ")) == {
            f"{p.lower()}@example.org" for p in walks.TASKFORCE_PARTNERS
        }
        assert str(request["method"]) == "REQUEST"
        (event,) = request.walk("VEVENT")
        feed = Calendar.from_ical(await service.calendar(SLUG, READER, "en"))
        (in_feed,) = [e for e in feed.walk("VEVENT") if str(e["uid"]).startswith("meeting-")]
        assert str(event["uid"]) == str(in_feed["uid"]) == meeting_uid(SLUG, "M1")
        assert event.decoded("sequence") == 0 and str(event.decoded("dtstart")) == "2027-03-04"
        assert str(event["organizer"]) == "mailto:coordinator@example.org"
        attendees = event.get("attendee")
        assert isinstance(attendees, list)
        assert sorted(str(a) for a in attendees) == sorted(
            f"mailto:{p.lower()}@example.org" for p in walks.TASKFORCE_PARTNERS
        )

        await service.fire(
            SLUG, "reschedule_meeting", {"meeting": "M1", "on": "2027-03-11"}, walks.COORDINATOR
        )
        requests = await eventually(lambda: _got(mailbox), lambda r: len(r) == 2)
        (update,) = requests[1][1].walk("VEVENT")
        assert str(update["uid"]) == str(event["uid"]) and update.decoded("sequence") == 1
        assert str(update.decoded("dtstart")) == "2027-03-11"

        # Another step of the coalition sends nothing again: each invitation once.
        await service.fire(
            SLUG, "record_intent", {"intent": "Still the same intent, said again."}, walks.COORDINATOR
        )
        assert len(await eventually(lambda: _got(mailbox), lambda r: len(r) >= 2)) == 2


async def _got(box: Mailbox) -> list[tuple[Message, Calendar]]:
    return _requests(box)
