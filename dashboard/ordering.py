"""The portfolio sorted by name, by what comes due, or by state, correct across pages.

Visibility cannot sort (the dev server's SQLite store refuses ORDER BY: "operation is not
supported"), and sorting one page of its newest-first order would sort each page on its own.
So a sorted portfolio is read whole, up to `SORT_LIMIT` coalitions, sorted here, and paged
by position: every page is a slice of the one order. More than that is refused, with a
note asking to narrow the filter, rather than sorted wrongly. The CSV export reads the same
way, up to `EXPORT_LIMIT`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from lemniscate import states
from lemniscate.cluster.search_attributes import folded
from lemniscate.coalitions import PortfolioFilter, PortfolioRow
from lemniscate.coalitions.portfolio import read_whole
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence

if TYPE_CHECKING:
    from lemniscate.coalitions import CoalitionService

SORT_LIMIT: Final = 1000
EXPORT_LIMIT: Final = 5000
_READ: Final = 1000  # rows per visibility page while reading whole

URGENCY: Final = "urgency"  # the default: at risk, then due this week, then the rest (bands)
SORTS: Final = (URGENCY, "name", "due", "state")
SORT_NAMES: Final[dict[str, Sentence]] = {
    URGENCY: Sentence("web.sort.urgency", "most urgent first"),
    "name": Sentence("web.sort.name", "name"),
    "due": Sentence("web.sort.due", "next follow-up"),
    "state": Sentence("web.sort.state", "state in the method"),
}
_STATE_ORDER: Final[dict[str, int]] = {str(s.id): n for n, s in enumerate(states.STATES)}
_LATEST: Final = datetime.max.replace(tzinfo=UTC)


class TooMany(Exception):
    """More coalitions match than can be read whole: narrow the filter."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            Sentence(
                "web.sort.too_many",
                "More than {limit} coalitions match: narrow the filter to sort or export them.",
                limit=limit,
            )
        )


def _name(row: PortfolioRow) -> str:
    return folded(row.name or row.id)


KEYS: Final[dict[str, Callable[[PortfolioRow], tuple[object, ...]]]] = {
    "name": lambda r: (_name(r), r.id),
    "due": lambda r: (r.next_follow_up_at or _LATEST, _name(r), r.id),
    "state": lambda r: (_STATE_ORDER.get(r.state or "", len(_STATE_ORDER)), _name(r), r.id),
}


async def whole(
    service: CoalitionService, where: PortfolioFilter, reader: Actor, limit: int
) -> list[PortfolioRow]:
    """Every row `where` matches for `reader`, or `TooMany` when more than `limit` do."""
    return await read_whole(service, where, reader, page=_READ, limit=limit, refuse=TooMany)


def ordered(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    return sorted(rows, key=KEYS[sort])


def offset_of(token: str | None) -> int:
    """A sorted page's position; a mangled one starts from the first page."""
    return int(token) if token and token.isdigit() and len(token) < 7 else 0
