"""Webhook subscriptions reach only public http(s) addresses unless the operator allows
private ones, checked when subscribing (the API answers 422 naming `url`) and again at every
delivery (a target refused later is skipped, the others still get their events); a caller
removes only its own subscriptions, a coordinator any. Against the API on the real dev
server with its worker, and a real local receiver."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from lemniscate.activities.targets import ALLOW_PRIVATE_ENV, TargetRefused, check_target
from lemniscate.examples import walks
from lemniscate.models.outbound import Subscription
from lemniscate.workflows.io import workflow_id
from tests.support.receivers import Webhooks, webhook_receiver
from tests.support.web import web_app

KEYS = [
    {"key": "targets-coordinator-key-01", "id": "anna", "role": "coordinator"},
    {"key": "targets-crm-key-0123456789", "id": "crm", "role": "integration"},
    {"key": "targets-erp-key-0123456789", "id": "erp", "role": "integration"},
]


def _as(who: str) -> dict[str, str]:
    return {"X-API-Key": next(str(k["key"]) for k in KEYS if k["id"] == who)}


@pytest.fixture
def private_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://localhost/hook", "loopback"),  # a name is resolved, not trusted
        ("http://[::1]/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),  # a cloud's metadata service
        ("http://224.0.0.1/hook", "multicast"),
        ("http://0.0.0.0:7233/", "unspecified"),
        ("http://100.64.0.1/hook", "non-public"),  # shared address space (CGNAT)
        ("ftp://example.org/hook", "only http:// and https://"),
        ("http://user:pw@93.184.215.14/hook", "credentials"),
        ("http://no-such-host.invalid/hook", "cannot be resolved"),
    ],
)
def test_targets_that_are_not_public_are_refused(private_refused: None, url: str, why: str) -> None:
    with pytest.raises(TargetRefused, match=why):
        check_target(url)


def test_a_public_address_is_accepted_and_the_operator_may_allow_private_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    check_target("https://93.184.215.14/hook")  # an address literal needs no resolver
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    check_target("http://127.0.0.1:9/hook")
    with pytest.raises(TargetRefused):
        check_target("file:///etc/passwd")  # the scheme is checked even then


async def test_the_api_refuses_a_loopback_target_naming_the_field(
    dev_server: WorkflowEnvironment, tmp_path: Path, private_refused: None
) -> None:
    async with web_app(dev_server, tmp_path, KEYS) as web:
        hooks = Webhooks()
        with webhook_receiver(hooks, allow_private=False) as url:
            refused = await web.client.post("/subscriptions", headers=_as("crm"), json={"url": url})
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["errors"][0]["field"] == "url"
        assert "loopback address" in problem["errors"][0]["reason"]
        assert ALLOW_PRIVATE_ENV in problem["detail"]
        assert await web.service.webhooks.subscriptions() == []


async def _publish_activities_completed(client: Client, slug: str) -> int:
    history = await client.get_workflow_handle(workflow_id(slug)).fetch_history()
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)


async def test_delivery_checks_the_target_again(dev_server: WorkflowEnvironment, tmp_path: Path) -> None:
    slug = "targets-delivery"
    async with web_app(dev_server, tmp_path, KEYS) as web:
        hooks = Webhooks()
        with webhook_receiver(hooks) as url:  # allowed while subscribing and for the start
            await web.service.webhooks.subscribe(
                Subscription(id="local", url=url, secret="s" * 16, created_by="anna")
            )
            await web.service.start(walks.taskforce_start(slug), walks.COORDINATOR)
            for _ in range(200):
                if hooks.accepted():
                    break
                await asyncio.sleep(0.05)
            assert [json.loads(b)["data"]["trigger"] for _, b in hooks.accepted()] == ["start"]

            os.environ.pop(ALLOW_PRIVATE_ENV)  # the operator withdraws the permission
            client = web.service.client
            done = await _publish_activities_completed(client, slug)
            await web.service.trigger(
                slug, "record_intent", {"intent": "Not for loopback."}, walks.COORDINATOR
            )
            for _ in range(200):
                if await _publish_activities_completed(client, slug) > done:
                    break
                await asyncio.sleep(0.05)
            # The activity completed (no retries, no failure): the target was skipped.
            assert await _publish_activities_completed(client, slug) == done + 1
            assert len(hooks.received) == 1


async def test_a_caller_removes_only_its_own_subscriptions(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, KEYS) as web:
        with webhook_receiver(Webhooks()) as url:
            for who, sub in (("crm", "crm-feed"), ("erp", "erp-feed")):
                made = await web.client.post("/subscriptions", headers=_as(who), json={"id": sub, "url": url})
                assert made.status_code == 201, made.text
        others = await web.client.delete("/subscriptions/crm-feed", headers=_as("erp"))
        assert others.status_code == 403
        assert "may remove only its own webhooks" in others.json()["detail"]
        assert "made by crm" in others.json()["detail"]
        assert (await web.client.delete("/subscriptions/crm-feed", headers=_as("crm"))).status_code == 204
        assert (await web.client.delete("/subscriptions/erp-feed", headers=_as("anna"))).status_code == 204
        assert (await web.client.delete("/subscriptions/erp-feed", headers=_as("anna"))).status_code == 404
        assert await web.service.webhooks.subscriptions() == []
