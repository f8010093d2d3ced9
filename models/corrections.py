"""Correcting a recorded fact: what a correction may give anew, and the trace it leaves.

A correction supersedes a fact the coalition recorded (a meeting's outcome, a partner's
interview or commitment, an action's fields; the action's part of the payload is in
`models.payloads`, beside the action's own fields) without erasing it: the journal keeps the
entry that recorded it, the correction is an entry of its own, and the coalition keeps a
`Correction` per field changed (who, when, old and new value, why).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from lemniscate.models.bounds import MAX_ITEMS, Day, Few
from lemniscate.models.parties import MeetingPart, NextProduct
from lemniscate.models.records import CommitmentLevel, Name, Record, Text


class CorrectionKind(StrEnum):
    """What is corrected; each is a field of `CorrectRecord` of the same name."""

    meeting_outcome = "meeting_outcome"  # record: the meeting's id (M1)
    interview = "interview"  # record: the partner interviewed
    action = "action"  # record: the action's id (A3)
    commitment = "commitment"  # record: the partner that committed


# Every field below is optional: what is left out stays as recorded.


class OutcomeCorrection(Record):
    """A meeting outcome's fields given anew."""

    attended: Annotated[Few[Name], Field(min_length=1)] | None = None
    parts_held: Few[MeetingPart] | None = None
    statements: dict[Name, Text] | None = Field(default=None, max_length=MAX_ITEMS)
    commitment: CommitmentLevel | None = None
    next_product: NextProduct | None = None
    next_meeting_on: Day | None = None
    notes: Text | None = None


class AnswersCorrection(Record):
    """Some of the seven answers of an interview, given anew."""

    drive: Text | None = None
    developments: Text | None = None
    expected_yield: Text | None = None
    willingness_to_adapt: Text | None = None
    extra_efforts: Text | None = None
    worries_about_partners: Text | None = None
    agreement_form: Text | None = None


class InterviewCorrection(Record):
    answers: AnswersCorrection | None = None
    held_on: Day | None = None
    interviewer: Name | None = None


class CommitmentCorrection(Record):
    committed: bool | None = None
    statement: Text | None = None


class Correction(Record):
    """One field of a recorded fact, superseded: the trace the coalition keeps of it."""

    kind: CorrectionKind
    record: Name
    field: str = Field(max_length=200, description="the field corrected, dotted: answers.drive")
    old: Any = None
    new: Any = None
    by: Name = Field(description="the actor's id")
    at: datetime
    reason: Text
