"""The portfolio as a programme office reads it, against real coalitions on the dev server
(a namespace of this module's own, so its listings hold only these): the coalition's name
with its id beneath, the state in the method's words, what comes due next and its kind, in
Dutch and English."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx

from lemniscate.examples import walks
from tests.support.web_stack import WebStack, auth

NAMES = {
    "pf-zuid": ("Energietransitie Zuid", "Energietransitie"),
    "pf-noord": ("Energie-coöperatie Noord", "Energietransitie"),
    "pf-zorg": ("Wonen en Zorg Oost", "Wonen en Zorg"),
}


def _start(slug: str) -> dict[str, Any]:
    name, programme = NAMES[slug]
    return {**walks.taskforce_start(slug, programme=programme), "name": name}


async def _started(web: WebStack) -> None:
    """The three coalitions, once for the module, and visibility caught up with them."""
    for slug in NAMES:
        found = await web.http.get(f"/coalitions/{slug}", headers=auth("coordinator"))
        if found.status_code == 404:
            started = await web.http.post("/coalitions", json=_start(slug), headers=auth("coordinator"))
            assert started.status_code == 201, started.text
    deadline = time.monotonic() + 20
    while True:
        listed = (await web.http.get("/coalitions", headers=auth("auditor"))).json()["items"]
        if {r["id"] for r in listed if r["name"] and r["next_kind"]} >= set(NAMES):
            return
        assert time.monotonic() < deadline, listed
        await asyncio.sleep(0.3)


def _rows(page: str) -> list[str]:
    return re.findall(r'data-row="([^"]+)"', page)


async def test_rows_name_the_coalition_its_state_and_what_comes_due(web: WebStack) -> None:
    await _started(web)
    listed = {
        r["id"]: r for r in (await web.http.get("/coalitions", headers=auth("auditor"))).json()["items"]
    }
    assert listed["pf-noord"]["name"] == "Energie-coöperatie Noord"
    # A new taskforce's first follow-up reminds the coordinator of an interview.
    assert listed["pf-zuid"]["next_kind"] == "interview_reminder"
    for language, state, kind in (
        ("en", "Intent and interests", "Interview reminder"),
        ("nl", "Intentie en belangen", "Herinnering gesprek"),
    ):
        page = await _page(web, "/dashboard/", language)
        assert sorted(_rows(page)) == sorted(NAMES)
        assert ">Energie-coöperatie Noord</a>" in page
        assert '<span class="muted small" data-slug>pf-noord</span>' in page
        assert state in page
        assert f'data-next-kind="interview_reminder">{kind}</span>' in page


async def _get(web: WebStack, url: str, language: str = "en", who: str = "auditor") -> httpx.Response:
    client = await web.dashboard(who, language)
    try:
        return await client.get(url)
    finally:
        await client.aclose()


async def _page(web: WebStack, url: str, language: str = "en") -> str:
    answer = await _get(web, url, language)
    assert answer.status_code == 200, answer.text
    return answer.text
