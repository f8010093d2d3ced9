"""The office's playbooks, read only: every version (built in, then published) with its
settings, as `lemniscate playbook list|show` and `GET /playbooks` have them. Publishing and
adopting stay with the CLI, the API and the adopt_playbook step, where they are checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lemniscate.api.deps import ServiceFactory
from lemniscate.models.events import Actor

Page = Callable[..., Response]


def add_routes(
    router: APIRouter, service: ServiceFactory, actor_of: Callable[[Request], Actor], page: Page
) -> None:
    @router.get("/playbooks", response_class=HTMLResponse)
    async def playbooks(request: Request) -> Response:
        actor_of(request)  # every identified reader: the office's rules are nobody's secret
        known = await (await service()).playbooks.all()
        chosen = request.query_params.get("ref")
        shown = next((p for p in known if p.ref == chosen), known[-1] if known else None)
        settings: list[tuple[str, Any]] = []
        if shown is not None:
            dumped = shown.model_dump(mode="json", exclude={"name", "version", "description"})
            settings = sorted(dumped.items())
        context: dict[str, Any] = {"playbooks": known, "shown": shown, "settings": settings}
        return page(request, "playbooks.html", **context)
