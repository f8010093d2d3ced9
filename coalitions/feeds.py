"""Calendar feeds across coalitions: one organisation's or one person's meetings and action
due dates, from every running coalition the reader may read (`coalitions.calendar` makes
the events; this module finds the coalitions). The service names it `calendar_across`.

An organisation's feed reads visibility narrowed to the coalitions it takes part in (the
same search attribute the portfolio filters on); a person's reads all the reader's running
coalitions. Either reads at most `MAX_COALITIONS`, a few at a time: a calendar program asks
again every few hours, and a feed longer than that is no calendar a person reads.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from icalendar import Event

from lemniscate.coalitions import calendar
from lemniscate.coalitions.errors import CoalitionFinished, CoalitionNotFound
from lemniscate.coalitions.portfolio import PortfolioFilter, read_whole
from lemniscate.language import translate
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence

if TYPE_CHECKING:
    from lemniscate.coalitions.service import CoalitionService

MAX_COALITIONS = 500
CONCURRENT_VIEWS = 8


async def across(
    service: CoalitionService, reader: Actor, lang: str, *, organisation: str | None, person: str | None
) -> bytes:
    """The feed of `organisation` or of `person` (exactly one), as `reader` may read it."""
    who = organisation if organisation is not None else person
    assert who is not None, "the route asks for exactly one of organisation and person"
    where = PortfolioFilter(organisation=organisation, running_only=True)
    rows = await read_whole(service, where, reader, page=200, limit=MAX_COALITIONS)
    slugs = [row.id for row in rows]
    gate = asyncio.Semaphore(CONCURRENT_VIEWS)
    now = datetime.now(UTC)

    async def events(slug: str) -> list[Event]:
        async with gate:
            try:
                view = await service.view(slug, reader)
            except (CoalitionNotFound, CoalitionFinished):
                return []  # it ended between the listing and the question
        # The record counts each meeting's moves: no journal read per coalition.
        return calendar.events_of(view.coalition, (), lang, now, who)

    found = [event for batch in await asyncio.gather(*(events(s) for s in slugs)) for event in batch]
    name = Sentence("calendar.across", "Coalitions of {who}", who=who)
    return calendar.calendar(translate(name, lang), found)
