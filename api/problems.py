"""Every error in one JSON shape: RFC 9457 problem details.

A client mistake is never a 500: refused triggers carry the guard sentences (`reasons`),
invalid payloads the field paths (`errors`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from lemniscate.cluster import ClusterUnavailableError
from lemniscate.coalitions import (
    CoalitionExists,
    CoalitionFinished,
    CoalitionForbidden,
    CoalitionNotFound,
    CoalitionRefused,
    InvalidRequest,
)

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, kind: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.kind, self.extra = (status, title, detail, kind, extra)


def problem_response(
    request: Request, status: int, title: str, detail: str, kind: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"/problems/{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_errors(error: RequestValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in item["loc"]), "reason": item["msg"]} for item in error.errors()
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(request, error.status, error.title, error.detail, error.kind, **error.extra)

    @app.exception_handler(CoalitionForbidden)
    async def _forbidden(request: Request, error: CoalitionForbidden) -> JSONResponse:
        return problem_response(
            request,
            403,
            "Not allowed for you",
            str(error),
            "forbidden",
            trigger=error.trigger,
            reasons=error.reasons,
        )

    @app.exception_handler(CoalitionRefused)
    async def _refused(request: Request, error: CoalitionRefused) -> JSONResponse:
        return problem_response(
            request, 422, "Refused", str(error), "refused", trigger=error.trigger, reasons=error.reasons
        )

    @app.exception_handler(CoalitionNotFound)
    async def _not_found(request: Request, error: CoalitionNotFound) -> JSONResponse:
        return problem_response(request, 404, "No such coalition", str(error), "not-found")

    @app.exception_handler(CoalitionExists)
    async def _exists(request: Request, error: CoalitionExists) -> JSONResponse:
        return problem_response(request, 409, "Already exists", str(error), "exists")

    @app.exception_handler(CoalitionFinished)
    async def _finished(request: Request, error: CoalitionFinished) -> JSONResponse:
        return problem_response(request, 409, "Coalition finished", str(error), "finished")

    @app.exception_handler(InvalidRequest)
    async def _invalid_request(request: Request, error: InvalidRequest) -> JSONResponse:
        return problem_response(request, 422, "Invalid request", str(error), "invalid")

    @app.exception_handler(ClusterUnavailableError)
    async def _unavailable(request: Request, error: ClusterUnavailableError) -> JSONResponse:
        return problem_response(request, 503, "Temporal unavailable", str(error), "unavailable")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = _field_errors(error)
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem_response(request, 422, "Invalid request", detail, "invalid", errors=errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        return problem_response(
            request, error.status_code, str(error.detail), str(error.detail), f"http-{error.status_code}"
        )
