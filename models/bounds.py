"""How large and how far: every bound on what a request may carry, derived from Temporal's.

A coalition lives for years in one workflow, and Temporal refuses any single payload over
2 MiB (`limit.blobSize.error`; it warns from 256 KiB): an update's argument, its reply, a
query's result, the input a run continues as new with. Past that a workflow cannot even
continue as new, and every task fails for good. So the bounds are budgets of that limit:

- one trigger's payload, as JSON, at most `MAX_PAYLOAD_BYTES` (1/32 of the limit): it travels
  as the update's argument and stays in the journal, so a few never weigh much;
- the coalition's record at most `STATE_BUDGET` (half the limit): it is the view every
  query returns and the bulk of the snapshot each new run starts from; a trigger that would
  grow it further is refused, with what to do instead;
- the journal entries a run hands on at most `JOURNAL_SEGMENT_BUDGET` (a quarter): older
  entries stay in the histories of the runs that recorded them, where they weigh on no task;
- lists and strings have maxima of their own so that an error names the field at fault.

Dates have a window, so that no day a payload carries can overflow the follow-up planner's
arithmetic (Python's dates end at 9999-12-31) or mean anything but a mistake.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from pydantic import Field

from lemniscate.models.sentence import Sentence

PAYLOAD_LIMIT = 2 * 1024 * 1024  # Temporal's limit.blobSize.error, the same on the dev server
MAX_PAYLOAD_BYTES = PAYLOAD_LIMIT // 32
STATE_BUDGET = PAYLOAD_LIMIT // 2
# A request body: a payload and what comes with it (reason, filters); the API reads no more.
MAX_BODY_BYTES = MAX_PAYLOAD_BYTES * 4
JOURNAL_SEGMENT_BUDGET = PAYLOAD_LIMIT // 4
# What a journal entry adds beyond its payload (actor, time, states, hashes), rounded up.
ENTRY_OVERHEAD = 1024

MAX_ITEMS = 200  # in any one list of a payload: more partners or agenda items than any table seats
# Levels of JSON arrays and objects inside each other, in a body and in a payload: what comes
# after the parse recurses too (pydantic, the data converter, protobuf); the method needs five.
MAX_NESTING = 32

# Delivered follow-ups keep their key for good (never delivered twice), but who they went to
# and how each channel took them only for the latest ones: a coalition that runs for years
# delivers thousands, and each carries its names into every continue-as-new.
DELIVERY_DETAILS_KEPT = 200
RECIPIENTS_KEPT = 20  # names kept per delivered follow-up; the rest are counted, not named

EARLIEST_DAY = date(1950, 1, 1)
LATEST_DAY = date(2100, 12, 31)

T = TypeVar("T")

# A list in a payload: at most `MAX_ITEMS`, so the error names the list.
Few = Annotated[list[T], Field(max_length=MAX_ITEMS)]
# A day a payload names: inside the window, so the planner's arithmetic cannot overflow.
Day = Annotated[
    date,
    Field(
        ge=EARLIEST_DAY,
        le=LATEST_DAY,
        description=Sentence(
            "bounds.day",
            "between {earliest} and {latest}",
            earliest=str(EARLIEST_DAY),
            latest=str(LATEST_DAY),
        ),
        # JSON Schema bounds numbers only; forms and validators that know dates read these.
        json_schema_extra={"formatMinimum": str(EARLIEST_DAY), "formatMaximum": str(LATEST_DAY)},
    ),
]
