"""The HTTP API: the same operations as the CLI, for other systems and for people's tools.

One route per trigger (`POST /coalitions/{id}/triggers/{trigger}`), each with its payload's
JSON schema in the OpenAPI document. Bodies go to `CoalitionService` as they came (JSON, or
why they are not); it checks who asked and parses them with the method's own models, so an
error names the field and the reason exactly as the CLI and the dashboard do.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lemniscate import states
from lemniscate.api import (
    agenda_routes,
    audit_routes,
    contract,
    key_routes,
    playbook_routes,
    problems,
    programme_routes,
    report_routes,
    subscription_routes,
)
from lemniscate.api.auth import KeyRing
from lemniscate.api.contract import operation
from lemniscate.api.deps import Caller, ServiceFactory, json_body, read_body
from lemniscate.api.deps import page_token as read_page_token
from lemniscate.api.feeds import FeedKeys
from lemniscate.api.limits import RateLimit
from lemniscate.coalitions import CoalitionService, PortfolioFilter, PortfolioRow, Unreadable
from lemniscate.coalitions.gate import Payload
from lemniscate.models.bulk import BulkFilter, BulkProgress, BulkRequest
from lemniscate.models.journal import ReadEntry
from lemniscate.models.json_input import UnreadableJson, read_json
from lemniscate.models.payloads import StartCoalition
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states.describe import method_description
from lemniscate.workflows.io import Accepted, CoalitionView


class Page(BaseModel):
    items: list[PortfolioRow]
    next_page_token: str | None


class Count(BaseModel):
    count: int


class BulkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    where: BulkFilter
    trigger: str = Field(min_length=1, max_length=100)
    payload: dict[str, Any] = Field(default_factory=dict)
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


async def _payload(request: Request) -> Payload:
    """The body as a JSON object, or why it is none, for the service to refuse (and log)."""
    try:
        body = read_json(await read_body(request) or b"{}")
    except UnreadableJson as error:
        said = Sentence("payload.not-json", "payload: not valid JSON ({reason}).", reason=error.reason)
        return Unreadable([said], not_json=True)
    if not isinstance(body, dict):
        return Unreadable([Sentence("payload.not-object", "payload: must be a JSON object")])
    return body


_CURSOR = "an opaque cursor: a page's `next_page_token` (or its `Link: rel=next`), for the page after it"
_IF_MATCH = 'the ETag of `getCoalition` (e.g. "7"): fire only if the coalition is still there (412 if not)'


def _expected_seq(if_match: str | None) -> int | None:
    """The journal length an If-Match names; none for no header or `*`."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip()
    if len(tag) > 2 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and int(tag[1:-1]) > 0:
        return int(tag[1:-1])
    said = Sentence("header.if-match", 'give the ETag that reading the coalition answered with, e.g. "7"')
    raise problems.field_problem('header."if-match"', said)


