"""What the API's routes, and the dashboard's pages, depend on: who calls, and the service.

`api.app.create_app` keeps the key ring on `app.state` and hands the service factory to
its routes; the dashboard, mounted on the same app by the composition root (`cli.web`),
takes both from here too, so neither package needs the other's app.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Security
from pydantic import BaseModel, ValidationError

from lemniscate import states
from lemniscate.api.auth import KeyRing
from lemniscate.api.contract import API_KEY, BEARER
from lemniscate.api.limits import RateLimit
from lemniscate.api.problems import (
    INVALID_REQUEST,
    NOT_JSON,
    TOO_LARGE,
    TOO_MANY,
    UNAUTHENTICATED,
    Problem,
    field_problem,
    invalid,
)
from lemniscate.coalitions import CoalitionService
from lemniscate.models import bounds
from lemniscate.models.events import Actor
from lemniscate.models.json_input import UnreadableJson, read_json
from lemniscate.models.sentence import Sentence

ServiceFactory = Callable[[], Awaitable[CoalitionService]]
"""How routes get the service: `api.server.service_factory` connects on first use."""


def key_ring(request: Request) -> KeyRing:
    keys: KeyRing = request.app.state.keys
    return keys


async def authenticate(
    request: Request,
    authorization: Annotated[str | None, Security(BEARER)],
    x_api_key: Annotated[str | None, Security(API_KEY)],
) -> Actor:
    """The actor behind the key the request carries (the document's two security schemes:
    either header will do)."""
    presented = x_api_key
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(
                401,
                UNAUTHENTICATED,
                Sentence("auth.bearer", "use 'Authorization: Bearer <key>'"),
                "unauthenticated",
            )
        presented = token
    if not presented:
        raise Problem(
            401,
            UNAUTHENTICATED,
            Sentence(
                "auth.no-key", "this API needs a key: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
            ),
            "unauthenticated",
        )
    identified = key_ring(request).identify(presented)
    if identified is None:
        raise Problem(
            401, UNAUTHENTICATED, Sentence("auth.unknown-key", "the key is not known"), "unauthenticated"
        )
    # An app without limits configured (a router mounted on its own) limits nothing.
    limit: RateLimit | None = getattr(request.app.state, "rate_limit", None)
    wait = limit.take(identified.id) if limit is not None else 0.0
    if limit is not None and wait > 0:
        said = Sentence(
            "rate.limited",
            "this key asked more than {rate} times a second; ask again in {seconds} s.",
            rate=f"{limit.rate:g}",
            seconds=math.ceil(wait),
        )
        raise Problem(429, TOO_MANY, said, "rate-limited", retry_after=math.ceil(wait))
    return identified


Caller = Annotated[Actor, Depends(authenticate)]


async def read_body(request: Request) -> bytes:
    """The request's body, read no further than `MAX_BODY_BYTES`: a larger one is refused
    before it is held in memory (413), whatever its Content-Length claims. The API's bodies
    and the dashboard's forms are read here alike."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > bounds.MAX_BODY_BYTES:
        raise _body_too_large(int(declared))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > bounds.MAX_BODY_BYTES:
            raise _body_too_large(size)
        chunks.append(chunk)
    return b"".join(chunks)


def _body_too_large(size: int) -> Problem:
    detail = Sentence(
        "body.too-large",
        "body: {size:,} bytes or more; at most {limit:,} (a trigger's payload at most {payload:,}).",
        size=size,
        limit=bounds.MAX_BODY_BYTES,
        payload=bounds.MAX_PAYLOAD_BYTES,
    )
    return Problem(413, TOO_LARGE, detail, "body-too-large")


M = TypeVar("M", bound=BaseModel)


async def json_data(request: Request) -> Any:
    """A route's body as JSON data, read by the one JSON reader (so depth, bytes and numbers
    are refused as they are for triggers); 400 when it is not JSON."""
    try:
        return read_json(await read_body(request))
    except UnreadableJson as error:
        said = Sentence("body.not-json", "body: not valid JSON ({reason}).", reason=error.reason)
        raise Problem(400, NOT_JSON, said, "not-json") from None


def page_token(token: str | None) -> bytes | None:
    """A `page_token` query parameter as the bytes a listing gave out; 422 for anything else."""
    if token is None:
        return None
    try:
        return base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        raise field_problem(
            "query.page_token", Sentence("query.page-token", "not a token this API gave out")
        ) from None


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A route's body as `model` (`json_data`), with the errors worded by `describe_errors`."""

    async def read(request: Request) -> M:
        data = await json_data(request)
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise invalid(INVALID_REQUEST, states.describe_errors(error, "body.")) from None

    return read
