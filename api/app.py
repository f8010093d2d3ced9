"""The HTTP API: the same operations as the CLI, for other systems and for people's tools.

One route per trigger (`POST /coalitions/{id}/triggers/{trigger}`), each with its payload's
JSON schema in the OpenAPI document. Bodies are validated by the method's own models, as JSON,
so an error names the field and the reason exactly as the CLI does.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lemniscate import states
from lemniscate.api import problems
from lemniscate.api.audit_routes import audit_router
from lemniscate.api.auth import KeyRing
from lemniscate.api.problems import Problem
from lemniscate.audit.refusals import record_refusal
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import CoalitionRefused, CoalitionService, PortfolioFilter, PortfolioRow
from lemniscate.dashboard import mount
from lemniscate.models.bulk import BulkFilter, BulkProgress, BulkRequest
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import JournalEntry
from lemniscate.models.outbound import ALL_EVENT_TYPES, EventType, Subscription
from lemniscate.models.payloads import StartCoalition
from lemniscate.models.records import Record
from lemniscate.states.describe import method_description
from lemniscate.workflows.io import Accepted, CoalitionView

ServiceFactory = Callable[[], Awaitable[CoalitionService]]

_SCHEMA_REF = "#/components/schemas/{model}"


class Page(BaseModel):
    items: list[PortfolioRow]
    next_page_token: str | None


class Count(BaseModel):
    count: int


class SubscriptionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2000)
    secret: str = Field(min_length=16, max_length=200)
    events: list[EventType] = Field(default_factory=lambda: list(ALL_EVENT_TYPES), min_length=1)


class SubscriptionOut(BaseModel):
    """A subscription as shown back: never with its secret."""

    id: str
    url: str
    events: list[EventType]
    created_by: str

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionOut:
        return cls(id=s.id, url=s.url, events=s.events, created_by=s.created_by)


class BulkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    where: BulkFilter
    trigger: str = Field(min_length=1, max_length=100)
    payload: dict[str, Any] = Field(default_factory=dict)
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


def _body_schema(model: type[Record], defs: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=_SCHEMA_REF)
    defs.update(schema.pop("$defs", {}))
    defs[model.__name__] = schema
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": _SCHEMA_REF.format(model=model.__name__)}}},
        }
    }


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Problem(400, "Body is not JSON", f"the body is not valid JSON: {error}", "not-json") from None
    if not isinstance(body, dict):
        raise Problem(
            422,
            "Invalid payload",
            "the body must be a JSON object",
            "invalid",
            errors=[{"field": "", "reason": "must be a JSON object"}],
        )
    try:  # JSON may escape lone surrogates that no UTF-8 text, and so no record, can hold
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Problem(
            422,
            "Invalid payload",
            "the body contains invalid Unicode (a lone surrogate escape)",
            "invalid",
            errors=[{"field": "", "reason": "invalid Unicode"}],
        ) from None
    return body


def _validated(model: type[Record], body: dict[str, Any]) -> None:
    """Field paths and reasons, before anything reaches Temporal."""
    try:
        model.model_validate_json(json.dumps(body))
    except ValidationError as error:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in error.errors()]
        raise Problem(
            422,
            "Invalid payload",
            "; ".join(f"{e['field']}: {e['reason']}" for e in errors),
            "invalid",
            errors=errors,
        ) from None


def _page_token(token: str | None) -> bytes | None:
    if token is None:
        return None
    try:
        return base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        raise Problem(
            422,
            "Invalid request",
            "page_token: not a token this API gave out",
            "invalid",
            errors=[{"field": "query.page_token", "reason": "not a token this API gave out"}],
        ) from None


async def authenticate(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Actor:
    """The actor behind the key the request carries."""
    keys: KeyRing = request.app.state.keys
    presented = x_api_key
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, "Unauthenticated", "use 'Authorization: Bearer <key>'", "unauthenticated")
        presented = token
    if not presented:
        raise Problem(
            401,
            "Unauthenticated",
            "this API needs a key: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            "unauthenticated",
        )
    identified = keys.identify(presented)
    if identified is None:
        raise Problem(401, "Unauthenticated", "the key is not known", "unauthenticated")
    return identified


Caller = Annotated[Actor, Depends(authenticate)]


def create_app(service: ServiceFactory, keys: KeyRing, settings: ClusterSettings | None = None) -> FastAPI:
    """The API and its dashboard; `settings` name the Temporal namespace and Web UI the
    dashboard links to (from the environment when not given)."""
    app = FastAPI(
        title="Lemniscate",
        version="1",
        description="Vital coalitions as durable workflows. Authenticate with "
        "`Authorization: Bearer <key>` or `X-API-Key: <key>`.",
    )
    app.state.keys = keys
    problems.install(app)
    extra_schemas: dict[str, Any] = {}

    @app.get("/method", tags=["method"], summary="States, steps, guards and payload schemas")
    async def get_method(caller: Caller) -> dict[str, Any]:
        return method_description()

    @app.post(
        "/coalitions",
        tags=["coalitions"],
        status_code=201,
        summary="Start a coalition (coordinators; integrations allowed 'start')",
        openapi_extra=_body_schema(StartCoalition, extra_schemas),
    )
    async def start(
        request: Request,
        caller: Caller,
        reason: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
    ) -> CoalitionView:
        body = await _json_object(request)
        _validated(StartCoalition, body)
        return await (await service()).start(body, caller, reason)

    @app.get("/coalitions", tags=["portfolio"], summary="List coalitions (visibility, paged)")
    async def list_coalitions(
        caller: Caller,
        where: Portfolio,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        page_token: Annotated[str | None, Query(max_length=4000)] = None,
    ) -> Page:
        rows, token = await (await service()).list(where, limit, _page_token(page_token))
        return Page(items=rows, next_page_token=base64.urlsafe_b64encode(token).decode() if token else None)

    @app.get("/coalitions/count", tags=["portfolio"], summary="Count coalitions")
    async def count_coalitions(caller: Caller, where: Portfolio) -> Count:
        return Count(count=await (await service()).count(where))

    @app.get("/coalitions/{coalition_id}", tags=["coalitions"], summary="Where a coalition stands")
    async def get_coalition(coalition_id: str, caller: Caller) -> CoalitionView:
        return await (await service()).view(coalition_id)

    @app.get("/coalitions/{coalition_id}/journal", tags=["coalitions"], summary="Who did what, when and why")
    async def get_journal(
        coalition_id: str, caller: Caller, since: Annotated[int, Query(ge=0)] = 0
    ) -> list[JournalEntry]:
        return await (await service()).journal(coalition_id, since)

    @app.post(
        "/bulk",
        tags=["bulk"],
        status_code=202,
        summary="Apply one trigger to every running coalition matching a filter",
    )
    async def start_bulk(body: BulkBody, caller: Caller) -> BulkProgress:
        if body.trigger not in states.TRIGGERS:
            raise Problem(
                422,
                "Invalid request",
                f"trigger: there is no trigger {body.trigger!r}",
                "invalid",
                errors=[{"field": "body.trigger", "reason": "unknown trigger"}],
            )
        _validated(states.TRIGGERS[body.trigger].payload, body.payload)
        request = BulkRequest(
            id=body.id or uuid.uuid4().hex[:12],
            where=body.where,
            trigger=body.trigger,
            payload=body.payload,
            actor=caller,
            reason=body.reason,
        )
        return await (await service()).start_bulk(request)

    @app.get("/bulk/{bulk_id}", tags=["bulk"], summary="Progress and per-coalition results")
    async def get_bulk(bulk_id: str, caller: Caller) -> BulkProgress:
        return await (await service()).bulk_progress(bulk_id)

    @app.post(
        "/subscriptions",
        tags=["events"],
        status_code=201,
        summary="Receive every transition and follow-up at a webhook (signed)",
    )
    async def subscribe(body: SubscriptionBody, caller: Caller) -> SubscriptionOut:
        """Events are delivered from within a minute of subscribing: a coalition that found
        nobody subscribed asks again at most a minute later."""
        if caller.role not in (Role.coordinator, Role.integration):
            raise Problem(403, "Not allowed for you", f"{caller} may not subscribe webhooks.", "forbidden")
        stored = await (await service()).subscribe(
            Subscription(
                id=body.id or uuid.uuid4().hex[:12],
                url=body.url,
                secret=body.secret,
                events=body.events,
                created_by=caller.id,
            )
        )
        return SubscriptionOut.of(stored)

    @app.get("/subscriptions", tags=["events"], summary="The registered webhooks")
    async def list_subscriptions(caller: Caller) -> list[SubscriptionOut]:
        return [SubscriptionOut.of(s) for s in await (await service()).subscriptions()]

    @app.delete(
        "/subscriptions/{subscription_id}",
        tags=["events"],
        status_code=204,
        summary="Stop sending events to a webhook",
    )
    async def unsubscribe(subscription_id: str, caller: Caller) -> None:
        if caller.role not in (Role.coordinator, Role.integration):
            raise Problem(403, "Not allowed for you", f"{caller} may not remove webhooks.", "forbidden")
        await (await service()).unsubscribe(subscription_id)

    def fire_route(trigger: str, model: type[Record]) -> None:
        async def fire(
            coalition_id: str,
            request: Request,
            caller: Caller,
            reason: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
            idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
        ) -> Accepted:
            try:
                if caller.role == Role.auditor:
                    raise Problem(
                        403,
                        "Not allowed for you",
                        f"{caller} may read everything but change nothing.",
                        "forbidden",
                    )
                body = await _json_object(request)
                _validated(model, body)
                # Scoped by caller so two clients' keys can never collide in one coalition.
                request_id = f"{caller.id}:{idempotency_key}" if idempotency_key else None
                return await (await service()).trigger(
                    coalition_id, trigger, body, caller, reason, request_id
                )
            except CoalitionRefused as refused:
                record_refusal(coalition_id, trigger, caller, refused.reasons, source="api")
                raise
            except Problem as problem:
                record_refusal(coalition_id, trigger, caller, [problem.detail], source="api")
                raise

        app.post(
            f"/coalitions/{{coalition_id}}/triggers/{trigger}",
            tags=["triggers"],
            summary=states.TRIGGERS[trigger].summary,
            name=f"fire_{trigger}",
            openapi_extra=_body_schema(model, extra_schemas),
        )(fire)

    for name, spec in states.TRIGGERS.items():
        fire_route(name, spec.payload)

    app.include_router(audit_router(service))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(extra_schemas)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    mount(app, service, settings)
    return app


def portfolio_filter(
    state: Annotated[str | None, Query(max_length=100)] = None,
    round: Annotated[states.Round | None, Query()] = None,
    side: Annotated[states.Side | None, Query()] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    at_risk: bool | None = None,
    due_before: datetime | None = None,
) -> PortfolioFilter:
    """The portfolio filter from query parameters, for listing and counting alike."""
    if state is not None and state not in states.STATE_INFO:
        raise Problem(
            422,
            "Invalid request",
            f"state: unknown state {state!r}",
            "invalid",
            errors=[{"field": "query.state", "reason": "unknown state"}],
        )
    if due_before is not None and due_before.tzinfo is None:
        raise Problem(
            422,
            "Invalid request",
            "due_before: give a time zone, e.g. 2027-01-31T00:00:00Z",
            "invalid",
            errors=[{"field": "query.due_before", "reason": "needs a time zone"}],
        )
    return PortfolioFilter(
        state=state,
        round=round.value if round else None,
        side=side.value if side else None,
        programme=programme,
        organisation=organisation,
        at_risk=at_risk,
        due_before=due_before,
    )


Portfolio = Annotated[PortfolioFilter, Depends(portfolio_filter)]
