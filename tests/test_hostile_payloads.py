"""Findings 1 and 2 of issue 13, through HTTP on the real dev server: payloads that once
bricked a coalition (megabytes of agenda) or crashed the follow-up planner inside the
workflow (days at the ends of Python's calendar) are refused with the field and the reason,
reach no history, and the coalition keeps answering."""

from __future__ import annotations

import uuid

import pytest
from temporalio.api.enums.v1 import EventType

from lemniscate.models import bounds
from lemniscate.workflows.io import workflow_id
from tests.support.web_stack import WebStack, auth, start_taskforce

SLUG = f"hostile-payloads-{uuid.uuid4().hex[:6]}"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
async def stack(web: WebStack) -> WebStack:
    await start_taskforce(web, SLUG)
    return web


async def _history_length(stack: WebStack) -> int:
    history = await stack.env.client.get_workflow_handle(workflow_id(SLUG)).fetch_history()
    assert not [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    return len(history.events)


def _agenda(items: int, length: int) -> list[dict[str, str]]:
    return [
        {"on": "2027-03-01", "kind": "decision_moment", "description": f"{i} ".ljust(length, "x")}
        for i in range(items)
    ]


async def test_megabytes_of_agenda_are_refused_before_they_are_read(stack: WebStack) -> None:
    before = await _history_length(stack)
    route = f"/coalitions/{SLUG}/triggers/update_agenda"
    # About 1.8 MB, as in the report: refused by its size, unread.
    huge = await stack.http.post(
        route, json={"partner": "VNG", "agenda": _agenda(9_000, 200)}, headers=auth("coordinator")
    )
    assert huge.status_code == 413 and huge.headers["content-type"] == PROBLEM, huge.text[:300]
    assert f"at most {bounds.MAX_BODY_BYTES:,}" in huge.json()["detail"]
    # Under the body's bound but over the payload's: refused naming the payload.
    large = await stack.http.post(
        route, json={"partner": "VNG", "agenda": _agenda(400, 200)}, headers=auth("coordinator")
    )
    assert large.status_code == 422, large.text[:300]
    # The payload as a whole: the field "" (`states.errors.named_field`).
    assert [e["field"] for e in large.json()["errors"]] == [""], large.json()
    assert large.json()["detail"].startswith("payload: ")
    # Within the payload's bound, but more items than a list takes: refused naming the list.
    many = await stack.http.post(
        route,
        json={"partner": "VNG", "agenda": _agenda(bounds.MAX_ITEMS + 1, 10)},
        headers=auth("coordinator"),
    )
    assert many.status_code == 422 and {e["field"] for e in many.json()["errors"]} == {"agenda"}
    assert await _history_length(stack) == before
    view = await stack.http.get(f"/coalitions/{SLUG}", headers=auth("auditor"))
    assert view.status_code == 200 and view.json()["status"]["journal_length"] == 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_days_at_the_ends_of_the_calendar_are_refused_naming_the_field(
    stack: WebStack, day: str
) -> None:
    before = await _history_length(stack)
    payload = {"partner": "VNG", "agenda": [{"on": day, "kind": "other", "description": "Raad"}]}
    refused = await stack.http.post(
        f"/coalitions/{SLUG}/triggers/update_agenda", json=payload, headers=auth("coordinator")
    )
    assert refused.status_code == 422, refused.text[:300]
    assert {e["field"] for e in refused.json()["errors"]} == {"agenda.0.on"}
    reason = refused.json()["errors"][0]["reason"]
    assert str(bounds.LATEST_DAY) in reason or str(bounds.EARLIEST_DAY) in reason, reason
    assert await _history_length(stack) == before
