"""The portfolio's order without a server: at risk, then urgent, then due this week, then the
rest, paged across the bands as visibility hands out rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from lemniscate.coalitions import CoalitionService, PortfolioFilter, PortfolioRow
from lemniscate.dashboard import portfolio
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Actor


class _Visibility:
    """Stands in for the service's list: rows per band, handed out `limit` at a time."""

    def __init__(self, bands: dict[str, list[str]]) -> None:
        self.bands = bands

    async def list(
        self, where: PortfolioFilter, reader: Actor, limit: int, token: bytes | None
    ) -> tuple[list[PortfolioRow], bytes | None]:
        urgent = getattr(where, "urgent", None)
        band = "at_risk" if where.at_risk else "urgent" if urgent else "due" if where.due_before else "rest"
        start = int(token or b"0")
        ids = self.bands[band][start : start + limit]
        more = start + limit < len(self.bands[band])
        now = datetime.now(UTC)
        rows = [
            PortfolioRow(
                id=i,
                status="running",
                state="doing",
                round="execution",
                side="het",
                programme=None,
                organisations=[],
                at_risk=band == "at_risk",
                next_follow_up_at=None,
                started_at=now,
            )
            for i in ids
        ]
        return rows, str(start + limit).encode() if more else None


async def test_portfolio_lists_at_risk_then_urgent_then_due_then_the_rest() -> None:
    fake = _Visibility({"at_risk": ["r1", "r2", "r3"], "urgent": ["u1"], "due": ["d1"], "rest": ["o1", "o2"]})
    service = cast(CoalitionService, fake)
    now = datetime(2027, 1, 6, tzinfo=UTC)  # a Wednesday: the week ends Monday the 11th
    assert portfolio.end_of_week(now) == datetime(2027, 1, 11, tzinfo=UTC)
    pages, token = [], None
    while True:
        listed = await portfolio.page(service, PortfolioFilter(), READER, now, 2, token)
        pages.append([r.id for r in listed.rows])
        if (token := listed.next_token) is None:
            break
    assert pages == [["r1", "r2"], ["r3", "u1"], ["d1", "o1"], ["o2"]]
    only_risky = await portfolio.page(service, PortfolioFilter(at_risk=True), READER, now, 10, None)
    assert [r.id for r in only_risky.rows] == ["r1", "r2", "r3"]
    rest = portfolio.bands(PortfolioFilter(programme="P"), now)[-1].query()
    assert (
        "LemniscateNextFollowUp > '2027-01-11T00:00:00+00:00' OR LemniscateNextFollowUp IS NULL" in rest
        and "LemniscateProgramme = 'P'" in rest
    )
