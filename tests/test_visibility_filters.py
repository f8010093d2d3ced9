"""Portfolio filters become visibility queries through one builder, with every value quoted
or refused, on a real dev server: a quote matches literally, an injection attempt matches
nothing, and a value no store can match literally (double quote, backslash, NUL, newline) is
refused with a 422 naming the filter, on list, count, bulk and the dashboard's portfolio."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.coalitions import PortfolioFilter
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from tests.support.web_stack import WebStack, auth, web_stack

PROGRAMME = "O'Brien's programme"
INITIATOR = "Gemeente 's-Hertogenbosch"
REFUSED = ['a"b', "a\\b", "a\x00b", "a\nb", "\x1b[31m"]


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment
) -> AsyncIterator[WebStack]:
    async with web_stack(dev_server, tmp_path_factory.mktemp("vis") / "refusals.jsonl") as stack:
        quoted = walks.taskforce_start("vis-quoted", programme=PROGRAMME)
        quoted["initiators"] = [INITIATOR]
        for start in (quoted, walks.taskforce_start("vis-plain", programme="Plain")):
            created = await stack.http.post("/coalitions", json=start, headers=auth("coordinator"))
            assert created.status_code == 201, created.text
        for _ in range(100):  # visibility is eventually consistent
            if await stack.service.count(PortfolioFilter(), READER) == 2:
                break
            await asyncio.sleep(0.1)
        yield stack


async def _ids(stack: WebStack, **params: str) -> tuple[list[str], int]:
    listed = await stack.http.get("/coalitions", params=params, headers=auth("auditor"))
    counted = await stack.http.get("/coalitions/count", params=params, headers=auth("auditor"))
    assert listed.status_code == counted.status_code == 200, (listed.text, counted.text)
    return sorted(row["id"] for row in listed.json()["items"]), counted.json()["count"]


async def test_quotes_match_literally_on_list_and_count(stack: WebStack) -> None:
    assert await _ids(stack, programme=PROGRAMME) == (["vis-quoted"], 1)
    assert await _ids(stack, organisation=INITIATOR) == (["vis-quoted"], 1)
    assert await _ids(stack, programme="Plain") == (["vis-plain"], 1)
    # An attempt to widen the filter is a name like any other: it matches nothing.
    assert await _ids(stack, programme="x' OR 'a'='a") == ([], 0)
    assert await _ids(stack, organisation="' OR WorkflowType = 'Coalition") == ([], 0)


@pytest.mark.parametrize("value", REFUSED, ids=["double-quote", "backslash", "nul", "newline", "escape"])
async def test_unquotable_values_are_refused_naming_the_filter(stack: WebStack, value: str) -> None:
    for name in ("programme", "organisation"):
        for route in ("/coalitions", "/coalitions/count"):
            answered = await stack.http.get(route, params={name: value}, headers=auth("auditor"))
            assert answered.status_code == 422, (route, name, answered.text)
            problem = answered.json()
            assert problem["type"] == "/problems/invalid"
            assert [e["field"] for e in problem["errors"]] == [f"query.{name}"]
            assert "double quotes, backslashes or control characters" in problem["detail"]
        bulk = await stack.http.post(
            "/bulk",
            json={"where": {name: value}, "trigger": "record_intent", "payload": {"intent": "x"}},
            headers=auth("coordinator"),
        )
        assert bulk.status_code == 422, bulk.text
        assert [e["field"] for e in bulk.json()["errors"]] == [f"body.where.{name}"]


@pytest.mark.parametrize("value", REFUSED, ids=["double-quote", "backslash", "nul", "newline", "escape"])
async def test_the_dashboard_portfolio_refuses_them_and_still_shows_the_page(
    stack: WebStack, value: str
) -> None:
    dashboard = await stack.dashboard("auditor")
    try:
        page = await dashboard.get("/dashboard/", params={"organisation": value})
        assert page.status_code == 422, page.text[:500]
        assert "The organisation filter cannot hold double quotes" in page.text
        assert "vis-quoted" in page.text and "vis-plain" in page.text  # shown without the filter
        quoted = await dashboard.get("/dashboard/", params={"programme": PROGRAMME})
        assert quoted.status_code == 200
        assert "vis-quoted" in quoted.text and "vis-plain" not in quoted.text
    finally:
        await dashboard.aclose()


async def test_a_bulk_operation_selects_by_a_quoted_name(stack: WebStack) -> None:
    started = await stack.http.post(
        "/bulk",
        json={
            "id": "vis-bulk",
            "where": {"organisation": INITIATOR},
            "trigger": "record_intent",
            "payload": {"intent": "Chosen by a quoted name."},
        },
        headers=auth("coordinator"),
    )
    assert started.status_code == 202, started.text
    for _ in range(200):
        progress = (await stack.http.get("/bulk/vis-bulk", headers=auth("auditor"))).json()
        if progress["finished"]:
            break
        await asyncio.sleep(0.1)
    assert progress["finished"] and [r["coalition_id"] for r in progress["results"]] == ["vis-quoted"]
    assert progress["results"][0]["outcome"] == "accepted"
