"""What the OpenAPI document promises beyond FastAPI's defaults: short operation ids, how to
authenticate, and every problem an operation can answer with.

Generated clients are built from this document (tests/test_contract_clients.py), so each
operation declares the problems it really gives, all as `application/problem+json` with the
one `Problem` schema that `api.problems.problem_response` writes. FastAPI's own
`HTTPValidationError` is never declared: this API does not answer with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel
from starlette.requests import Request

from lemniscate.activities.webhooks import CLOUD_EVENTS_JSON, TIMESTAMP_TOLERANCE_SECONDS
from lemniscate.api.problems import PROBLEM_JSON
from lemniscate.models.outbound import CLOUD_EVENT_TYPES, EventType, FollowUpData, TransitionData

PROBLEM_REF: Final = "#/components/schemas/Problem"
_SCHEMA_REF: Final = "#/components/schemas/{model}"


class _Bearer(HTTPBearer):
    """Declared as HTTP bearer; gives the header as sent, so that a wrong scheme is answered
    with why (`api.deps.authenticate`) rather than as a missing key."""

    async def __call__(self, request: Request) -> str | None:  # type: ignore[override]
        return request.headers.get("authorization")


BEARER: Final = _Bearer(
    scheme_name="bearer", auto_error=False, description="`Authorization: Bearer <key>`: an API key"
)
API_KEY: Final = APIKeyHeader(
    name="X-API-Key",
    scheme_name="apiKey",
    auto_error=False,
    description="The same API key, in its own header",
)

# The operations' tags, in the order the document lists them.
_TAG_DESCRIPTIONS: Final = {
    "method": "The method's states, steps and payload schemas",
    "coalitions": "Starting coalitions and reading where they stand",
    "triggers": "One operation per step of the method",
    "portfolio": "Listing and counting the coalitions a caller may see",
    "bulk": "One step for many coalitions",
    "events": "Webhooks: Standard Webhooks signatures, CloudEvents bodies",
    "audit": "The audit trail, checked against the Temporal history",
    "keys": "API keys",
    "agenda": "Worklists across coalitions: what is due, overdue, escalated",
    "calendar": "Calendar feeds (RFC 5545) behind secret addresses",
    "playbooks": "The office's playbooks: published versions, their impact",
    "programmes": "The office's programmes, which starts and filters name",
}
TAGS: Final = [{"name": name, "description": said} for name, said in _TAG_DESCRIPTIONS.items()]

_FIELD_ERROR: Final = {
    "type": "object",
    "required": ["field", "reason", "code"],
    "properties": {
        "field": {"type": "string", "description": "the path of the field, e.g. `body.url`, `query.round`"},
        "reason": {"type": "string", "description": "what is wrong with it, in the response's language"},
        "code": {"type": "string", "description": "a stable code for the reason, the same in every language"},
    },
}

PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `title`, `detail`, `reasons` and `errors[].reason` "
    "are in the language of `Content-Language`; `type`, `reason_codes` and `errors[].code` never change "
    "with the language: act on those.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "description": "`/problems/<kind>`: refused, forbidden, invalid, ..."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "the path asked for"},
        "trigger": {"type": "string", "description": "the step refused, for a refusal"},
        "reasons": {"type": "array", "items": {"type": "string"}, "description": "why it was refused"},
        "reason_codes": {"type": "array", "items": {"type": "string"}, "description": "a code per reason"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        "more_errors": {"type": "integer", "description": "how many field errors were left out"},
        "etag": {"type": "string", "description": "412: the coalition's version now"},
        "state": {"type": "string", "description": "412: the coalition's state now"},
    },
}

# Each taken from a real call (tests/test_contract.py checks that calls answer alike).
_EXAMPLES: Final[dict[int, dict[str, Any]]] = {
    400: {
        "type": "/problems/not-json",
        "title": "Body is not JSON",
        "status": 400,
        "detail": "body: not valid JSON (Expecting value at line 1, column 1).",
        "instance": "/subscriptions",
    },
    401: {
        "type": "/problems/unauthenticated",
        "title": "Unauthenticated",
        "status": 401,
        "detail": "the key is not known",
        "instance": "/coalitions",
    },
    403: {
        "type": "/problems/forbidden",
        "title": "Not allowed for you",
        "status": 403,
        "detail": "record_intent refused: els as auditor may read everything but change nothing.",
        "instance": "/coalitions/contract-taskforce/triggers/record_intent",
        "trigger": "record_intent",
        "reasons": ["els as auditor may read everything but change nothing."],
        "reason_codes": ["policy.auditor-reads"],
    },
    404: {
        "type": "/problems/not-found",
        "title": "No such coalition",
        "status": 404,
        "detail": "there is no coalition 'nope' (lemniscate list shows them all).",
        "instance": "/coalitions/nope",
    },
    409: {
        "type": "/problems/exists",
        "title": "Already exists",
        "status": 409,
        "detail": "a coalition with id 'contract-taskforce' already exists; choose another slug.",
        "instance": "/coalitions",
    },
    412: {
        "type": "/problems/moved",
        "title": "Coalition moved on",
        "status": 412,
        "detail": "record_intent refused: the coalition is at version 2, not 1 as If-Match says: read "
        "it again, then decide.",
        "instance": "/coalitions/contract-if-match/triggers/record_intent",
        "trigger": "record_intent",
        "reasons": ["the coalition is at version 2, not 1 as If-Match says: read it again, then decide."],
        "etag": '"2"',
        "state": "intent_and_interests",
        "reason_codes": ["precondition.moved"],
    },
    413: {
        "type": "/problems/body-too-large",
        "title": "Body too large",
        "status": 413,
        "detail": "body: 2,000,000 bytes or more; at most 1,048,576 (a trigger's payload at most 262,144).",
        "instance": "/coalitions/contract-taskforce/triggers/record_intent",
    },
    422: {
        "type": "/problems/refused",
        "title": "Refused",
        "status": 422,
        "detail": "map_domain refused: The initiator's own intent is not recorded yet "
        "(record_intent). 5 of 5 prospective partners have no interview: VNG, Aedes, "
        "ActiZ, ZN, BZK (record_interview, or mark_not_reached with a reason). 0 partners "
        "are interviewed; the playbook default@1 asks for at least 2.",
        "instance": "/coalitions/contract-taskforce/triggers/map_domain",
        "trigger": "map_domain",
        "reasons": [
            "The initiator's own intent is not recorded yet (record_intent).",
            "5 of 5 prospective partners have no interview: VNG, Aedes, ActiZ, ZN, BZK "
            "(record_interview, or mark_not_reached with a reason).",
            "0 partners are interviewed; the playbook default@1 asks for at least 2.",
        ],
        "reason_codes": [
            "guard.intent-missing",
            "guard.partners-not-interviewed",
            "guard.too-few-interviews",
        ],
    },
    429: {
        "type": "/problems/rate-limited",
        "title": "Too many requests",
        "status": 429,
        "detail": "this key asked more than 20 times a second; ask again in 1 s.",
        "instance": "/coalitions",
    },
    503: {
        "type": "/problems/unavailable",
        "title": "Temporal unavailable",
        "status": 503,
        "detail": "Temporal at 127.0.0.1:7233 is not reachable.",
        "instance": "/coalitions",
    },
}
_INVALID_EXAMPLE: Final = {
    "type": "/problems/invalid",
    "title": "Invalid request",
    "status": 422,
    "detail": "query.round: Input should be '1', '2', '3', 'execution' or 'closure'",
    "instance": "/coalitions",
    "errors": [
        {
            "field": "query.round",
            "reason": "Input should be '1', '2', '3', 'execution' or 'closure'",
            "code": "pydantic.enum",
        }
    ],
}

_DESCRIPTIONS: Final = {
    400: "The body is not JSON",
    401: "No key, or a key this API does not know",
    403: "Not allowed for this caller (the policy's reasons)",
    404: "No such resource, or none this caller may see",
    409: "Conflicts with what exists (already exists, finished)",
    412: "The coalition moved on since the version in If-Match (its version and state now)",
    413: "The body is too large",
    422: "Refused by the method's guards, or an invalid payload or request (with `errors`)",
    429: "Too many requests for this key; see Retry-After",
    503: "Temporal, or the key file, is unavailable; try again",
}

_CONTENT_LANGUAGE: Final = {
    "Content-Language": {
        "description": "the language of the sentences (`Accept-Language`, else the office's)",
        "schema": {"type": "string"},
    }
}


def _problem_response(status: int, own: Mapping[str, Any] | None) -> dict[str, Any]:
    """`status` as a `Problem`, with the operation's `own` examples or else the shared ones."""
    if own is None:
        own = {_EXAMPLES[status]["type"].rsplit("/", 1)[1]: _EXAMPLES[status]} if status in _EXAMPLES else {}
        own = {**own, "invalid": _INVALID_EXAMPLE} if status == 422 else own
    examples = {name: {"value": value} for name, value in own.items()}
    headers: dict[str, Any] = dict(_CONTENT_LANGUAGE)
    if status == 401:
        headers["WWW-Authenticate"] = {"schema": {"type": "string"}, "description": "Bearer"}
    if status == 429:
        headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "seconds to wait"}
    content: dict[str, Any] = {"schema": {"$ref": PROBLEM_REF}}
    if examples:
        content["examples"] = examples
    return {"description": _DESCRIPTIONS[status], "headers": headers, "content": {PROBLEM_JSON: content}}


