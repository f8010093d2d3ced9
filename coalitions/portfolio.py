"""The portfolio view: filters as visibility queries over the custom search attributes.

`PortfolioFilter.query` is the one builder of a visibility query from what a person asked:
every value is typed (a known name, a bool, a datetime) and goes in as a quoted literal. A
string that could not be quoted safely never gets here: `models.bulk.FilterValue` refuses it
(422, the filter named) when the filter is made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, Self

from pydantic import BaseModel, ConfigDict
from temporalio.client import WorkflowExecution
from temporalio.common import TypedSearchAttributes

from lemniscate.cluster import search_attributes as sa
from lemniscate.models.bulk import BulkFilter, FilterValue
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor
from lemniscate.states.policy import Scope
from lemniscate.workflows.io import WORKFLOW_NAME, slug_of, workflow_id


class Visibility(BaseModel):
    """The coalitions a scoped reader sees, as visibility clauses: any of them admits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: FilterValue | None = None
    member: FilterValue | None = None  # a `member_token`
    programmes: tuple[FilterValue, ...] = ()
    workflow_ids: tuple[FilterValue, ...] = ()

    def clause(self) -> str:
        admits = _matches(
            (sa.ORGANISATIONS.name, self.organisation),
            (sa.MEMBERS.name, self.member),
            (sa.PROGRAMME.name, self.programmes),
            ("WorkflowId", self.workflow_ids),
        )
        # A reader admitted to nothing (a programme lead without programmes) sees nothing,
        # never everything: an id no coalition has.
        return f"({' OR '.join(admits)})" if admits else "WorkflowId = ''"


class Attention(BaseModel):
    """What the agenda reads: coalitions with a follow-up due by `due_before`, an open action
    due before `overdue_before`, or (`escalated`) an escalation standing; any of them admits.
    A run that started before the agenda index (`workflows.patches.AGENDA_INDEX`) and has
    not carried it yet is admitted too (its `LemniscateEscalated` is unset): its own
    follow-ups say whether it has anything, as every coalition's did before the index."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    due_before: datetime | None = None
    overdue_before: datetime | None = None
    escalated: bool = False

    def clause(self) -> str:
        admits = [f"{sa.ESCALATED.name} IS NULL"]
        if self.due_before is not None:
            admits.append(f"{sa.NEXT_FOLLOW_UP.name} <= {quote_time(self.due_before)}")
        if self.overdue_before is not None:
            admits.append(f"{sa.EARLIEST_DUE.name} < {quote_time(self.overdue_before)}")
        if self.escalated:
            admits.append(f"{sa.ESCALATED.name} = true")
        return f"({' OR '.join(admits)})"


class PortfolioFilter(BulkFilter):
    """What a programme office filters on. Every field left None is not filtered."""

    due_before: datetime | None = None
    running_only: bool = False
    finished_only: bool = False  # closed, dissolved, or ended otherwise
    name: FilterValue | None = None  # part of the name, case and accents aside (`sa.folded`)
    playbooks: tuple[FilterValue, ...] = ()  # pinning any of these NAME@VERSION
    attention: Attention | None = None  # the agenda's (`coalitions.agenda`)
    # What a reader who does not see the whole office may see: set by the service from who
    # asks (`visible_to`), never from what was asked.
    visibility: Visibility | None = None

    def visible_to(self, scope: Scope | None) -> Self:
        """This filter narrowed to the coalitions `scope` admits (`policy.Scope`: its
        organisation is an initiator or a partner, its id a member, its programme or its id
        granted), as the search attributes hold them; None (office-wide): unchanged."""
        if scope is None:
            return self
        visibility = {
            "organisation": scope.organisation,
            "member": sa.member_token(scope.member) if scope.member is not None else None,
            "programmes": scope.programmes,
            "workflow_ids": tuple(workflow_id(slug) for slug in scope.coalitions),
        }
        # Validated, not copied: every name goes through FilterValue like any other value.
        return type(self).model_validate({**self.model_dump(), "visibility": visibility})

    def query(self) -> str:
        clauses = _matches(
            ("WorkflowType", WORKFLOW_NAME),
            (sa.STATE.name, self.state),
            (sa.ROUND.name, self.round),
            (sa.SIDE.name, self.side),
            (sa.PROGRAMME.name, self.programme),
            (sa.ORGANISATIONS.name, self.organisation),
            (sa.PLAYBOOK.name, self.playbook),
        )
        if self.at_risk is not None:
            clauses.append(f"{sa.AT_RISK.name} = {'true' if self.at_risk else 'false'}")
        if self.due_before is not None:
            clauses.append(f"{sa.NEXT_FOLLOW_UP.name} <= {quote_time(self.due_before)}")
        clauses += _matches((sa.PLAYBOOK.name, self.playbooks))
        if self.running_only:
            clauses.append("ExecutionStatus = 'Running'")
        if self.attention is not None:
            clauses.append(self.attention.clause())
        if self.finished_only:
            clauses.append("ExecutionStatus != 'Running'")
        if self.name is not None:
            clauses.append(_name_clause(self.name))
        if self.visibility is not None:
            clauses.append(self.visibility.clause())
        return " AND ".join(clauses)


# Threes a name search asks visibility for: enough to narrow to a handful, few enough for a
# short query; `admits` checks the whole of what was asked.
SEARCH_GRAMS = 12


def _name_clause(asked: str) -> str:
    """A search for part of a name. Visibility has no LIKE: three letters or more are
    matched as threes of `NAME_GRAMS` (each its own clause, so every store's full-text
    search has them all), fewer as the start of the name."""
    grams = sa.grams_of(asked)
    if grams and len(grams[0]) == 3:
        return " AND ".join(f"{sa.NAME_GRAMS.name} = {_quote(g)}" for g in grams[:SEARCH_GRAMS])
    return f"{sa.NAME.name} STARTS_WITH {_quote(asked.strip())}"


def admits(where: PortfolioFilter, row: PortfolioRow) -> bool:
    """Whether `row` holds the whole name `where` searches for: threes found in a name in
    another order are not the part asked for, and are left out of a page."""
    if where.name is None:
        return True
    asked = sa.folded(where.name)
    return len(asked) < 3 or asked in sa.folded(row.name or "")


def _matches(*asked: tuple[str, str | tuple[str, ...] | None]) -> list[str]:
    """A clause for each attribute asked for with a value: equal to the one value, or in
    the values of a tuple; None and an empty tuple ask for nothing."""
    clauses = []
    for name, value in asked:
        if isinstance(value, tuple):
            if value:
                clauses.append(f"{name} IN ({', '.join(map(_quote, value))})")
        elif value is not None:
            clauses.append(f"{name} = {_quote(value)}")
    return clauses


def _quote(value: str) -> str:
    """A string literal of Temporal's SQL-like list filter. A quote inside is doubled, as SQL
    has it (a backslash escape would be read differently by the stores); backslashes, double
    quotes and control characters are refused before (`FilterValue`)."""
    return "'" + value.replace("'", "''") + "'"


def quote_time(moment: datetime) -> str:
    return _quote(moment.isoformat())


class Standing(BaseModel):
    """Where a coalition's run stands, as visibility lists it: the first columns of the
    portfolio (`PortfolioRow`) and of its export (`audit.portfolio.PortfolioLine`) alike."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str | None = None  # None: started before names were indexed (show the id)
    status: str
    state: str | None
    round: str | None
    side: str | None
    programme: str | None
    organisations: list[str]
    at_risk: bool


