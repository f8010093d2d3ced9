"""Memberships by organisation: a partner lists, counts and reads only the coalitions its
organisation is a member of (an initiator, or on the partner list); for any other it gets
the very answer a coalition that does not exist gets. Office-wide readers see everything.

Three coalitions of different memberships on a namespace of this module's own (the `web`
stack), so every count is exact: the taskforce (Aedes and ActiZ partners), a city centre
(neither), and one that Aedes initiated (Aedes an initiator, not a partner)."""

from __future__ import annotations

from typing import Any

import pytest

from lemniscate.coalitions.portfolio import PortfolioFilter
from lemniscate.examples import walks
from lemniscate.states.policy import Scope
from tests.support.web_stack import WebStack, auth
from tests.support.workflows import eventually

TASKFORCE, CITY, AEDES_OWN = "mem-taskforce", "mem-city", "mem-aedes-own"
ALL = {TASKFORCE, CITY, AEDES_OWN}
MISSING = "mem-nowhere"


def _aedes_initiated() -> dict[str, Any]:
    start = walks.city_start(AEDES_OWN)
    return {**start, "name": "Aedes builds", "initiators": ["Aedes"], "task": {"title": "Build"}}


@pytest.fixture(scope="module")
async def stack(web: WebStack) -> WebStack:
    for start in (walks.taskforce_start(TASKFORCE), walks.city_start(CITY), _aedes_initiated()):
        started = await web.http.post("/coalitions", json=start, headers=auth("coordinator"))
        assert started.status_code == 201, started.text

    async def counted() -> int:
        answer = await web.http.get("/coalitions/count", headers=auth("coordinator"))
        return int(answer.json()["count"])

    await eventually(counted, lambda n: n == len(ALL), timeout=20)  # visibility lags
    return web


async def _listed(stack: WebStack, who: str, **params: Any) -> tuple[set[str], int]:
    listed = await stack.http.get("/coalitions", params=params, headers=auth(who))
    counted = await stack.http.get("/coalitions/count", params=params, headers=auth(who))
    assert listed.status_code == counted.status_code == 200, (listed.text, counted.text)
    return {row["id"] for row in listed.json()["items"]}, counted.json()["count"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("aedes", {TASKFORCE, AEDES_OWN}),  # a partner in one, the initiator of the other
        ("actiz", {TASKFORCE}),
        ("outsider", set()),
        ("coordinator", ALL),  # office-wide readers keep today's reads
        ("auditor", ALL),
        ("integration", ALL),
    ],
)
async def test_list_and_count_show_only_the_member_coalitions(
    stack: WebStack, who: str, expected: set[str]
) -> None:
    assert await _listed(stack, who) == (expected, len(expected))


async def test_a_partners_own_filter_narrows_within_its_memberships(stack: WebStack) -> None:
    # Theater is a partner of the city and of Aedes's own; Aedes is in only the latter.
    assert await _listed(stack, "aedes", organisation="Theater") == ({AEDES_OWN}, 1)
    assert await _listed(stack, "coordinator", organisation="Theater") == ({CITY, AEDES_OWN}, 2)
    assert await _listed(stack, "actiz", organisation="Theater") == (set(), 0)
    assert await _listed(stack, "aedes", organisation="ActiZ") == ({TASKFORCE}, 1)


async def test_the_narrowing_is_in_the_visibility_query_itself(stack: WebStack) -> None:
    """Pages of one row each are each a member coalition, with a token while more follow:
    fetching everything and dropping would give empty pages, or a token to nothing."""
    seen: list[str] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1, **({"page_token": token} if token else {})}
        page = (await stack.http.get("/coalitions", params=params, headers=auth("aedes"))).json()
        seen += [row["id"] for row in page["items"]]
        assert len(page["items"]) == 1 or page["next_page_token"] is None, page
        token = page["next_page_token"]
        if token is None:
            break
    assert sorted(seen) == sorted({TASKFORCE, AEDES_OWN})
    # The query the service sends, asked of Temporal directly, counts the same.
    query = PortfolioFilter().visible_to(Scope(organisation="Aedes")).query()
    assert "LemniscateOrganisations = 'Aedes'" in query
    assert (await stack.env.client.count_workflows(query)).count == 2


