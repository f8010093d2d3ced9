"""A bulk operation: one trigger for every coalition matching a portfolio filter."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lemniscate.models.events import Actor
from lemniscate.models.records import Name, Record, Text


class BulkFilter(BaseModel):
    """The portfolio filter a bulk operation selects with (running coalitions only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: str | None = None
    round: str | None = None
    side: str | None = None
    programme: str | None = None
    organisation: str | None = None
    at_risk: bool | None = None


class BulkRequest(Record):
    id: Name = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    where: BulkFilter
    trigger: Name
    payload: dict[str, Any] = Field(default_factory=dict)
    actor: Actor
    reason: Text | None = None
    chunk_size: int = Field(default=25, ge=1, le=500)


class BulkResult(Record):
    coalition_id: str
    outcome: Literal["accepted", "refused", "failed"]
    detail: list[str] = Field(default_factory=list)


class BulkChunk(Record):
    request: BulkRequest
    targets: list[str]


class BulkProgress(Record):
    id: str
    trigger: str
    total: int | None = Field(description="None while the targets are being selected")
    results: list[BulkResult]
    finished: bool

    @property
    def done(self) -> int:
        return len(self.results)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)
