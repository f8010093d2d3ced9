"""Idempotency-Key as the IETF draft and Stripe describe it, on a real dev server: a retry
with the same key and body gets the first reply and applies once; the same key with another
body or on another trigger is refused (422, `idempotency-key-reused`); keys are the caller's
own; and a retry is still recognised after continue-as-new and a worker restart."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from temporalio.api.enums.v1 import EventType

from lemniscate.coalitions import IdempotencyKeyReused, InvalidRequest
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.workflows.io import workflow_id
from tests.support.servers import borrow, dev_server_env, running_worker
from tests.support.web_stack import WebStack, auth, start_taskforce

REUSED = "/problems/idempotency-key-reused"


@pytest.fixture(scope="module")
def stack(web: WebStack) -> WebStack:
    return web


async def _fire(
    stack: WebStack,
    slug: str,
    trigger: str,
    payload: dict[str, Any],
    key: str | None,
    who: str = "coordinator",
) -> httpx.Response:
    headers = {**auth(who), **({"Idempotency-Key": key} if key else {})}
    return await stack.http.post(f"/coalitions/{slug}/triggers/{trigger}", json=payload, headers=headers)


async def _triggers(stack: WebStack, slug: str) -> list[str]:
    journal = (await stack.http.get(f"/coalitions/{slug}/journal", headers=auth("auditor"))).json()
    return [e["event"]["trigger"] for e in journal]


async def test_a_retry_with_the_same_body_gets_the_first_reply_once(stack: WebStack) -> None:
    await start_taskforce(stack, "idem-same")
    first = await _fire(stack, "idem-same", "add_partner", {"name": "Woonbond"}, "k-1")
    again = await _fire(stack, "idem-same", "add_partner", {"name": "Woonbond"}, "k-1")
    assert first.status_code == again.status_code == 200, again.text
    assert first.json() == again.json()
    assert (await _triggers(stack, "idem-same")).count("add_partner") == 1


async def test_the_same_key_with_another_body_is_refused(stack: WebStack) -> None:
    await start_taskforce(stack, "idem-body")
    first = await _fire(stack, "idem-body", "record_intent", {"intent": "Act together."}, "k-2")
    assert first.status_code == 200
    other = await _fire(stack, "idem-body", "record_intent", {"intent": "Something else."}, "k-2")
    assert other.status_code == 422 and other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"] == REUSED
    assert "a new request needs a new key" in other.json()["detail"]
    # Another reason is another request too (it goes into the journal).
    reason = await stack.http.post(
        "/coalitions/idem-body/triggers/record_intent?reason=changed",
        json={"intent": "Act together."},
        headers={**auth("coordinator"), "Idempotency-Key": "k-2"},
    )
    assert reason.status_code == 422 and reason.json()["type"] == REUSED
    assert await _triggers(stack, "idem-body") == ["start", "record_intent"]
    view = (await stack.http.get("/coalitions/idem-body", headers=auth("auditor"))).json()
    assert view["coalition"]["intent"] == "Act together."


async def test_the_same_key_on_another_trigger_is_refused(stack: WebStack) -> None:
    await start_taskforce(stack, "idem-route")
    assert (await _fire(stack, "idem-route", "record_intent", {"intent": "Act."}, "k-3")).status_code == 200
    other = await _fire(stack, "idem-route", "add_partner", {"name": "Woonbond"}, "k-3")
    assert other.status_code == 422 and other.json()["type"] == REUSED
    assert other.json()["trigger"] == "add_partner"
    assert await _triggers(stack, "idem-route") == ["start", "record_intent"]


async def test_keys_belong_to_their_caller(stack: WebStack) -> None:
    await start_taskforce(stack, "idem-callers")
    mine = await _fire(stack, "idem-callers", "add_partner", {"name": "Woonbond"}, "shared-key")
    theirs = await _fire(stack, "idem-callers", "add_partner", {"name": "LSA"}, "shared-key", who="other")
    assert mine.status_code == theirs.status_code == 200, theirs.text
    assert mine.json()["seq"] != theirs.json()["seq"]
    assert (await _triggers(stack, "idem-callers")).count("add_partner") == 2


async def test_a_key_that_is_no_printable_ascii_is_refused(stack: WebStack) -> None:
    await start_taskforce(stack, "idem-form")
    wrong = await _fire(stack, "idem-form", "record_intent", {"intent": "Act."}, " \t ")
    assert wrong.status_code == 422 and "Idempotency-Key" in wrong.json()["detail"]
    assert await _triggers(stack, "idem-form") == ["start"]


async def test_a_retry_is_recognised_across_continue_as_new_and_a_worker_restart() -> None:
    # A server of its own: it suggests continue-as-new after 30 events.
    extra = ("--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=30")
    slug = "idem-years"
    key = "crm-intent-42"
    async with dev_server_env(*extra) as server, borrow(server) as env:
        client = env.client
        async with running_worker(client) as service:
            queue = service.task_queue
            await service.start(walks.taskforce_start(slug), walks.COORDINATOR)
            first = await service.trigger(
                slug, "record_intent", {"intent": "The first."}, walks.COORDINATOR, request_id=key
            )
            handle = client.get_workflow_handle(workflow_id(slug))
            first_run = (await handle.describe()).run_id
            for n in range(30):  # unkeyed steps until the server suggests continuing as new
                await service.trigger(slug, "record_intent", {"intent": f"Step {n}."}, walks.COORDINATOR)
                if (await handle.describe()).run_id != first_run:
                    break
            assert (await handle.describe()).run_id != first_run, "no continue-as-new happened"
        # A new worker replays the new run from its history: the memory is in the state.
        async with running_worker(client, queue) as service:
            retried = await service.trigger(
                slug, "record_intent", {"intent": "The first."}, walks.COORDINATOR, request_id=key
            )
            assert retried == first
            with pytest.raises(IdempotencyKeyReused):
                await service.trigger(
                    slug, "record_intent", {"intent": "Not the first."}, walks.COORDINATOR, request_id=key
                )
            with pytest.raises(InvalidRequest):
                await service.trigger(
                    slug, "record_intent", {"intent": "x"}, walks.COORDINATOR, request_id="é"
                )
            journal = await service.journal(slug, READER)
            assert [e.event.payload.get("intent") for e in journal].count("The first.") == 1
            assert (await service.view(slug, READER)).coalition.intent == f"Step {n}."
            # The retry answered from memory: no workflow task failed on the way.
            history = await handle.fetch_history()
            failed = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
            assert failed == []
