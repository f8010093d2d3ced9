"""Every role on every surface: each API route and dashboard page, asked by each actor, gives
the answer tests/support/access_matrix.py writes out, and partner B never receives a byte of
partner A's interview answers. One web stack for the module (the `web` fixture).

Memberships are set up as an office would: the coordinator names the observer with
`add_member` (and names and removes it on GONE), journaled with a reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from lemniscate.examples import walks
from tests.support import access_matrix as m
from tests.support.web_stack import WebStack, auth

BODIES: dict[str, list[str]] = {a: [] for a in m.ACTORS}  # every body each actor received


def _headers(actor: str) -> dict[str, str]:
    return {} if actor == "anonymous" else auth(actor)


async def _fire(
    web: WebStack, slug: str, trigger: str, payload: dict[str, Any], who: str = "coordinator"
) -> None:
    answer = await web.http.post(
        f"/coalitions/{slug}/triggers/{trigger}",
        json=payload,
        params={"reason": "matrix set-up"},
        headers=auth(who),
    )
    assert answer.status_code == 200, answer.text


async def _start(web: WebStack, slug: str, programme: str = "Wonen en Zorg") -> None:
    started = await web.http.post(
        "/coalitions", json=walks.taskforce_start(slug, programme=programme), headers=auth("coordinator")
    )
    assert started.status_code == 201, started.text
    await _fire(web, slug, "record_interview", m.planted_interview())


@pytest.fixture(scope="module")
async def stack(web: WebStack) -> WebStack:
    await _start(web, m.SLUG)
    await _start(web, m.ENERGY, programme=m.PROGRAMME)
    await _start(web, m.GONE)
    await _fire(web, m.SLUG, "add_member", {"member": "otto", "role": "observer"})
    await _fire(web, m.GONE, "add_member", {"member": "otto", "role": "observer"})
    await _fire(web, m.GONE, "remove_member", {"member": "otto"})
    # Partner A corrects its own answer: the old and the new one, and why, are A's alone too.
    await _fire(web, m.SLUG, "correct_record", m.planted_correction(), who="aedes")
    # Listings read visibility, which follows the workflows' upserts a moment later.
    for _ in range(100):
        listed = await _listed(web, "coordinator")
        if listed >= {m.SLUG, m.ENERGY, m.GONE} and await _listed(web, "observer") == {m.SLUG}:
            break
        await asyncio.sleep(0.1)
    return web


async def _listed(web: WebStack, actor: str) -> set[str]:
    page = await web.http.get("/coalitions", params={"limit": 1000}, headers=auth(actor))
    assert page.status_code == 200, page.text
    return {row["id"] for row in page.json()["items"]}


def _routes(web: WebStack) -> Iterator[tuple[str, str]]:
    """(method, path) of every route of the app, included routers and mounts too."""
    app = web.transport.app
    pending: list[Any] = list(app.routes)  # type: ignore[attr-defined]
    while pending:
        route = pending.pop(0)
        if isinstance(route, Mount):
            yield "GET", route.path
        elif isinstance(route, APIRoute | Route):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield method, route.path
        else:  # a router included with `include_router`: its own routes
            pending.extend(route.original_router.routes)


async def _ask(client: httpx.AsyncClient, method: str, row: m.Row, headers: dict[str, str]) -> httpx.Response:
    if row.form is not None:
        return await client.request(method, row.path, data=dict(row.form), headers=headers)
    return await client.request(method, row.path, json=row.json, headers=headers)


def test_every_route_has_a_row(stack: WebStack) -> None:
    routes = list(_routes(stack))
    assert len(routes) > 70  # the triggers are there
    missing = []
    for method, path in routes:
        try:
            m.row_for(method, path)
        except KeyError:
            missing.append(f"{method} {path}")
    assert not missing, f"routes without a row in tests/support/access_matrix.py: {missing}"


async def test_api_routes_answer_each_actor_as_the_matrix_says(stack: WebStack) -> None:
    wrong = []
    for method, path in _routes(stack):
        if path.startswith("/dashboard"):
            continue
        row = m.row_for(method, path)
        for actor in m.ACTORS:
            answer = await _ask(stack.http, method, row, _headers(actor))
            BODIES[actor].append(answer.text)
            if not m.satisfied(row.wanted(actor), answer.status_code):
                wrong.append(f"{actor} {method} {row.path}: {answer.status_code}, not {row.wanted(actor)}")
    assert not wrong, "\n".join(wrong)


async def test_dashboard_pages_answer_each_actor_as_the_matrix_says(stack: WebStack) -> None:
    wrong = []
    # Logging out ends the session: asked last.
    routes = sorted(
        (r for r in _routes(stack) if r[1].startswith("/dashboard")),
        key=lambda r: r[1] == "/dashboard/logout",
    )
    for actor in m.ACTORS:
        if actor == "anonymous":
            client = httpx.AsyncClient(transport=stack.transport, base_url="http://web")
        else:
            client = await stack.dashboard(actor)
        try:
            for method, path in routes:
                row = m.row_for(method, path)
                answer = await _ask(client, method, row, {})
                BODIES[actor].append(answer.text)
                if not m.satisfied(row.wanted(actor), answer.status_code):
                    wrong.append(
                        f"{actor} {method} {row.path}: {answer.status_code}, not {row.wanted(actor)}"
                    )
                # Anonymous is sent to log in, except by the language switch (back to the page).
                sent_to_log_in = row.path != "/dashboard/language"
                if (
                    answer.status_code == 303
                    and row.wanted(actor) == 303
                    and actor == "anonymous"
                    and sent_to_log_in
                ):
                    assert answer.headers["location"].startswith("/dashboard/login"), answer.headers
        finally:
            await client.aclose()
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("actor", [a for a in m.ACTORS if a != "anonymous"])
async def test_listings_and_counts_are_the_visibility_querys(stack: WebStack, actor: str) -> None:
    assert await _listed(stack, actor) == m.LISTED[actor]
    count = await stack.http.get("/coalitions/count", headers=auth(actor))
    assert count.json()["count"] == len(m.LISTED[actor]), count.text


@pytest.mark.parametrize("actor", ["observer", "lead"])
async def test_granted_and_member_readers_read_their_coalitions_and_no_other(
    stack: WebStack, actor: str
) -> None:
    for slug in (m.SLUG, m.ENERGY, m.GONE, m.NOWHERE):
        answer = await stack.http.get(f"/coalitions/{slug}", headers=auth(actor))
        BODIES[actor].append(answer.text)
        assert answer.status_code == (200 if slug in m.LISTED[actor] else 404), (slug, answer.text)
    # The removed observer hears of GONE what it would of a coalition that does not exist.
    gone = await stack.http.get(f"/coalitions/{m.GONE}/journal", headers=auth("observer"))
    missing = await stack.http.get(f"/coalitions/{m.NOWHERE}/journal", headers=auth("observer"))
    assert gone.status_code == missing.status_code == 404
    assert gone.json()["detail"].replace(m.GONE, "?") == missing.json()["detail"].replace(m.NOWHERE, "?")


async def test_forbidden_and_non_member_attempts(stack: WebStack) -> None:
    cases = [
        # B records for A: the policy's 403. A non-member with a valid payload: 404.
        ("actiz", m.SLUG, "record_interview", m.planted_interview(), 403),
        ("outsider", m.SLUG, "record_interview", {**m.planted_interview(), "partner": "Woonbond"}, 404),
        # Memberships are the coordinator's: partners, observers, leads, auditors may not.
        ("aedes", m.SLUG, "add_member", {"member": "piet", "role": "observer"}, 403),
        ("observer", m.SLUG, "remove_member", {"member": "otto"}, 403),
        ("lead", m.ENERGY, "add_member", {"member": "lea", "role": "observer"}, 403),
        ("auditor", m.SLUG, "add_member", {"member": "els", "role": "observer"}, 403),
        ("integration", m.SLUG, "add_member", {"member": "crm", "role": "observer"}, 403),
        # Corrections: B corrects A's answers, nor do readers correct anything; a non-member
        # with a valid payload meets 404.
        ("actiz", m.SLUG, "correct_record", m.planted_correction(), 403),
        ("observer", m.SLUG, "correct_record", m.planted_correction(), 403),
        ("auditor", m.SLUG, "correct_record", m.planted_correction(), 403),
        ("outsider", m.SLUG, "correct_record", {**m.planted_correction(), "record": "Woonbond"}, 404),
    ]
    for actor, slug, trigger, payload, status in cases:
        answer = await stack.http.post(
            f"/coalitions/{slug}/triggers/{trigger}", json=payload, headers=auth(actor)
        )
        BODIES[actor].append(answer.text)
        assert answer.status_code == status, (actor, trigger, answer.text)


async def test_membership_changes_are_journaled_and_checked(stack: WebStack) -> None:
    journal = (await stack.http.get(f"/coalitions/{m.GONE}/journal", headers=auth("coordinator"))).json()
    changes = [(e["event"]["trigger"], e["event"]["actor"]["id"], e["event"]["reason"]) for e in journal]
    assert ("add_member", "anna", "matrix set-up") in changes
    assert ("remove_member", "anna", "matrix set-up") in changes
    view = (await stack.http.get(f"/coalitions/{m.SLUG}", headers=auth("coordinator"))).json()
    assert [(x["id"], x["role"], x["named_by"]) for x in view["coalition"]["members"]] == [
        ("otto", "observer", "anna")
    ]
    refusals = [
        ({"member": "otto", "role": "observer"}, "member: otto is a member already"),
        ({"member": "ria", "role": "representative"}, "organisation: a representative acts for"),
        (
            {"member": "ria", "role": "representative", "organisation": "Woonbond"},
            "organisation: Woonbond is",
        ),
        (
            {"member": "ria", "role": "observer", "organisation": "ActiZ"},
            "organisation: an observer acts for no",
        ),
    ]
    for payload, sentence in refusals:
        answer = await stack.http.post(
            f"/coalitions/{m.SLUG}/triggers/add_member", json=payload, headers=auth("admin")
        )
        assert answer.status_code == 422 and sentence in answer.text, answer.text
    removed = await stack.http.post(
        f"/coalitions/{m.SLUG}/triggers/remove_member", json={"member": "nobody"}, headers=auth("admin")
    )
    assert removed.status_code == 422 and "member: nobody is not a member" in removed.text


async def test_confidants_and_partner_a_read_the_answers(stack: WebStack) -> None:
    """The marker is there to be withheld: those who may read it do."""
    for actor in ("coordinator", "admin", "auditor", "aedes"):
        answer = await stack.http.get(f"/coalitions/{m.SLUG}", headers=auth(actor))
        assert m.MARKER in answer.text, actor
    # Partner A's correction, on the page as the coalition keeps it: field, old → new, why.
    page = await stack.dashboard("aedes")
    try:
        html = (await page.get(f"/dashboard/coalitions/{m.SLUG}")).text
    finally:
        await page.aclose()
    assert 'id="corrections"' in html and f"{m.MARKER} misheard" in html
    assert "answers.drive" in html and f"{m.MARKER} drive, corrected" in html


async def test_no_byte_of_a_partners_answers_reaches_another_reader(stack: WebStack) -> None:
    """Last in the module: every body B, the observer, the lead, the integration and the
    outsider received above, and their pages and journals of every coalition now."""
    for actor in ("actiz", "observer", "lead", "integration", "outsider", "anonymous"):
        for slug in (m.SLUG, m.ENERGY, m.GONE):
            for path in (f"/coalitions/{slug}", f"/coalitions/{slug}/journal", f"/coalitions/{slug}/audit"):
                BODIES[actor].append((await stack.http.get(path, headers=_headers(actor))).text)
            if actor != "anonymous":
                page = await stack.dashboard(actor)
                try:
                    BODIES[actor].append((await page.get(f"/dashboard/coalitions/{slug}")).text)
                finally:
                    await page.aclose()
        assert len(BODIES[actor]) > 20, actor  # the tests above ran and were collected
        leaked = [body[:200] for body in BODIES[actor] if m.MARKER in body]
        assert not leaked, (actor, leaked)
