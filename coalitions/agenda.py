"""The follow-up read model and the agenda, read through the service (`CoalitionService`
names them `follow_ups` and `agenda`; surfaces call those).

The agenda reads visibility first, narrowed to the reader's coalitions and to those whose
index says they have something in the window asked (`listed_for`): a coalition with
nothing due, overdue or escalated is never asked. Then it asks each coalition on the page
for its own follow-ups, a few at a time. See docs/agenda.md for what that costs at thousands of coalitions.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from lemniscate.coalitions.errors import CoalitionFinished, CoalitionNotFound
from lemniscate.coalitions.portfolio import Attention, PortfolioFilter
from lemniscate.models.events import Actor
from lemniscate.states import agenda, followup_view
from lemniscate.states.agenda import Window, WorklistItem
from lemniscate.states.followup_view import FollowUps
from lemniscate.workflows.io import CoalitionView, FollowUpBook

if TYPE_CHECKING:
    from lemniscate.coalitions.service import CoalitionService

# Coalitions asked at once for their follow-ups: enough to hide a query's latency, few
# enough that one person's agenda never crowds a worker's query slots.
CONCURRENT_QUERIES = 8


def read_model(view: CoalitionView, book: FollowUpBook, reader: Actor, now: datetime | None) -> FollowUps:
    """The follow-ups of a coalition `reader` may read (`view` is already its own, fetched
    through the policy), narrowed to what it may see of them. Without `now`, as of the later
    of the workflow's clock and this machine's: a query does not move the workflow's clock,
    which stands at its last task, and a coalition quiet for months would read as if
    nothing had become overdue since."""
    as_of = now or max(book.now, datetime.now(UTC))
    model = followup_view.read_model(view.coalition, book.plan, book.delivered, as_of)
    return followup_view.for_reader(model, reader)


def listed_for(window: Window, organisation: str | None, now: datetime) -> PortfolioFilter:
    """Which coalitions visibility lists for `window`: those whose index says they have
    something in it (`LemniscateNextFollowUp`, `LemniscateEarliestDue`, `LemniscateEscalated`)."""
    where = PortfolioFilter(organisation=organisation, running_only=True)
    if window == Window.week:  # every run has the next follow-up: exact, old runs too
        return where.model_copy(update={"due_before": now + agenda.WEEK})
    today = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    attention = Attention(
        due_before=now + agenda.WEEK if window == Window.all else None,
        overdue_before=today if window in (Window.overdue, Window.all) else None,
        escalated=window in (Window.escalated, Window.all),
    )
    return where.model_copy(update={"attention": attention})


async def worklist(
    service: CoalitionService,
    reader: Actor,
    window: Window,
    *,
    organisation: str | None = None,
    person: str | None = None,
    limit: int = 50,
    page_token: bytes | None = None,
    now: datetime | None = None,
) -> tuple[list[WorklistItem], int, bytes | None]:
    """One page of the worklist: the items of up to `limit` coalitions from visibility,
    how many coalitions were read, and the token of the next page."""
    moment = now or datetime.now(UTC)
    where = listed_for(window, organisation, moment)
    rows, token = await service.list(where, reader, limit, page_token)
    gate = asyncio.Semaphore(CONCURRENT_QUERIES)

    async def one(slug: str) -> FollowUps | None:
        async with gate:
            try:
                return await service.follow_ups(slug, reader, now)
            except (CoalitionNotFound, CoalitionFinished):
                return None  # it ended between the listing and the question

    models = await asyncio.gather(*(one(r.id) for r in rows))
    items = [
        item
        for model in models
        if model is not None
        for item in agenda.items_of(model, window, model.as_of, person, organisation)
    ]
    return agenda.ordered(items), len(rows), token
