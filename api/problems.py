"""Every error in one JSON shape: RFC 9457 problem details.

A client mistake is never a 500. A refusal names its `trigger` and carries its `reasons`
(the policy's or the guards' sentences); an invalid payload or request carries the field
paths as well (`errors`). Every sentence about a field is `states.describe_errors`'s, so the
API says what the CLI and the dashboard say.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError
from starlette.exceptions import HTTPException

from lemniscate import states
from lemniscate.cluster import ClusterUnavailableError
from lemniscate.coalitions import errors
from lemniscate.coalitions.errors import CoalitionError, CoalitionRefused
from lemniscate.language import Language, choose, translate, translate_all
from lemniscate.models.sentence import Sentence, code_of
from lemniscate.states.errors import bounded, named_field, split_more

PROBLEM_JSON = "application/problem+json"

# Every title a problem document can have, each said in the request's language.
NOT_FOUND = Sentence("problem.not-found", "No such coalition")
EXISTS = Sentence("problem.exists", "Already exists")
FINISHED = Sentence("problem.finished", "Coalition finished")
NOT_ENDED = Sentence("problem.not-ended", "Coalition not ended")
INVALID_REQUEST = Sentence("problem.invalid-request", "Invalid request")
INVALID_PAYLOAD = Sentence("problem.invalid-payload", "Invalid payload")
FORBIDDEN = Sentence("problem.forbidden", "Not allowed for you")
KEY_REUSED = Sentence("problem.idempotency-key-reused", "Idempotency key reused")
NOT_JSON = Sentence("problem.not-json", "Body is not JSON")
REFUSED = Sentence("problem.refused", "Refused")
NOT_POSSIBLE = Sentence("problem.not-possible", "Not possible")
UNAVAILABLE = Sentence("problem.unavailable", "Temporal unavailable")
UNAUTHENTICATED = Sentence("problem.unauthenticated", "Unauthenticated")
TOO_LARGE = Sentence("problem.body-too-large", "Body too large")
MOVED = Sentence("problem.moved", "Coalition moved on")
TOO_MANY = Sentence("problem.rate-limited", "Too many requests")

# Errors that are not refusals: (type, status, title, kind), the first that matches.
_NOT_REFUSALS: tuple[tuple[type[CoalitionError], int, str, str], ...] = (
    (errors.CoalitionNotFound, 404, NOT_FOUND, "not-found"),
    (errors.CoalitionExists, 409, EXISTS, "exists"),
    (errors.CoalitionFinished, 409, FINISHED, "finished"),
    (errors.CoalitionNotEnded, 409, NOT_ENDED, "not-ended"),
    (errors.InvalidRequest, 422, INVALID_REQUEST, "invalid"),
)


class Problem(Exception):
    """A problem document to answer with. `title`, `detail` and `sentences` may be core
    Sentences: they are said in the request's language when the answer is written; with
    `sentences`, the fields they name become `errors` (see `invalid`). A `detail` of several
    sentences is said one after the other."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | Sequence[str],
        kind: str,
        *,
        sentences: Sequence[str] | None = None,
        retry_after: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail if isinstance(detail, str) else " ".join(detail))
        self.status, self.title, self.kind, self.extra = (status, title, kind, extra)
        self.retry_after = retry_after  # seconds, for the Retry-After header
        self.detail = detail
        self.sentences = list(sentences) if sentences is not None else None


def etag(seq: int) -> str:
    """The entity tag of a coalition at journal length `seq` (`GET /coalitions/{id}`, If-Match)."""
    return f'"{seq}"'


