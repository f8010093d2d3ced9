"""Shared building blocks for every record: strict, closed, immutable."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from lemniscate.models.names import normalised_name


class Record(BaseModel):
    """Base of all domain records.

    Strict so that a payload never changes type silently, closed (`extra="forbid"`) so a
    misspelt field is refused instead of dropped, frozen so `apply` can only produce new
    states and never edit old ones.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, str_strip_whitespace=True)


# Normalised (models.names): names are compared, and two that look alike are one name.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(normalised_name),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
Slug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=2, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
    ),
]


class Numbered(Record):
    """A record the coalition numbers as it creates it (M1, A2, R5): `Coalition.record_ids`."""

    id: Name


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ExecutionPower(StrEnum):
    none = "none"
    limited = "limited"
    substantial = "substantial"


class CommitmentLevel(StrEnum):
    none = "none"
    tentative = "tentative"
    strong = "strong"


class Numbering(StrEnum):
    """How a coalition numbers the records it creates (actions, meetings, reports, ...)."""

    shared = "shared"  # one counter for every kind (the first action A2, the first report R5)
    per_kind = "per_kind"  # a counter per kind: A1, A2 for actions, M1 for meetings, R1, O1, H1


class Track(StrEnum):
    """Which intermediate product round 2 works towards (step 6 of the step plan)."""

    initiative = "initiative"  # tentative commitment: initiative proposal with 2-3 options
    plan = "plan"  # strong commitment: a concrete plan of approach
