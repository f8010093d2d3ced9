"""The HTTP API against a real Temporal dev server and a real worker: roles, refusals as
problem details, idempotent retries, portfolio paging, and schemathesis over the OpenAPI."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import WebhookVerificationError
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.app import create_app
from lemniscate.api.auth import KeyRing
from lemniscate.api.server import service_factory
from lemniscate.cluster import ClusterSettings
from lemniscate.examples import walks
from lemniscate.workers.main import create_worker
from tests.support.ports import free_ports
from tests.support.receivers import Webhooks, verify_delivery, webhook_receiver
from tests.support.servers import borrow

KEYS: dict[str, dict[str, Any]] = {
    "coordinator": {"key": "coordinator-key-0123456789", "id": "anna", "role": "coordinator"},
    "aedes": {"key": "aedes-key-0123456789abcdef", "id": "piet", "role": "partner", "organisation": "Aedes"},
    "auditor": {"key": "auditor-key-0123456789abcd", "id": "els", "role": "auditor"},
    "crm": {
        "key": "crm-key-0123456789abcdefgh",
        "id": "crm",
        "role": "integration",
        "allowed_triggers": ["start", "add_partner"],
    },
}


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[who]['key']}"}


@pytest.fixture(scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, dev_server: WorkflowEnvironment
) -> AsyncIterator[tuple[httpx.AsyncClient, ClusterSettings, Path]]:
    data = tmp_path_factory.mktemp("api")
    task_queue = f"api-{uuid.uuid4().hex[:6]}"
    key_path = data / "keys.json"
    key_path.write_text(json.dumps(list(KEYS.values())))
    # A namespace of its own: the tests page through listings and list the subscriptions.
    async with (
        borrow(dev_server, own_namespace=True) as env,
        create_worker(env.client, task_queue),
    ):
        settings = ClusterSettings.from_env(
            {
                "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": env.client.namespace,
                "LEMNISCATE_DATA_DIR": str(data),
                "LEMNISCATE_TASK_QUEUE": task_queue,
            }
        )
        app = create_app(service_factory(settings, env.client), KeyRing.load(key_path))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            yield client, settings, key_path


async def _start(client: httpx.AsyncClient, slug: str, who: str = "coordinator") -> httpx.Response:
    return await client.post("/coalitions", json=walks.taskforce_start(slug), headers=auth(who))


async def _fire(
    client: httpx.AsyncClient,
    slug: str,
    trigger: str,
    payload: dict[str, Any],
    who: str = "coordinator",
    **headers: str,
) -> httpx.Response:
    return await client.post(
        f"/coalitions/{slug}/triggers/{trigger}", json=payload, headers={**auth(who), **headers}
    )


async def test_start_show_fire_and_refusal_as_problem_details(
    stack: tuple[httpx.AsyncClient, ClusterSettings, Path],
) -> None:
    client, _, _ = stack
    started = await _start(client, "api-walk")
    assert started.status_code == 201, started.text
    assert started.json()["overview"]["state"] == "intent_and_interests"

    refused = await _fire(client, "api-walk", "map_domain", {})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "/problems/refused" and problem["status"] == 422
    assert (
        "5 of 5 prospective partners have no interview: VNG, Aedes, ActiZ, ZN, BZK "
        "(record_interview, or mark_not_reached with a reason)."
    ) in problem["reasons"]

    invalid = await _fire(
        client, "api-walk", "record_interview", {"partner": "Aedes", "held_on": "yesterday"}
    )
    assert invalid.status_code == 422
    fields = {e["field"] for e in invalid.json()["errors"]}
    assert {"answers", "held_on", "interviewer"} <= fields

    accepted = await _fire(client, "api-walk", "record_intent", {"intent": "Act together."}, reason="agreed")
    assert accepted.status_code == 200
    assert accepted.json()["trigger"] == "record_intent"
    assert accepted.json()["state"] == "intent_and_interests" and accepted.json()["created"] is None
    meeting = {"kind": "exploration", "on": "2027-03-04", "invitees": ["VNG", "Aedes"]}
    planned = await _fire(client, "api-walk", "plan_meeting", meeting)
    assert planned.status_code == 200 and planned.json()["created"] == "M1"  # the id it created
    journal = (await client.get("/coalitions/api-walk/journal", headers=auth("auditor"))).json()
    assert journal[-2]["event"]["trigger"] == "record_intent"
    # The journal names the authenticated identity, never something from the body.
    assert journal[-2]["event"]["actor"] == {
        "id": "anna",
        "role": "coordinator",
        "organisation": None,
        "allowed_triggers": [],
        "programmes": None,  # grants: none for a coordinator
        "person": None,  # a key, not a person who logged in
        "coalitions": None,
    }

    missing = await client.get("/coalitions/nope", headers=auth("auditor"))
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/not-found"
    duplicate = await _start(client, "api-walk")
    assert duplicate.status_code == 409


async def test_role_by_endpoint_matrix(stack: tuple[httpx.AsyncClient, ClusterSettings, Path]) -> None:
    client, _, _ = stack
    assert (await _start(client, "api-roles")).status_code == 201
    await _fire(client, "api-roles", "record_intent", {"intent": "x"})
    answers = {
        k: "an answer"
        for k in (
            "drive",
            "developments",
            "expected_yield",
            "willingness_to_adapt",
            "extra_efforts",
            "worries_about_partners",
            "agreement_form",
        )
    }

    def interview(org: str) -> dict[str, Any]:
        return {"partner": org, "answers": answers, "held_on": "2027-01-05", "interviewer": "anna"}

    expectations: list[tuple[str, str, str, dict[str, Any], int]] = [
        # who, method, path or trigger, payload, expected status
        ("coordinator", "GET", "/coalitions/api-roles", {}, 200),
        ("aedes", "GET", "/coalitions/api-roles", {}, 200),
        ("auditor", "GET", "/coalitions/api-roles", {}, 200),
        ("crm", "GET", "/coalitions/api-roles", {}, 200),
        ("auditor", "GET", "/coalitions/api-roles/journal", {}, 200),
        ("auditor", "GET", "/coalitions?programme=Wonen%20en%20Zorg", {}, 200),
        ("auditor", "GET", "/method", {}, 200),
        ("auditor", "POST", "record_intent", {"intent": "y"}, 403),
        ("auditor", "POST", "/coalitions", walks.taskforce_start("by-auditor"), 403),
        ("aedes", "POST", "/coalitions", walks.taskforce_start("by-partner"), 403),
        ("crm", "POST", "/coalitions", walks.taskforce_start("by-crm"), 201),
        ("aedes", "POST", "record_interview", interview("Aedes"), 200),
        ("aedes", "POST", "record_interview", interview("ActiZ"), 403),
        ("aedes", "POST", "record_intent", {"intent": "mine"}, 403),
        ("crm", "POST", "add_partner", {"name": "Woonbond"}, 200),
        ("crm", "POST", "record_intent", {"intent": "crm"}, 403),
        ("coordinator", "POST", "record_interview", interview("ActiZ"), 200),
    ]
    for who, method, target, payload, status in expectations:
        if method == "GET":
            response = await client.get(target, headers=auth(who))
        elif target.startswith("/"):
            response = await client.post(target, json=payload, headers=auth(who))
        else:
            response = await _fire(client, "api-roles", target, payload, who)
        assert response.status_code == status, (who, method, target, response.text)
        if status == 403:
            assert response.json()["type"] == "/problems/forbidden"

    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"Authorization": "Basic x"}):
        response = await client.get("/coalitions/api-roles", headers=headers)
        assert response.status_code == 401 and response.json()["status"] == 401
    assert (
        await client.get("/coalitions/api-roles", headers={"X-API-Key": KEYS["auditor"]["key"]})
    ).status_code == 200


async def test_idempotent_retry_applies_once_and_replies_the_same(
    stack: tuple[httpx.AsyncClient, ClusterSettings, Path],
) -> None:
    client, _, _ = stack
    await _start(client, "api-idem")
    first = await _fire(
        client, "api-idem", "add_partner", {"name": "Woonbond"}, **{"Idempotency-Key": "add-woonbond-1"}
    )
    again = await _fire(
        client, "api-idem", "add_partner", {"name": "Woonbond"}, **{"Idempotency-Key": "add-woonbond-1"}
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    journal = (await client.get("/coalitions/api-idem/journal", headers=auth("auditor"))).json()
    assert [e["event"]["trigger"] for e in journal].count("add_partner") == 1
    # Without the key the same request is a new one, and the method refuses the duplicate.
    third = await _fire(client, "api-idem", "add_partner", {"name": "Woonbond"})
    assert third.status_code == 422
    assert "name: Woonbond is already a partner of this coalition." in third.json()["reasons"]


async def test_portfolio_paging_and_count(stack: tuple[httpx.AsyncClient, ClusterSettings, Path]) -> None:
    client, _, _ = stack
    for n in range(5):
        start = walks.taskforce_start(f"api-page-{n}", programme="Paging")
        assert (await client.post("/coalitions", json=start, headers=auth("coordinator"))).status_code == 201
    for _ in range(50):  # visibility is eventually consistent
        count = (await client.get("/coalitions/count?programme=Paging", headers=auth("auditor"))).json()[
            "count"
        ]
        if count == 5:
            break
        await asyncio.sleep(0.2)
    assert count == 5
    seen: list[str] = []
    token: str | None = None
    while True:
        url = "/coalitions?programme=Paging&limit=2" + (f"&page_token={token}" if token else "")
        page = (await client.get(url, headers=auth("auditor"))).json()
        seen += [row["id"] for row in page["items"]]
        token = page["next_page_token"]
        if token is None:
            break
    assert sorted(seen) == [f"api-page-{n}" for n in range(5)]
    # The same pages by following `Link: rel="next"`, as link-following clients do.
    linked: list[str] = []
    following: str | None = "/coalitions?programme=Paging&limit=2"
    while following is not None:
        answer = await client.get(following, headers=auth("auditor"))
        linked += [row["id"] for row in answer.json()["items"]]
        link = re.fullmatch(r'<(.+)>; rel="next"', answer.headers.get("link", ""))
        following = link.group(1) if link else None
    assert sorted(linked) == sorted(seen)
    bad = await client.get("/coalitions?round=7", headers=auth("auditor"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.round"


@pytest.mark.slow
def test_schemathesis_every_answer_is_declared(tmp_path: Path) -> None:
    """Random requests to every operation of the OpenAPI document, against `lemniscate up`:
    no server error, and every status, content type, header and body is one the document
    declares for that operation (what generated clients rely on)."""
    # A server of its own: `lemniscate up` as shipped starts its embedded dev server.
    server_port, ui_port, api_port = free_ports(3)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")},
        "LEMNISCATE_DATA_DIR": str(tmp_path),
        "LEMNISCATE_SERVER_PORT": str(server_port),
        "LEMNISCATE_UI_PORT": str(ui_port),
        "LEMNISCATE_API_PORT": str(api_port),
    }
    bin_dir = Path(sys.executable).parent
    up = subprocess.Popen(
        [str(bin_dir / "lemniscate"), "up", "--headless"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert up.stdout is not None
        key = ""
        for line in up.stdout:
            if line.strip().startswith("login key"):
                key = line.split()[-1]  # the banner is the one place the secret appears
            if line.strip().startswith("stop"):
                break
        assert key and key not in (tmp_path / "api-keys.json").read_text()
        # The demo coalition `up` starts: requests about it reach the guards, not only 404s.
        (tmp_path / "schemathesis.toml").write_text(
            '[parameters]\n"path.coalition_id" = "taskforce-wonen-zorg"\n'
        )
        result = subprocess.run(
            [
                str(bin_dir / "schemathesis"),
                "run",
                f"http://127.0.0.1:{api_port}/openapi.json",
                "--header",
                f"Authorization: Bearer {key}",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_headers_conformance,response_schema_conformance",
                "--max-examples",
                "4",
                "--phases",
                "examples,fuzzing",
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        ran = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
        assert ran is not None and ran.group(1) == ran.group(2), result.stdout[-2000:]
        assert int(ran.group(1)) >= 200  # every route was exercised, not just loaded
    finally:
        up.terminate()
        up.wait(timeout=30)


async def test_subscribed_webhook_receives_standard_webhooks_cloudevents(
    stack: tuple[httpx.AsyncClient, ClusterSettings, Path],
) -> None:
    client, _, _ = stack
    hooks = Webhooks()
    with webhook_receiver(hooks) as url:
        denied = await client.post("/subscriptions", headers=auth("auditor"), json={"url": url})
        assert denied.status_code == 403
        plain = await client.post(
            "/subscriptions", headers=auth("crm"), json={"url": url, "secret": "a-subscriber-secret"}
        )
        assert plain.status_code == 422 and plain.json()["errors"][0]["field"] == "body.secret"
        created = await client.post(
            "/subscriptions",
            headers=auth("crm"),
            json={"id": "crm-hook", "url": url, "events": ["transition"]},
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]  # made by the API, shown this once
        assert secret.startswith("whsec_")
        listed = (await client.get("/subscriptions", headers=auth("auditor"))).json()
        assert [s["id"] for s in listed] == ["crm-hook"] and "secret" not in listed[0]

        await _start(client, "api-events")
        await _fire(client, "api-events", "record_intent", {"intent": "Tell the CRM."})

        def deliveries() -> list[tuple[dict[str, str], bytes]]:
            # Other tests' coalitions publish to the subscriber too: look at this one's.
            return [
                (h, b) for h, b in hooks.accepted() if json.loads(b)["source"] == "/coalitions/api-events"
            ]

        for _ in range(100):
            if len(deliveries()) >= 2:
                break
            await asyncio.sleep(0.1)
        events = [verify_delivery(headers, body, secret) for headers, body in deliveries()]
        assert [e.get_subject() for e in events] == ["start", "record_intent"]
        assert {e.get_type() for e in events} == {"nl.lemniscate.coalition.transition"}
        data = events[1].get_data()
        assert isinstance(data, dict) and data["actor"]["id"] == "anna" and data["to_state"]
        headers, body = deliveries()[1]
        assert headers["webhook-id"] == events[1].get_id() == "coalition/api-events#2"
        with pytest.raises(WebhookVerificationError):  # a changed body is refused
            verify_delivery(headers, body.replace(b"anna", b"bert"), secret)
        stale = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)}
        with pytest.raises(WebhookVerificationError):  # and so is a replay an hour later
            verify_delivery(stale, body, secret)

        # Rotation: for a day both secrets sign, so the receiver switches at its own pace.
        rotated = await client.post("/subscriptions/crm-hook/secret", headers=auth("crm"))
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        assert new != secret and rotated.json()["previous_secret_until"]
        await _fire(client, "api-events", "record_intent", {"intent": "Tell the CRM again."})
        for _ in range(100):
            if len(deliveries()) >= 3:
                break
            await asyncio.sleep(0.1)
        headers, body = deliveries()[2]
        assert len(headers["webhook-signature"].split(" ")) == 2
        assert verify_delivery(headers, body, new).get_id() == verify_delivery(headers, body, secret).get_id()

        removed = await client.delete("/subscriptions/crm-hook", headers=auth("coordinator"))
        assert removed.status_code == 204
        missing = await client.delete("/subscriptions/crm-hook", headers=auth("coordinator"))
        assert missing.status_code == 404
