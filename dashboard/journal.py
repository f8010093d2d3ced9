"""The journal as a person reads it: each entry one sentence in the page's language, made of
the method's own word for its step or record (`names.TRIGGERS`) and what it was about, its
payload as a list of named values, the raw JSON one click further. The coalition page shows
the latest entries; `/dashboard/coalitions/{id}/journal` shows them all (the latest
`SHOWN`; the Temporal Web UI has the raw history)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lemniscate.api.deps import ServiceFactory
from lemniscate.dashboard import names
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence

SHOWN: Final = 200  # on the journal page; the Temporal UI has everything
ON_THE_PAGE: Final = 8  # the latest entries, on the coalition page itself
# The payload field an entry is about, first found first: who, or which thing.
_SUBJECTS: Final = ("partner", "name", "title", "topic", "meeting", "action", "option", "member", "region")
YES: Final = Sentence("web.value.yes", "yes")
NO: Final = Sentence("web.value.no", "no")

Item = tuple[list[str], str]  # the field's names, outer to inner (Sentences), and its value


def said(trigger: str, payload: Mapping[str, Any]) -> str:
    """The entry in a sentence: its step or record, and whom or what it was about."""
    subject = next((v for k in _SUBJECTS if isinstance(v := payload.get(k), str) and v.strip()), None)
    if subject is None:
        return names.name_of(trigger)
    return Sentence("web.journal.entry", "{step}: {subject}", step=names.name_of(trigger), subject=subject)


def _label(name: str) -> str:
    return names.FIELDS.get(name) or name.replace("_", " ").capitalize()


def items(payload: Mapping[str, Any]) -> list[Item]:
    """The payload as named values, nested fields under their parents' names, a list of
    records numbered; a value a person reads as typed (a yes or no said in words)."""
    found: list[Item] = []

    def walk(labels: list[str], value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk([*labels, _label(str(key))], inner)
        elif isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
            for number, inner in enumerate(value, start=1):
                walk([*labels, str(number)], inner)
        elif isinstance(value, list):
            found.append((labels, ", ".join(str(v) for v in value) or "—"))
        elif isinstance(value, bool):
            found.append((labels, YES if value else NO))
        elif value is not None:
            found.append((labels, str(value)))

    walk([], payload)
    return found


Page = Callable[..., Response]
Timeline = Callable[[list[Any]], list[Any]]


def add_routes(
    router: APIRouter,
    service: ServiceFactory,
    actor_of: Callable[[Request], Actor],
    page: Page,
    timeline: Timeline,
    link: Callable[[str], str | None],
) -> None:
    async def _view_and_journal(slug: str, actor: Actor) -> tuple[Any, list[Any]]:
        svc = await service()
        view = await svc.view(slug, actor)
        entries = await svc.journal(slug, actor, max(0, view.status.journal_length - SHOWN))
        return view, entries

    @router.get("/coalitions/{slug}/journal", response_class=HTMLResponse)
    async def journal_page(request: Request, slug: str) -> Response:
        view, entries = await _view_and_journal(slug, actor_of(request))
        return page(
            request,
            "journal.html",
            c=view.coalition,
            s=view.status,
            timeline=timeline(entries),
            temporal_link=link(view.coalition.id),
        )
