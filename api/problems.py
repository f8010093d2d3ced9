"""Every error in one JSON shape: RFC 9457 problem details.

A client mistake is never a 500. A refusal names its `trigger` and carries its `reasons`
(the policy's or the guards' sentences); an invalid payload or request carries the field
paths as well (`errors`). Every sentence about a field is `states.describe_errors`'s, so the
API says what the CLI and the dashboard say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError
from starlette.exceptions import HTTPException

from lemniscate import states
from lemniscate.cluster import ClusterUnavailableError
from lemniscate.coalitions import errors
from lemniscate.coalitions.errors import CoalitionError, CoalitionRefused
from lemniscate.states.errors import bounded, fields_of, split_more

PROBLEM_JSON = "application/problem+json"

# Errors that are not refusals: (type, status, title, kind), the first that matches.
_NOT_REFUSALS: tuple[tuple[type[CoalitionError], int, str, str], ...] = (
    (errors.CoalitionNotFound, 404, "No such coalition", "not-found"),
    (errors.CoalitionExists, 409, "Already exists", "exists"),
    (errors.CoalitionFinished, 409, "Coalition finished", "finished"),
    (errors.InvalidRequest, 422, "Invalid request", "invalid"),
)


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


def invalid(title: str, sentences: Sequence[str], **extra: Any) -> Problem:
    """The sentences as the detail, and as `errors`: the field each names, and what it says;
    at most `states.errors.MAX_REASONS` of them, and `more_errors` counts the rest."""
    shown = bounded(sentences)
    named, more = split_more(shown)
    errors = [{"field": field, "reason": reason} for field, reason in fields_of(named)]
    counted = {"more_errors": more} if more else {}
    return Problem(422, title, "; ".join(shown), "invalid", errors=errors, **counted, **extra)


def problem_of(error: CoalitionError) -> Problem:
    """The problem document of anything the service raises."""
    if isinstance(error, CoalitionRefused):
        about = {"trigger": error.trigger, "reasons": error.reasons}
        if error.forbidden:
            return Problem(403, "Not allowed for you", str(error), "forbidden", **about)
        if isinstance(error, errors.IdempotencyKeyReused):
            return Problem(422, "Idempotency key reused", str(error), "idempotency-key-reused", **about)
        if isinstance(error, errors.PayloadNotJson):
            return Problem(400, "Body is not JSON", " ".join(error.reasons), "not-json", **about)
        if isinstance(error, errors.InvalidPayload):
            return invalid("Invalid payload", error.reasons, **about)
        return Problem(422, "Refused", str(error), "refused", **about)
    for kind_of, status, title, kind in _NOT_REFUSALS:
        if isinstance(error, kind_of):
            return Problem(status, title, str(error), kind)
    return Problem(422, "Not possible", str(error), "invalid")


def _as_validation_error(error: RequestValidationError) -> ValidationError:
    # FastAPI keeps pydantic's error items but not the error; rebuilt with their own
    # messages (a custom error without context keeps its message as it is).
    return ValidationError.from_exception_data(
        "request",
        [
            InitErrorDetails(
                type=PydanticCustomError(str(item["type"]), str(item["msg"])),
                loc=tuple(item["loc"]),
                input=item.get("input"),
            )
            for item in error.errors()
        ],
    )


def install(app: FastAPI) -> None:
    def respond(request: Request, problem: Problem) -> JSONResponse:
        return problem_response(
            request, problem.status, problem.title, problem.detail, problem.kind, **problem.extra
        )

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return respond(request, error)

    @app.exception_handler(CoalitionError)
    async def _coalition(request: Request, error: CoalitionError) -> JSONResponse:
        return respond(request, problem_of(error))

    @app.exception_handler(ClusterUnavailableError)
    async def _unavailable(request: Request, error: ClusterUnavailableError) -> JSONResponse:
        return problem_response(request, 503, "Temporal unavailable", str(error), "unavailable")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return respond(
            request, invalid("Invalid request", states.describe_errors(_as_validation_error(error)))
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        return problem_response(
            request, error.status_code, str(error.detail), str(error.detail), f"http-{error.status_code}"
        )
