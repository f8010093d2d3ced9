""" "My week": a person's worklist across coalitions, the first page in the nav. It reads
the service's agenda as the person logged in (visibility, then each coalition's own
follow-ups), so a partner sees only its organisation's."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lemniscate.api.deps import ServiceFactory
from lemniscate.models.events import Actor, Role
from lemniscate.states.agenda import Window

Page = Callable[..., Response]
PAGE_SIZE = 50  # coalitions read per page


def _token(raw: str | None) -> bytes | None:
    if not raw:
        return None
    try:
        return base64.urlsafe_b64decode(raw.encode())
    except (binascii.Error, ValueError):
        return None  # a mangled link: the first page


def add_routes(
    router: APIRouter, service: ServiceFactory, actor_of: Callable[[Request], Actor], page: Page
) -> None:
    @router.get("/week", response_class=HTMLResponse)
    async def my_week(request: Request) -> Response:
        actor = actor_of(request)
        asked = request.query_params.get("window", Window.all.value)
        window = Window(asked) if asked in Window.__members__ else Window.all
        # A coordinator's week is what is for them; everyone else's, what they may see.
        person = actor.id if actor.role == Role.coordinator and request.query_params.get("mine") else None
        items, read, token = await (await service()).agenda(
            actor, window, person=person, limit=PAGE_SIZE, page_token=_token(request.query_params.get("page"))
        )
        context: dict[str, Any] = {
            "items": items,
            "coalitions_read": read,
            "window": window.value,
            "windows": [w.value for w in Window],
            "mine": bool(person),
            "next_page": base64.urlsafe_b64encode(token).decode() if token else None,
        }
        return page(request, "week.html", **context)
