"""The portfolio view: filters as visibility queries over the custom search attributes.

`PortfolioFilter.query` is the one builder of a visibility query from what a person asked:
every value is typed (a known name, a bool, a datetime) and goes in as a quoted literal. A
string that could not be quoted safely never gets here: `models.bulk.FilterValue` refuses it
(422, the filter named) when the filter is made."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict
from temporalio.client import WorkflowExecution
from temporalio.common import TypedSearchAttributes

from lemniscate.cluster import search_attributes as sa
from lemniscate.models.bulk import BulkFilter, FilterValue
from lemniscate.models.coalition import Coalition
from lemniscate.workflows.io import WORKFLOW_NAME, slug_of


class PortfolioFilter(BulkFilter):
    """What a programme office filters on. Every field left None is not filtered."""

    due_before: datetime | None = None
    running_only: bool = False
    # The reader's own organisation, for a reader who sees only its coalitions (a partner):
    # set by the service from who asks (`visible_to`), never from what was asked.
    member: FilterValue | None = None

    def visible_to(self, organisation: str | None) -> Self:
        """This filter narrowed to the coalitions `organisation` is a member of (an initiator
        or a partner, as the organisations search attribute holds them); None: unchanged."""
        if organisation is None:
            return self
        # Validated, not copied: the name goes through FilterValue like any other value.
        return type(self).model_validate({**self.model_dump(), "member": organisation})

    def query(self) -> str:
        clauses = [f"WorkflowType = {_quote(WORKFLOW_NAME)}"]
        for key, value in (
            (sa.STATE, self.state),
            (sa.ROUND, self.round),
            (sa.SIDE, self.side),
            (sa.PROGRAMME, self.programme),
            (sa.ORGANISATIONS, self.organisation),
            (sa.ORGANISATIONS, self.member),
        ):
            if value is not None:
                clauses.append(f"{key.name} = {_quote(value)}")
        if self.at_risk is not None:
            clauses.append(f"{sa.AT_RISK.name} = {'true' if self.at_risk else 'false'}")
        if self.due_before is not None:
            clauses.append(f"{sa.NEXT_FOLLOW_UP.name} <= {quote_time(self.due_before)}")
        if self.running_only:
            clauses.append("ExecutionStatus = 'Running'")
        return " AND ".join(clauses)


def _quote(value: str) -> str:
    """A string literal of Temporal's SQL-like list filter. A quote inside is doubled, as SQL
    has it (a backslash escape would be read differently by the stores); backslashes, double
    quotes and control characters are refused before (`FilterValue`)."""
    return "'" + value.replace("'", "''") + "'"


def quote_time(moment: datetime) -> str:
    return _quote(moment.isoformat())


class PortfolioRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    status: str
    state: str | None
    round: str | None
    side: str | None
    programme: str | None
    organisations: list[str]
    at_risk: bool
    next_follow_up_at: datetime | None
    started_at: datetime


def row_from_execution(execution: WorkflowExecution) -> PortfolioRow:
    attrs = execution.typed_search_attributes
    return PortfolioRow(
        id=slug_of(execution.id),
        status=execution.status.name.lower() if execution.status else "unknown",
        state=attrs.get(sa.STATE),
        round=attrs.get(sa.ROUND),
        side=attrs.get(sa.SIDE),
        programme=attrs.get(sa.PROGRAMME),
        organisations=list(attrs.get(sa.ORGANISATIONS) or []),
        at_risk=bool(attrs.get(sa.AT_RISK)),
        next_follow_up_at=attrs.get(sa.NEXT_FOLLOW_UP),
        started_at=execution.start_time,
    )


def initial_search_attributes(coalition: Coalition) -> TypedSearchAttributes:
    """Set at start so a new coalition is listed at once, before its first workflow task."""
    return sa.values_of(coalition).typed()
