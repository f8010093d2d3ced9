"""A coalition as an iCalendar feed (RFC 5545): its meetings with their reminders, and the
due dates of its open actions, for a calendar application to subscribe to.

Each event's UID is the record's (`<kind>-<coalition>-<id>@lemniscate`), so a calendar
keeps one event per meeting; a rescheduled meeting keeps its UID and its SEQUENCE counts
the moves, read from the journal (RFC 5545 3.8.7.4: a revision raises it), so calendars
replace the old date instead of showing both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from lemniscate.language import translate
from lemniscate.models.coalition import Coalition, Meeting
from lemniscate.models.invitation import meeting_summary, meeting_uid
from lemniscate.models.journal import JournalEntry
from lemniscate.models.sentence import Sentence
from lemniscate.states.names import TriggerName as T

PRODID = "-//Lemniscate//Coalition calendar//EN"


def _uid(kind: str, coalition: Coalition, record: str) -> str:
    return f"{kind}-{coalition.id}-{record}@lemniscate"  # as `meeting_uid` names meetings


def _changes(journal: Sequence[JournalEntry], field: str, record: str) -> tuple[int, datetime | None]:
    """How often a record's date was changed after it was made, and when it last changed
    at all (its creation included): SEQUENCE and DTSTAMP."""
    moves, last = 0, None
    for entry in journal:
        payload = entry.event.payload
        if payload.get(field) == record or payload.get("id") == record:
            last = entry.event.at
            if entry.event.trigger == T.reschedule_meeting or (
                field == "action" and "due_on" in payload and payload.get(field) == record
            ):
                moves += 1
    return moves, last


def _all_day(event: Event, day: date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))


def _named_in_meeting(c: Coalition, meeting: Meeting) -> set[str]:
    return {*meeting.invitees, *meeting.inviters, c.coordinator, *([meeting.chair] if meeting.chair else [])}


def events_of(
    coalition: Coalition, journal: Sequence[JournalEntry], lang: str, now: datetime, who: str | None = None
) -> list[Event]:
    """The coalition's calendar events in `lang`: all of them, or (`who`, an organisation or
    a person) the meetings it is invited to, invites or chairs and the actions it owns (an
    unassigned action is the coordinator's). Without a journal, a meeting's SEQUENCE is the
    moves its record counts."""
    c = coalition
    found: list[Event] = []
    before = c.playbook.follow_up.meeting_reminder_before
    for m in c.meetings:
        if who is not None and who not in _named_in_meeting(c, m):
            continue
        moves, changed = _changes(journal, "meeting", m.id)
        event = Event()
        event.add("uid", meeting_uid(c.id, m.id))
        event.add("dtstamp", changed or now)
        event.add("sequence", max(moves, m.moves))
        _all_day(event, m.held_on or m.on)
        event.add("summary", translate(meeting_summary(c.name, m.id), lang))
        event.add("categories", [m.kind.value])
        if m.held_on is None and m.outcome is None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-before))
            reminder = Sentence(
                "calendar.meeting-reminder", "Reminder: meeting {id} on {day}", id=m.id, day=str(m.on)
            )
            alarm.add("description", translate(reminder, lang))
            event.add_component(alarm)
        found.append(event)
    for a in c.actions:
        if a.due_on is None or not a.is_open:
            continue
        if who is not None and who != (a.owner or c.coordinator):
            continue
        moves, changed = _changes(journal, "action", a.id)
        event = Event()
        event.add("uid", _uid("action", c, a.id))
        event.add("dtstamp", changed or now)
        event.add("sequence", moves)
        _all_day(event, a.due_on)
        said = Sentence("calendar.action-due", "Action {id} due: {title}", id=a.id, title=a.title)
        event.add("summary", translate(said, lang))
        found.append(event)
    return found


def calendar(name: str, events: Sequence[Event]) -> bytes:
    """A `text/calendar` body named `name` holding `events`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    body: bytes = cal.to_ical()
    return body


def feed(coalition: Coalition, journal: Sequence[JournalEntry], lang: str, now: datetime) -> bytes:
    """The coalition's calendar in `lang`, as the bytes of a `text/calendar` body."""
    return calendar(coalition.name, events_of(coalition, journal, lang, now))
