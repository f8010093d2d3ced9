"""The agenda across 200 coalitions on the dev server: the week lists exactly what is due in
it, and visibility's index narrows the listing, so only the coalitions with something due
are asked for their follow-ups, page after page."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.examples.walks import COORDINATOR
from lemniscate.states.agenda import Window, WorklistItem
from tests.support.servers import borrow, running_worker
from tests.support.workflows import bare_start, eventually

DUE, QUIET = 150, 50  # coalitions with an interview to hold, and coalitions without partners


async def _whole_week(service: CoalitionService, now: datetime) -> tuple[list[WorklistItem], int]:
    items: list[WorklistItem] = []
    read, token = 0, None
    while True:
        page, count, token = await service.agenda(
            COORDINATOR, Window.week, limit=50, page_token=token, now=now
        )
        items, read = items + page, read + count
        if not token:
            return items, read


async def test_the_week_across_200_coalitions_lists_exactly_what_falls_in_it(
    dev_server: WorkflowEnvironment,
) -> None:
    async with borrow(dev_server, own_namespace=True) as env, running_worker(env.client) as service:
        slugs = [f"schaal-{n:03}" for n in range(DUE + QUIET)]
        for batch in range(0, len(slugs), 25):
            await asyncio.gather(
                *(
                    service.start(bare_start(slug, ["Aedes"] if n < DUE else []), COORDINATOR)
                    for n, slug in enumerate(slugs[batch : batch + 25], start=batch)
                )
            )
        every = PortfolioFilter(running_only=True)
        await eventually(lambda: service.count(every, COORDINATOR), lambda n: n == DUE + QUIET, timeout=30)

        # Sixteen days on, the interview reminders (21 days after a partner was added) fall
        # within the week; a coalition without partners has nothing due until its candle.
        later = datetime.now(UTC) + timedelta(days=16)
        items, read = await _whole_week(service, later)
        assert sorted(i.coalition_id for i in items) == slugs[:DUE]
        assert {(i.kind, i.about, tuple(i.recipients)) for i in items} == {
            ("interview_reminder", "Aedes", ("coordinator",))
        }
        assert read == DUE  # the quiet fifty were never asked
