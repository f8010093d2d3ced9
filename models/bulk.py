"""A bulk operation: one trigger for every coalition matching a portfolio filter."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from lemniscate.models.events import Actor
from lemniscate.models.records import Name, Record, Text
from lemniscate.models.sentence import Sentence

# Characters a visibility filter cannot match literally on every store: on the dev server's
# SQLite a `"` matches nothing in a Keyword and breaks the query of a KeywordList
# ("unterminated string"), a backslash is taken as an escape, and control characters (NUL,
# newline) match nothing. Refused with the filter named, rather than answered wrongly.
_UNQUOTABLE = frozenset('"\\')


def _literal(value: str) -> str:
    if any(c in _UNQUOTABLE or unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError(
            Sentence(
                "filter.unquotable",
                "a filter cannot hold double quotes, backslashes or control characters",
            )
        )
    return value


FilterValue = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_literal)]
"""A name to filter on, matched literally (`coalitions.portfolio` quotes it)."""


class BulkFilter(BaseModel):
    """The portfolio filter a bulk operation selects with (running coalitions only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: FilterValue | None = None
    round: FilterValue | None = None
    side: FilterValue | None = None
    programme: FilterValue | None = None
    organisation: FilterValue | None = None
    at_risk: bool | None = None
    playbook: FilterValue | None = None  # NAME@VERSION pinned


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
