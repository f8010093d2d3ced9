"""Follow-ups, the agenda and calendar feeds over HTTP, through the one service.

- `GET /coalitions/{id}/follow-ups`: the follow-up read model (`states.followup_view`).
- `GET /agenda`: one page of a worklist across coalitions (`coalitions.agenda`).
- `POST /feeds`, `DELETE /feeds`, `GET /feeds/{token}.ics`: secret calendar addresses
  (`api.feeds`) for a coalition, an organisation or a person: made and revoked with a key,
  read without one.
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ValidationError

from lemniscate import language, states
from lemniscate.api import problems
from lemniscate.api.contract import operation
from lemniscate.api.deps import Caller, ServiceFactory, key_ring
from lemniscate.api.deps import page_token as read_page_token
from lemniscate.api.feeds import FeedKeys
from lemniscate.coalitions import CoalitionNotFound
from lemniscate.models.sentence import Sentence
from lemniscate.states.agenda import AgendaPage, Window
from lemniscate.states.checks import field
from lemniscate.states.followup_view import FollowUps

CALENDAR = "text/calendar; charset=utf-8"
# What a feed holds: one coalition, or one organisation's or one person's across coalitions.
SCOPES = ("coalition", "organisation", "person")


class FeedAddress(BaseModel):
    url: str
    scope: str


def feeds_of(request: Request) -> FeedKeys:
    feeds: FeedKeys = request.app.state.feeds
    return feeds


def _no_feed() -> CoalitionNotFound:
    return CoalitionNotFound(
        Sentence("feeds.unknown", "there is no such calendar feed (revoked, or never made).")
    )


def agenda_router(service: ServiceFactory) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/coalitions/{coalition_id}/follow-ups",
        **operation(
            "getFollowUps",
            "coalitions",
            "Follow-ups planned and delivered, overdue actions, standing escalations",
            problems=(404, 422),
        ),
    )
    async def get_follow_ups(coalition_id: str, caller: Caller) -> FollowUps:
        return await (await service()).follow_ups(coalition_id, caller)

    @router.get(
        "/agenda", **operation("getAgenda", "agenda", "A worklist across coalitions (paged)", problems=(422,))
    )
    async def get_agenda(
        caller: Caller,
        window: Annotated[Window, Query()] = Window.all,
        organisation: Annotated[str | None, Query(max_length=200)] = None,
        person: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        page_token: Annotated[str | None, Query(max_length=4000)] = None,
    ) -> AgendaPage:
        try:
            items, read, token = await (await service()).agenda(
                caller,
                window,
                organisation=organisation,
                person=person,
                limit=limit,
                page_token=read_page_token(page_token),
            )
        except ValidationError as error:  # a value the visibility query cannot quote (FilterValue)
            raise problems.invalid(
                problems.INVALID_REQUEST, states.describe_errors(error, "query.")
            ) from None
        return AgendaPage(
            items=items,
            coalitions_read=read,
            next_page_token=base64.urlsafe_b64encode(token).decode() if token else None,
        )

    @router.post(
        "/feeds",
        status_code=201,
        **operation("createFeed", "calendar", "A secret calendar address", problems=(404, 422)),
    )
    async def make_feed(
        request: Request,
        caller: Caller,
        coalition: Annotated[str | None, Query(min_length=1, max_length=80)] = None,
        organisation: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        person: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    ) -> FeedAddress:
        asked = {SCOPES[0]: coalition, SCOPES[1]: organisation, SCOPES[2]: person}
        named = [(kind, value) for kind, value in asked.items() if value is not None]
        if len(named) != 1:
            one = Sentence(
                "feeds.one-scope", "name exactly one of coalition, organisation and person for a feed."
            )
            raise problems.invalid(problems.INVALID_REQUEST, [field(f"query.{kind}", one) for kind in asked])
        ((kind, value),) = named
        if kind == "coalition":
            await (await service()).view(value, caller)  # only for a coalition the caller reads
        scope = f"{kind}:{value}"
        token = feeds_of(request).token(caller.id, scope)
        return FeedAddress(url=f"/feeds/{token}.ics", scope=scope)

    @router.delete(
        "/feeds", status_code=204, **operation("revokeFeeds", "calendar", "Revoke your calendar addresses")
    )
    async def revoke_feeds(request: Request, caller: Caller) -> None:
        feeds_of(request).revoke(caller.id)

    @router.get(
        "/feeds/{token}.ics",
        response_class=Response,
        **operation(
            "readFeed",
            "calendar",
            "A calendar feed (RFC 5545); the address is the credential",
            problems=(404, 422),
            ok={"content": {"text/calendar": {"schema": {"type": "string"}}}},
            # The address itself is the credential (a calendar program sends no key).
            anonymous=True,
        ),
    )
    async def read_feed(request: Request, token: str, lang: str | None = None) -> Response:
        named = feeds_of(request).verify(token)
        reader = key_ring(request).actor_of_id(named[0]) if named else None
        kind, _, value = named[1].partition(":") if named else ("", "", "")
        if reader is None or kind not in SCOPES or not value:
            raise _no_feed()
        chosen, coalitions = language.choose(lang, None), await service()
        if kind == "coalition":
            body = await coalitions.calendar(value, reader, chosen)
        else:
            body = await coalitions.calendar_across(reader, chosen, **{kind: value})
        return Response(body, media_type=CALENDAR)

    return router