ETAG_RESPONSE: Final = {
    "headers": {
        "ETag": {
            "description": "the coalition's version (its journal length): send it as If-Match",
            "schema": {"type": "string"},
        }
    }
}

LINK_RESPONSE: Final = {
    "headers": {
        "Link": {
            "description": 'the next page, `<...>; rel="next"` (absent on the last page)',
            "schema": {"type": "string"},
        }
    }
}

# What every authenticated operation can answer: no or an unknown key.
AUTHENTICATED: Final = (401, 429)
# What an operation that reaches Temporal can answer too.
SERVED: Final = (*AUTHENTICATED, 503)
# What an operation that reads a JSON body can answer too: not JSON, too large, invalid.
READS_BODY: Final = (400, 413, 422)


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    *,
    problems: tuple[int, ...] = (),
    ok: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    examples: Mapping[int, Mapping[str, Any]] | None = None,
    anonymous: bool = False,
    offline: bool = False,
) -> dict[str, Any]:
    """How a route is declared: the keyword arguments of `router.get(path, ...)` and the like.
    Its id, its tag (one of `TAGS`), its summary, and each of its `problems` besides `SERVED`
    as a `Problem`. `ok` is what its 200 answer declares beyond its schema; `body` the body it
    reads, as `body_schema` declares it (so it answers `READS_BODY` too); `examples` its own
    examples of a status instead of the shared ones. An `anonymous` operation asks for no key
    (no 401 or 429, no security scheme); an `offline` one reaches nothing that can be down (503)."""
    if tag not in _TAG_DESCRIPTIONS:
        raise ValueError(f"{operation_id}: the tag {tag!r} is not one of the document's TAGS")
    served = set(SERVED) | set(READS_BODY if body is not None else ())
    if anonymous:
        served -= set(AUTHENTICATED)
    if offline:
        served.discard(503)
    responses: dict[int | str, dict[str, Any]] = {} if ok is None else {200: ok}
    for status in sorted(served | set(problems)):
        responses[status] = _problem_response(status, (examples or {}).get(status))
    declared = {"operation_id": operation_id, "tags": [tag], "summary": summary, "responses": responses}
    extra = dict(body or {}) | ({"security": []} if anonymous else {})
    return declared | ({"openapi_extra": extra} if extra else {})


