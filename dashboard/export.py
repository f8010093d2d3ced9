"""`/dashboard/portfolio.csv`: the portfolio as filtered and sorted on the page, every
matching coalition (up to `ordering.EXPORT_LIMIT`), in the reader's language.

Read from visibility only, like the page, as the person logged in: a partner exports only
what it may see. Names and programmes are people's own text, written by
`audit.formats.spreadsheet` so that none is ever read as a formula (CSV injection).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lemniscate.api.deps import ServiceFactory
from lemniscate.audit.formats import spreadsheet
from lemniscate.coalitions import PortfolioRow
from lemniscate.dashboard import names, ordering, portfolio, speech
from lemniscate.language import office_zone, translate
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states.words import FOLLOW_UP_KIND_WORDS

Problem = Callable[[Request, int, str, str | list[str]], Response]

COLUMNS: Final = (
    Sentence("web.csv.name", "name"),
    Sentence("web.csv.id", "id"),
    Sentence("web.csv.state", "state"),
    Sentence("web.csv.round", "round"),
    Sentence("web.csv.programme", "programme"),
    Sentence("web.csv.organisations", "organisations"),
    Sentence("web.csv.next_follow_up", "next follow-up"),
    Sentence("web.csv.next_kind", "kind of follow-up"),
    Sentence("web.csv.at_risk", "at risk"),
    Sentence("web.csv.status", "status"),
)
_ROUNDS: Final = {
    "execution": Sentence("web.csv.round_execution", "execution"),
    "closure": Sentence("web.csv.round_closure", "closure"),
}
_REFUSED: Final = Sentence("web.csv.refused", "This export cannot be made")
_YES: Final = Sentence("web.csv.yes", "yes")
_NO: Final = Sentence("web.csv.no", "no")
_STATUSES: Final = {
    "running": Sentence("web.csv.running", "running"),
    "completed": Sentence("web.csv.completed", "finished"),
}


def _round(value: str | None) -> str:
    if not value:
        return ""
    return _ROUNDS.get(value) or Sentence("web.csv.round_n", "round {number}", number=value)


def cells(row: PortfolioRow, lang: str) -> list[str]:
    """One coalition as the export's cells, in `lang`; times in the office's time zone."""
    due = row.next_follow_up_at
    said = [
        row.name or row.id,
        row.id,
        names.name_of(row.state),
        _round(row.round),
        row.programme or "",
        "; ".join(row.organisations),
        due.astimezone(office_zone()).strftime("%Y-%m-%d %H:%M") if due else "",
        FOLLOW_UP_KIND_WORDS.get(row.next_kind or "", ""),
        _YES if row.at_risk else _NO,
        _STATUSES.get(row.status, row.status),
    ]
    cells = [translate(cell, lang) for cell in said]
    # The kind of follow-up begins its cell, so with a capital, as the dashboard shows it.
    return [*cells[:7], cells[7].capitalize(), *cells[8:]]


def render(rows: list[PortfolioRow], lang: str) -> str:
    return spreadsheet.write([translate(c, lang) for c in COLUMNS], (cells(r, lang) for r in rows))


def add_routes(
    router: APIRouter, service: ServiceFactory, actor_of: Callable[[Request], Actor], problem: Problem
) -> None:
    @router.get("/portfolio.csv")
    async def portfolio_csv(request: Request) -> Response:
        actor = actor_of(request)
        lang = speech.of(request)
        now = datetime.now(UTC)
        svc = await service()
        known = await svc.programmes.known()
        where, filters, notes = portfolio.filter_from_query(request.query_params, now, known)
        if notes:  # a file holds no note: what was not understood is refused, and said
            return problem(request, 422, _REFUSED, notes)
        sort = filters.get("sort", ordering.URGENCY)
        try:
            rows = await ordering.whole(svc, where, actor, ordering.EXPORT_LIMIT)
        except ordering.TooMany as too_many:
            return problem(
                request, 422, Sentence("web.csv.refused", "This export cannot be made"), too_many.args[0]
            )
        if sort == ordering.URGENCY:
            listed = await portfolio.page(svc, where, actor, now, len(rows) or 1, None)
            rows = listed.rows  # the page's own order: at risk, due this week, the rest
        else:
            rows = ordering.ordered(rows, sort)
        stamp = now.astimezone(office_zone()).strftime("%Y-%m-%d")
        return Response(
            "\ufeff" + render(rows, lang),  # a BOM: spreadsheets then read the text as UTF-8
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="portfolio-{stamp}.csv"',
                "Content-Language": lang,
            },
        )
