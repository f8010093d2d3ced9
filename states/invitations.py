"""Meeting invitations: when a meeting is planned, and again each time it moves, its invitees
are sent an invitation that carries a calendar request (`models.invitation`). Follow-ups like
the others (delivered once per key, through the same channels), due the moment the meeting
was planned or moved, stale once its day has come.

Pure. The workflow adds them to `followups.plan` for coalitions started after they existed
(the `meeting-invitations` patch): an older coalition's timers and deliveries stay as they
were recorded.
"""

from __future__ import annotations

from datetime import datetime, time

from lemniscate.models.coalition import Coalition
from lemniscate.models.invitation import Invitation, meeting_summary, meeting_uid
from lemniscate.models.playbook import Audience, FollowUpKind
from lemniscate.models.sentence import Sentence
from lemniscate.states.followup_model import DELIVERY_TIME, FollowUp, addresses, follow_up
from lemniscate.states.words import meeting_kind_word


def plan(c: Coalition, last_activity_at: datetime) -> list[FollowUp]:
    """An invitation for every meeting still to be held, keyed by how often it moved, so a
    move sends a new one (an update with the same UID) and nothing is sent twice."""
    found = []
    for meeting in c.meetings:
        if meeting.held_on is not None or meeting.outcome is not None:
            continue
        invitees = meeting.invitees or [c.coordinator]
        words = {
            "kind": meeting_kind_word(meeting.kind.value),
            "meeting": meeting.id,
            "coalition": c.name,
            "on": str(meeting.on),
        }
        message = (
            Sentence(
                "invitation.moved", "The {kind} meeting {meeting} of {coalition} has moved to {on}.", **words
            )
            if meeting.moves
            else Sentence(
                "invitation.new",
                "You are invited to the {kind} meeting {meeting} of {coalition} on {on}.",
                **words,
            )
        )
        found.append(
            follow_up(
                FollowUpKind.meeting_invitation,
                f"{meeting.id}:{meeting.moves}",
                # When it was planned or moved: the last thing that happened to the coalition.
                last_activity_at,
                Audience.invitees,
                invitees,
                message,
                expires_at=datetime.combine(meeting.on, time(0, tzinfo=DELIVERY_TIME.tzinfo)),
                addresses=addresses(c, invitees),
                invitation=Invitation(
                    uid=meeting_uid(c.id, meeting.id),
                    sequence=meeting.moves,
                    day=meeting.on,
                    summary=meeting_summary(c.name, meeting.id).wire(),
                    organizer=c.coordinator_email,
                ),
            )
        )
    return found