def component(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    """`model`'s schema (and those it refers to) added to `schemas`; a reference to it."""
    schema = model.model_json_schema(ref_template=_SCHEMA_REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": _SCHEMA_REF.format(model=model.__name__)}


def body_schema(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    """The `openapi_extra` of an operation whose body is read as `model` by the route itself
    (`api.deps.json_body`, or the method's own models for triggers)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": component(model, schemas)}},
        }
    }


def camel(name: str) -> str:
    """`map_domain` -> `MapDomain`: operation ids are camelCase of a verb and this."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


_WEBHOOK_HEADERS: Final = (
    ("webhook-id", "the event's id: the same on every retry; drop one you have seen"),
    ("webhook-timestamp", "seconds since the epoch, of this attempt"),
    ("webhook-signature", "`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per active secret"),
)
_WEBHOOK_DATA: Final[dict[EventType, type[BaseModel]]] = {
    "transition": TransitionData,
    "follow_up": FollowUpData,
}


def webhooks(schemas: dict[str, Any]) -> dict[str, Any]:
    """The document's `webhooks`: each event type as the CloudEvent a subscription receives."""
    declared: dict[str, Any] = {}
    for kind, data in _WEBHOOK_DATA.items():
        event = {
            "type": "object",
            "required": ["specversion", "id", "source", "type", "time", "subject", "datacontenttype", "data"],
            "properties": {
                "specversion": {"const": "1.0"},
                "id": {"type": "string"},
                "source": {"type": "string", "description": "`/coalitions/<coalition id>`"},
                "type": {"const": CLOUD_EVENT_TYPES[kind]},
                "time": {"type": "string", "format": "date-time"},
                "subject": {"type": "string", "description": "the step, or the follow-up's key"},
                "datacontenttype": {"const": "application/json"},
                "data": component(data, schemas),
            },
        }
        declared[kind] = {
            "post": {
                "operationId": f"on{camel(kind)}",
                "tags": ["events"],
                "summary": data.__doc__,
                "description": "A CloudEvents 1.0 structured event, signed per Standard Webhooks; "
                f"refuse a `webhook-timestamp` more than {TIMESTAMP_TOLERANCE_SECONDS} seconds off. "
                "Delivered at least once, retried until a 2xx (a 4xx other than 408 and 429 ends it).",
                "parameters": [
                    {
                        "name": name,
                        "in": "header",
                        "required": True,
                        "description": said,
                        "schema": {"type": "string"},
                    }
                    for name, said in _WEBHOOK_HEADERS
                ],
                "requestBody": {"required": True, "content": {CLOUD_EVENTS_JSON: {"schema": event}}},
                "responses": {"2XX": {"description": "Received (a duplicate too)"}},
            }
        }
    return declared


def finish(schema: dict[str, Any], extra_schemas: dict[str, Any]) -> dict[str, Any]:
    """The document as FastAPI made it, plus the shared schemas and the webhooks; FastAPI's
    validation error schemas go, since no operation declares them."""
    schema["webhooks"] = webhooks(extra_schemas)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(extra_schemas)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["FieldError"] = _FIELD_ERROR
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # FastAPI adds its validation error to any operation with parameters; where the
            # operation declares no 422 of its own, none of its parameters can be invalid.
            said = operation.get("responses", {}).get("422", {})
            if "HTTPValidationError" in str(said):
                del operation["responses"]["422"]
    return schema
