"""The patches of the coalition workflow: each a change to what a run does, taken with
`workflow.patched(name)` in `workflows.coalition` so that runs which started before it replay
as they were recorded. A name, once in a history, never changes (see docs/deployment.md).
"""

from __future__ import annotations

# Changes to what a run does, kept out of runs that started before them (see
# tests/refresh_histories.py): the night candle lit at the delivery time; outbound events
# published as soon as they happen (the start too, before any next step) and dropped while
# nobody has subscribed.
NIGHT_CANDLE_AT_DELIVERY_TIME = "night-candle-at-delivery-time"
PUBLISH_AT_ONCE_TO_AN_AUDIENCE = "publish-at-once-to-an-audience"
# A run hands on only the journal entries it recorded, and continues as new once they weigh
# a quarter of Temporal's payload limit (see `models.bounds`).
JOURNAL_IN_SEGMENTS = "journal-in-segments"
# A meeting marked held (early or late) is planned from the day it was held: its reminder
# retired, its outcome reminders counted from then. It moves timers, so runs that started
# before it keep planning from the planned day.
MEETINGS_AS_HELD = "meetings-as-held"
# Invitees are sent an invitation with a calendar request when a meeting is planned or moved
# (`states.invitations`): new deliveries, so runs that started before it send none.
MEETING_INVITATIONS = "meeting-invitations"
# The agenda's index (`LemniscateEarliestDue`, `LemniscateEscalated`) upserted whenever it
# changes. Runs that started before it upsert only when their history did, and carry it then.
AGENDA_INDEX = "agenda-index"
# The portfolio shows what comes due next and its kind: the kind is indexed with the time. A
# kind that changes while the time stays would be an upsert older runs never made.
PORTFOLIO_NEXT_KIND = "portfolio-next-kind"
