"""What a meeting invitation carries to the channel that sends it: enough for an iCalendar
request (RFC 5545, METHOD:REQUEST) without reading the coalition again. The calendar feed
and the invitation share the UID, so a calendar holds one event per meeting."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from lemniscate.models.records import Email, Record
from lemniscate.models.sentence import Sentence


def meeting_uid(coalition_id: str, meeting_id: str) -> str:
    return f"meeting-{coalition_id}-{meeting_id}@lemniscate"


def meeting_summary(coalition_name: str, meeting_id: str) -> Sentence:
    return Sentence(
        "calendar.meeting", "Meeting {id} of {coalition}", id=meeting_id, coalition=coalition_name
    )


class Invitation(Record):
    uid: str
    sequence: int = Field(ge=0, description="how often the meeting moved")
    day: date
    summary: dict[str, object] = Field(description="the event's title as a sentence (`Sentence.wire`)")
    organizer: Email | None = Field(default=None, description="the coordinator's address, when known")