def create_app(service: ServiceFactory, keys: KeyRing) -> FastAPI:
    """The HTTP API. The dashboard is mounted on it by the composition root (`cli.web`)."""
    app = FastAPI(
        title="Lemniscate",
        version="1",
        description="Vital coalitions as durable workflows. Authenticate with "
        "`Authorization: Bearer <key>` or `X-API-Key: <key>`. Every error is an RFC 9457 problem "
        "(`application/problem+json`, the `Problem` schema). Webhooks: see `webhooks`.",
        openapi_tags=contract.TAGS,
    )
    app.state.keys = keys
    app.state.rate_limit = RateLimit.from_env()
    app.state.feeds = FeedKeys.beside(keys.source)
    problems.install(app)
    extra_schemas: dict[str, Any] = {}

    @app.get(
        "/method",
        **operation("getMethod", "method", "States, steps, guards and payload schemas", offline=True),
    )
    async def get_method(caller: Caller) -> dict[str, Any]:
        return method_description()

    @app.post(
        "/coalitions",
        status_code=201,
        **operation(
            "startCoalition",
            "coalitions",
            "Start a coalition (coordinators; integrations allowed 'start')",
            problems=(403, 409),
            body=contract.body_schema(StartCoalition, extra_schemas),
        ),
    )
    async def start(
        request: Request,
        caller: Caller,
        reason: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
    ) -> CoalitionView:
        return await (await service()).start(await _payload(request), caller, reason, source="api")

    @app.get(
        "/coalitions",
        **operation(
            "listCoalitions",
            "portfolio",
            "List coalitions (visibility, paged)",
            problems=(422,),
            ok=contract.LINK_RESPONSE,
        ),
    )
    async def list_coalitions(
        request: Request,
        response: Response,
        caller: Caller,
        where: Portfolio,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        page_token: Annotated[str | None, Query(max_length=4000, description=_CURSOR)] = None,
    ) -> Page:
        svc = await service()
        where = await known_programme(svc, where)
        rows, token = await svc.list(where, caller, limit, read_page_token(page_token))
        cursor = base64.urlsafe_b64encode(token).decode() if token else None
        if cursor is not None:
            # The same query for the next page, for clients that follow links (RFC 8288).
            following = request.url.include_query_params(page_token=cursor)
            response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
        return Page(items=rows, next_page_token=cursor)

    @app.get(
        "/coalitions/count", **operation("countCoalitions", "portfolio", "Count coalitions", problems=(422,))
    )
    async def count_coalitions(caller: Caller, where: Portfolio) -> Count:
        svc = await service()
        return Count(count=await svc.count(await known_programme(svc, where), caller))

    @app.get(
        "/coalitions/{coalition_id}",
        **operation(
            "getCoalition",
            "coalitions",
            "Where a coalition stands",
            problems=(404, 409),
            ok=contract.ETAG_RESPONSE,
        ),
    )
    async def get_coalition(coalition_id: str, caller: Caller, response: Response) -> CoalitionView:
        view = await (await service()).view(coalition_id, caller)
        response.headers["ETag"] = problems.etag(view.status.journal_length)
        return view

    @app.get(
        "/coalitions/{coalition_id}/journal",
        **operation("getJournal", "coalitions", "Who did what, when and why", problems=(404, 409, 422)),
    )
    async def get_journal(
        coalition_id: str, caller: Caller, since: Annotated[int, Query(ge=0)] = 0
    ) -> list[ReadEntry]:
        entries = await (await service()).journal(coalition_id, caller, since)
        return [ReadEntry.of(e) for e in entries]

    @app.post(
        "/bulk",
        status_code=202,
        **operation(
            "startBulk",
            "bulk",
            "Apply one trigger to every running coalition matching a filter",
            problems=(403, 409),
            body=contract.body_schema(BulkBody, extra_schemas),
        ),
    )
    async def start_bulk(
        body: Annotated[BulkBody, Depends(json_body(BulkBody))], caller: Caller
    ) -> BulkProgress:
        bulk_id = body.id or uuid.uuid4().hex[:12]
        # An unknown trigger is refused by the service's gate, which logs it with the rest.
        (await service()).gate.bulk_trigger(bulk_id, body.trigger, caller, source="api")
        request = BulkRequest(
            id=bulk_id,
            where=body.where,
            trigger=body.trigger,
            payload=body.payload,
            actor=caller,
            reason=body.reason,
        )
        return await (await service()).bulk_runs.start(request, source="api")

    @app.get(
        "/bulk/{bulk_id}",
        **operation("getBulk", "bulk", "Progress and per-coalition results", problems=(404,)),
    )
    async def get_bulk(bulk_id: str, caller: Caller) -> BulkProgress:
        return await (await service()).bulk_runs.progress(bulk_id, caller)

    def fire_route(trigger: str, model: type[Record]) -> None:
        async def fire(
            coalition_id: str,
            request: Request,
            response: Response,
            caller: Caller,
            reason: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
            idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
            if_match: Annotated[str | None, Header(max_length=100, description=_IF_MATCH)] = None,
        ) -> Accepted:
            # The key is bound to the caller, this trigger and the body by the service and
            # the coalition (models.idempotency); a reuse for another request is a 422.
            payload = await _payload(request)
            accepted = await (await service()).trigger(
                coalition_id,
                trigger,
                payload,
                caller,
                reason,
                idempotency_key,
                source="api",
                expected_seq=_expected_seq(if_match),
            )
            response.headers["ETag"] = problems.etag(accepted.seq)
            return accepted

        app.post(
            f"/coalitions/{{coalition_id}}/triggers/{trigger}",
            name=f"fire_{trigger}",
            **operation(
                f"fire{contract.camel(trigger)}",
                "triggers",
                states.TRIGGERS[trigger].summary,
                problems=(403, 404, 409, 412),
                ok=contract.ETAG_RESPONSE,
                body=contract.body_schema(model, extra_schemas),
            ),
        )(fire)

    for name, spec in states.TRIGGERS.items():
        fire_route(name, spec.payload)

    app.include_router(subscription_routes.subscription_router(service, extra_schemas))
    app.include_router(audit_routes.audit_router(service))
    app.include_router(report_routes.report_router(service))
    app.include_router(agenda_routes.agenda_router(service))
    app.include_router(key_routes.key_router())
    app.include_router(playbook_routes.playbook_router(service))
    app.include_router(programme_routes.programme_router(service, extra_schemas))

    built = app.openapi

    def openapi() -> dict[str, Any]:
        # FastAPI's own document, finished once: `built` keeps it in `openapi_schema`.
        if app.openapi_schema is None:
            app.openapi_schema = contract.finish(built(), extra_schemas)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def portfolio_filter(
    state: Annotated[str | None, Query(max_length=100)] = None,
    round: Annotated[states.Round | None, Query()] = None,
    side: Annotated[states.Side | None, Query()] = None,
    programme: Annotated[str | None, Query(max_length=200)] = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    at_risk: bool | None = None,
    due_before: datetime | None = None,
    name: Annotated[
        str | None, Query(max_length=200, description="part of the name, case and accents aside")
    ] = None,
    status: Annotated[Literal["running", "finished"] | None, Query()] = None,
) -> PortfolioFilter:
    """The portfolio filter from query parameters, for listing and counting alike."""
    if state is not None and state not in states.STATE_INFO:
        raise problems.field_problem("query.state", Sentence("query.unknown-state", "unknown state"))
    if due_before is not None and due_before.tzinfo is None:
        raise problems.field_problem(
            "query.due_before", Sentence("query.time-zone", "give a time zone, e.g. 2027-01-31T00:00:00Z")
        )
    try:
        return PortfolioFilter(
            state=state,
            round=round.value if round else None,
            side=side.value if side else None,
            programme=programme,
            organisation=organisation,
            at_risk=at_risk,
            due_before=due_before,
            name=name.strip() or None if name is not None else None,
            running_only=status == "running",
            finished_only=status == "finished",
        )
    except ValidationError as error:  # a value the query builder cannot quote (FilterValue)
        raise problems.invalid(problems.INVALID_REQUEST, states.describe_errors(error, "query.")) from None


Portfolio = Annotated[PortfolioFilter, Depends(portfolio_filter)]


async def known_programme(service: CoalitionService, where: PortfolioFilter) -> PortfolioFilter:
    """`where` with its programme as the office spells it; one it does not have is a 422."""
    known, unknown = await service.programmes.in_filter(where)
    if unknown is not None:
        raise problems.field_problem("query.programme", unknown)
    return known
