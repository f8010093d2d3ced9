"""A meeting invitation as an iCalendar request (RFC 5545 with iTIP, RFC 5546: METHOD:REQUEST),
the attachment of its e-mail. A moved meeting sends the same UID with a higher SEQUENCE, so
the invitee's calendar moves the event it holds instead of adding a second one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from lemniscate.language import translate
from lemniscate.models.invitation import Invitation
from lemniscate.models.sentence import from_wire

PRODID = "-//Lemniscate//Meeting invitation//EN"


def calendar_request(
    invitation: Invitation, attendees: Sequence[str], sender: str, sent_at: datetime, lang: str
) -> str:
    """The request's text: one all-day event, the invitees as attendees asked to answer."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    # When this revision was made, so a calendar can order two of them (RFC 5546 2.1.5).
    event.add("dtstamp", sent_at)
    event.add("dtstart", invitation.day)
    event.add("dtend", invitation.day + timedelta(days=1))
    event.add("summary", translate(from_wire(invitation.summary), lang))
    organizer = vCalAddress(f"mailto:{invitation.organizer or sender}")
    event.add("organizer", organizer)
    for address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    text: str = cal.to_ical().decode("utf-8")
    return text
