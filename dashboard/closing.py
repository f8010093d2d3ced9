"""The closing report on the dashboard: its section on an ended coalition's page
(`section`), and the report as a document to download in the page's language, HTML or PDF,
as `GET /coalitions/{id}/report` serves it to a key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lemniscate.api.deps import ServiceFactory
from lemniscate.coalitions import CoalitionNotEnded
from lemniscate.coalitions.closing import FORMATS, MEDIA_TYPES, closing_report, render
from lemniscate.dashboard import speech, web
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states import closing_report as model


def section(c: Coalition) -> dict[str, Any]:
    """What the page's report section needs, from the coalition as the reader sees it."""
    return {
        "report": model.closing_report(c),
        "report_words": model.WORDS,
        "report_outcomes": model.OUTCOME_WORDS,
        "report_formats": FORMATS,
    }


NOT_ENDED: Final = Sentence("web.problem.not_ended", "No closing report yet")


def add_routes(
    router: APIRouter,
    service: ServiceFactory,
    actor_of: Callable[[Request], Actor],
    problem: Callable[[Request, int, str, str], Response],
) -> None:
    @router.get("/coalitions/{slug}/report.{fmt}")
    async def report_document(request: Request, slug: str, fmt: str) -> Response:
        actor = actor_of(request)
        if fmt not in FORMATS:
            return Response(status_code=404)
        try:
            report = await closing_report(await service(), slug, actor)
        except CoalitionNotEnded as running:
            return problem(request, 409, NOT_ENDED, web.said(running))
        lang = speech.of(request)
        headers: dict[str, str] = {"Content-Language": lang}
        if fmt == "pdf":
            headers["Content-Disposition"] = (
                f'inline; filename="{report.coalition_id}-{report.kind.value}.pdf"'
            )
        return Response(render(report, fmt, lang), media_type=MEDIA_TYPES[fmt], headers=headers)