async def test_bulk_targets_and_progress_are_not_a_partners(stack: WebStack) -> None:
    body = {"where": {}, "trigger": "record_intent", "payload": {"intent": "x"}}
    refused = await stack.http.post("/bulk", json=body, headers=auth("aedes"))
    assert refused.status_code == 403, refused.text
    started = await stack.http.post(
        "/bulk", json={**body, "where": {"programme": "nothing-matches"}}, headers=auth("coordinator")
    )
    assert started.status_code == 202, started.text
    bulk_id = started.json()["id"]
    assert (await stack.http.get(f"/bulk/{bulk_id}", headers=auth("coordinator"))).status_code == 200
    # Its results name coalitions across the office: a partner hears there is none.
    assert (await stack.http.get(f"/bulk/{bulk_id}", headers=auth("aedes"))).status_code == 404


READS = [
    "/coalitions/{slug}",
    "/coalitions/{slug}/journal",
    "/coalitions/{slug}/audit",
]


@pytest.mark.parametrize("route", READS)
async def test_a_non_member_gets_the_404_of_a_missing_coalition(stack: WebStack, route: str) -> None:
    for slug in (TASKFORCE, AEDES_OWN, CITY):
        absent = await stack.http.get(route.format(slug=MISSING), headers=auth("outsider"))
        hidden = await stack.http.get(route.format(slug=slug), headers=auth("outsider"))
        assert absent.status_code == hidden.status_code == 404, hidden.text
        # Word for word the same, but for the slug asked about: nothing tells them apart.
        assert hidden.json()["detail"].replace(slug, MISSING) == absent.json()["detail"]
        assert hidden.json()["title"] == absent.json()["title"]
    # ActiZ is in the taskforce only; the coordinator reads all three.
    assert (await stack.http.get(READS[0].format(slug=CITY), headers=auth("actiz"))).status_code == 404
    assert (await stack.http.get(READS[0].format(slug=TASKFORCE), headers=auth("actiz"))).status_code == 200
    for slug in ALL:
        assert (await stack.http.get(route.format(slug=slug), headers=auth("coordinator"))).status_code == 200


async def test_a_member_partner_reads_but_the_audit_stays_the_auditors(stack: WebStack) -> None:
    for route in READS[:2]:
        for slug in (TASKFORCE, AEDES_OWN):
            answer = await stack.http.get(route.format(slug=slug), headers=auth("aedes"))
            assert answer.status_code == 200, answer.text
    # A member hears "not for you" (403), as before; only a non-member hears "no such".
    audit = await stack.http.get(f"/coalitions/{TASKFORCE}/audit", headers=auth("aedes"))
    assert audit.status_code == 403, audit.text
    assert (
        await stack.http.get(f"/coalitions/{TASKFORCE}/audit", headers=auth("auditor"))
    ).status_code == 200


async def test_a_non_member_cannot_learn_of_a_coalition_by_firing_at_it(stack: WebStack) -> None:
    fire = "/coalitions/{slug}/triggers/commit"
    absent = await stack.http.post(
        fire.format(slug=MISSING), json={"partner": "Woonbond"}, headers=auth("outsider")
    )
    hidden = await stack.http.post(
        fire.format(slug=TASKFORCE), json={"partner": "Woonbond"}, headers=auth("outsider")
    )
    assert absent.status_code == hidden.status_code == 404, hidden.text
    assert hidden.json()["detail"].replace(TASKFORCE, MISSING) == absent.json()["detail"]


async def test_the_dashboard_shows_a_partner_only_its_coalitions(stack: WebStack) -> None:
    for who, shown in (("aedes", {TASKFORCE, AEDES_OWN}), ("outsider", set()), ("coordinator", ALL)):
        client = await stack.dashboard(who)
        try:
            portfolio = await client.get("/dashboard/")
            assert portfolio.status_code == 200, portfolio.text
            assert {slug for slug in ALL if f"/dashboard/coalitions/{slug}" in portfolio.text} == shown, who
            for slug in ALL:
                page = await client.get(f"/dashboard/coalitions/{slug}")
                assert page.status_code == (200 if slug in shown else 404), (who, slug)
                if slug not in shown:
                    assert "No such coalition" in page.text
        finally:
            await client.aclose()