class PortfolioRow(Standing):
    next_follow_up_at: datetime | None
    next_kind: str | None = None  # a `FollowUpKind`; None: nothing planned, or not indexed
    started_at: datetime


def row_from_execution(execution: WorkflowExecution) -> PortfolioRow:
    attrs = execution.typed_search_attributes
    return PortfolioRow(
        id=slug_of(execution.id),
        name=attrs.get(sa.NAME),
        status=execution.status.name.lower() if execution.status else "unknown",
        state=attrs.get(sa.STATE),
        round=attrs.get(sa.ROUND),
        side=attrs.get(sa.SIDE),
        programme=attrs.get(sa.PROGRAMME),
        organisations=list(attrs.get(sa.ORGANISATIONS) or []),
        at_risk=bool(attrs.get(sa.AT_RISK)),
        next_follow_up_at=attrs.get(sa.NEXT_FOLLOW_UP),
        next_kind=attrs.get(sa.NEXT_KIND) or None,
        started_at=execution.start_time,
    )


class Lister(Protocol):
    """What reads the portfolio a page at a time (`CoalitionService.list`)."""

    async def list(
        self, where: PortfolioFilter, reader: Actor, limit: int = ..., page_token: bytes | None = ...
    ) -> tuple[list[PortfolioRow], bytes | None]: ...


async def read_whole(
    lister: Lister,
    where: PortfolioFilter,
    reader: Actor,
    *,
    page: int,
    limit: int | None = None,
    refuse: Callable[[int], Exception] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PortfolioRow]:
    """Every row `where` matches for `reader`, read `page` rows at a time. Past `limit` the
    rest is cut off, or, given `refuse`, what it makes of the limit is raised (a whole that
    is not whole would be read wrongly). `progress` hears how many rows are read so far."""
    rows: list[PortfolioRow] = []
    token: bytes | None = None
    cut = limit if refuse is None else None  # read no more than is kept
    while True:
        size = page if cut is None else min(page, cut - len(rows))
        found, token = await lister.list(where, reader, size, token)
        rows += found
        if progress is not None:
            progress(len(rows))
        if refuse is not None and limit is not None and len(rows) > limit:
            raise refuse(limit)
        if not token or (cut is not None and len(rows) >= cut):
            return rows


def initial_search_attributes(coalition: Coalition) -> TypedSearchAttributes:
    """Set at start so a new coalition is listed at once, before its first workflow task."""
    return sa.values_of(coalition).typed()