def language_of(request: Request) -> Language:
    """The language a request is answered in (`Accept-Language`, else the office's)."""
    return choose(None, request.headers.get("accept-language"))


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    """The problem document: its sentences in the request's language, each beside its
    stable code (`reason_codes`, `errors[].code`), so clients never parse prose."""
    language = language_of(request)
    extra = dict(problem.extra)
    if "reasons" in extra:
        reasons = list(extra["reasons"])
        extra["reasons"] = translate_all(reasons, language)
        extra["reason_codes"] = [code_of(reason) for reason in reasons]
    detail = (
        translate(problem.detail, language)
        if isinstance(problem.detail, str)
        else " ".join(translate_all(problem.detail, language))
    )
    if problem.sentences is not None:
        named, more = split_more(problem.sentences)
        extra["errors"] = field_errors(named, language)
        if more:
            extra["more_errors"] = more
        detail = "; ".join(translate_all(problem.sentences, language))
    body = {
        "type": f"/problems/{problem.kind}",
        "title": translate(problem.title, language),
        "status": problem.status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers: dict[str, str] = {"Content-Language": language}
    if problem.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if problem.retry_after is not None:
        headers["Retry-After"] = str(problem.retry_after)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


def field_errors(sentences: Sequence[str], language: str) -> list[dict[str, str]]:
    """The `errors` of a problem document: for each sentence, the field it names, what it
    says of that field in `language`, and the code of what it says."""
    return [_error(sentence, language) for sentence in sentences]


def _error(sentence: str, language: str) -> dict[str, str]:
    field, _ = named_field(sentence) or ("", sentence)
    said = translate(sentence, language)
    reason = named_field(said)
    inner = sentence.params.get("reason") if isinstance(sentence, Sentence) else None
    code = code_of(inner) if isinstance(inner, str) else code_of(sentence)
    return {"field": field, "reason": reason[1] if reason else said, "code": code}


def invalid(title: str, sentences: Sequence[str], **extra: Any) -> Problem:
    """The sentences as the detail, and as `errors`: the field each names, and what it says;
    at most `states.errors.MAX_REASONS` of them, and `more_errors` counts the rest."""
    shown = bounded(sentences)
    return Problem(422, title, "; ".join(shown), "invalid", sentences=shown, **extra)


def field_problem(field: str, reason: Sentence) -> Problem:
    """A request refused for one field of its query or body (`query.state`, `body.trigger`)."""
    return invalid(INVALID_REQUEST, [Sentence("field", "{field}: {reason}", field=field, reason=reason)])


def _message(error: Exception) -> str:
    """An error's one sentence, as it was made (a Sentence stays one)."""
    return error.args[0] if error.args and isinstance(error.args[0], str) else str(error)


def problem_of(error: CoalitionError) -> Problem:
    """The problem document of anything the service raises."""
    if isinstance(error, CoalitionRefused):
        about: dict[str, Any] = {"trigger": error.trigger, "reasons": error.reasons}
        said = [Sentence("problem.refused-by", "{trigger} refused:", trigger=error.trigger), *error.reasons]
        if error.forbidden:
            return Problem(403, FORBIDDEN, said, "forbidden", **about)
        if isinstance(error, errors.CoalitionMoved):
            # Where it stands now, so the client can decide again without another read.
            return Problem(412, MOVED, said, "moved", **about, etag=etag(error.seq), state=error.state)
        if isinstance(error, errors.IdempotencyKeyReused):
            return Problem(422, KEY_REUSED, said, "idempotency-key-reused", **about)
        if isinstance(error, errors.PayloadNotJson):
            return Problem(400, NOT_JSON, error.reasons, "not-json", **about)
        if isinstance(error, errors.InvalidPayload):
            return invalid(INVALID_PAYLOAD, error.reasons, **about)
        return Problem(422, REFUSED, said, "refused", **about)
    for kind_of, status, title, kind in _NOT_REFUSALS:
        if isinstance(error, kind_of):
            return Problem(status, title, _message(error), kind)
    return Problem(422, NOT_POSSIBLE, _message(error), "invalid")


def _as_validation_error(error: RequestValidationError) -> ValidationError:
    # FastAPI keeps pydantic's error items but not the error; rebuilt with their own types
    # and context, so they are worded (and translated) as every other field problem.
    details = []
    for item in error.errors():
        known = InitErrorDetails(type=str(item["type"]), loc=tuple(item["loc"]), input=item.get("input"))
        if item.get("ctx"):
            known["ctx"] = item["ctx"]
        try:
            ValidationError.from_exception_data("request", [known])
            details.append(known)
        except (KeyError, TypeError, ValueError):  # a type of FastAPI's own
            custom = PydanticCustomError(str(item["type"]), str(item["msg"]))
            details.append(InitErrorDetails(type=custom, loc=tuple(item["loc"]), input=item.get("input")))
    return ValidationError.from_exception_data("request", details)


# What Starlette itself answers (a path or a method that does not exist).
_HTTP: Final = {
    404: Sentence("problem.http-404", "Not Found"),
    405: Sentence("problem.http-405", "Method Not Allowed"),
    406: Sentence("problem.http-406", "Not Acceptable"),
    415: Sentence("problem.http-415", "Unsupported Media Type"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(request, error)

    @app.exception_handler(CoalitionError)
    async def _coalition(request: Request, error: CoalitionError) -> JSONResponse:
        return problem_response(request, problem_of(error))

    @app.exception_handler(ClusterUnavailableError)
    async def _unavailable(request: Request, error: ClusterUnavailableError) -> JSONResponse:
        return problem_response(request, Problem(503, UNAVAILABLE, _message(error), "unavailable"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        sentences = states.describe_errors(_as_validation_error(error))
        return problem_response(request, invalid(INVALID_REQUEST, sentences))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        said = (
            _HTTP.get(error.status_code, str(error.detail))
            if error.detail == _phrase(error)
            else str(error.detail)
        )
        kind = f"http-{error.status_code}"
        return problem_response(request, Problem(error.status_code, said, said, kind))


def _phrase(error: HTTPException) -> str:
    return HTTPStatus(error.status_code).phrase if error.status_code in HTTPStatus._value2member_map_ else ""
