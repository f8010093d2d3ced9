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

from lemniscate.api import contract
from lemniscate.api.contract import SERVED
from lemniscate.api.deps import Caller, ServiceFactory
from lemniscate.api.formats import contents, document
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


def _responses() -> dict[int | str, dict[str, Any]]:
    content = contents(MEDIA_TYPES)
    content["application/pdf"] = {"schema": {"type": "string", "format": "binary"}}
    declared = contract.problems(*SERVED, 404, 409, 422)
    conflict = declared[409]["content"]["application/problem+json"]
    conflict["examples"] = {"not-ended": {"value": NOT_ENDED_EXAMPLE}}
    return {200: {"description": "The report in the format asked for", "content": content}, **declared}


def report_router(service: ServiceFactory) -> APIRouter:
    router = APIRouter(tags=["coalitions"])

    @router.get(
        "/coalitions/{coalition_id}/report",
        response_class=Response,
        operation_id="getClosingReport",
        summary="The closing or dissolution report of an ended coalition, as HTML or PDF",
        responses=_responses(),
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
