"""`GET /coalitions/{id}/report`: the closing report of a closed coalition, or the
dissolution report of a dissolved one, as HTML or PDF in the request's language.

Registered by api/app.py's `create_app` with `app.include_router(report_router(service))`.
The report is built from the coalition as the caller may read it (`coalitions.closing`);
one that has not ended answers 409 `/problems/not-ended`, naming the state it is in.
The same report, as data, is in `lemniscate show --json` (`closing_report`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from lemniscate.api.contract import operation
from lemniscate.api.deps import Caller, ServiceFactory
from lemniscate.api.formats import answer, document
from lemniscate.coalitions.closing import MEDIA_TYPES, Format, closing_report, render

# A real answer (tests/test_closing_report_server.py asks a running coalition for its report).
NOT_ENDED_EXAMPLE: dict[str, Any] = {
    "type": "/problems/not-ended",
    "title": "Coalition not ended",
    "status": 409,
    "detail": "Taskforce Wonen en Zorg is in doing: a closing report exists once the coalition is "
    "closed (close) or dissolved (dissolve).",
    "instance": "/coalitions/taskforce-wonen-zorg/report",
}

_REPORT = answer(
    "The report in the format asked for",
    MEDIA_TYPES,
    {"application/pdf": {"type": "string", "format": "binary"}},
)


def report_router(service: ServiceFactory) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/coalitions/{coalition_id}/report",
        response_class=Response,
        **operation(
            "getClosingReport",
            "coalitions",
            "The closing or dissolution report of an ended coalition, as HTML or PDF",
            problems=(404, 409, 422),
            ok=_REPORT,
            examples={409: {"not-ended": NOT_ENDED_EXAMPLE}},
        ),
    )
    async def get_report(
        request: Request, coalition_id: str, caller: Caller, format: Annotated[Format, Query()] = "html"
    ) -> Response:
        report = await closing_report(await service(), coalition_id, caller)
        headers = {}
        if format == "pdf":
            filename = f"{report.coalition_id}-{report.kind.value}.pdf"
            headers["Content-Disposition"] = f'inline; filename="{filename}"'
        return document(
            request, lambda lang: render(report, format, lang), MEDIA_TYPES[format], headers=headers
        )

    return router
