"""`/keys` on the web app against the real dev server: a coordinator adds a key and it opens
the API at once (it starts a coalition the journal credits to it), revokes it and it is
refused at once, also in a dashboard session opened with it; a partner manages no keys;
every refusal is a problem document with the CLI's sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from lemniscate.api.auth import key_digest
from lemniscate.examples import walks
from tests.support.web import BASE, Web, session_cookie, web_app

ANNA = {"key": "keys-api-coordinator-key-01", "id": "anna", "role": "coordinator"}
BERT = {"key": "keys-api-coordinator-key-02", "id": "bert", "role": "coordinator"}
PIET = {"key": "keys-api-partner-key-0123", "id": "piet", "role": "partner", "organisation": "Aedes"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _add(web: Web, body: dict[str, Any], key: str = ANNA["key"]) -> httpx.Response:
    return await web.client.post("/keys", json=body, headers=bearer(key))


async def test_an_added_key_works_at_once_and_a_revoked_one_stops_at_once(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        made = await _add(web, {"id": "crm", "role": "integration", "triggers": ["start"]})
        assert made.status_code == 201, made.text
        body = made.json()
        secret = body.pop("key")
        assert body == {
            "id": "crm",
            "role": "integration",
            "organisation": None,
            "triggers": ["start"],
            "programmes": [],
            "coalitions": [],
            "stored": "sha256",
        }
        assert secret not in web.key_file.read_text("utf-8")
        assert key_digest(secret) in web.key_file.read_text("utf-8")

        # At once, without a restart: the new key starts a coalition, named in the journal.
        started = await web.client.post(
            "/coalitions", json=walks.taskforce_start("keys-api-crm"), headers=bearer(secret)
        )
        assert started.status_code == 201, started.text
        journal = await web.client.get("/coalitions/keys-api-crm/journal", headers=bearer(secret))
        assert journal.json()[0]["event"]["actor"]["id"] == "crm"

        listed = await web.client.get("/keys", headers=bearer(ANNA["key"]))
        assert listed.status_code == 200
        assert [k["id"] for k in listed.json()] == ["anna", "crm"]
        assert secret not in listed.text and key_digest(secret) not in listed.text

        gone = await web.client.delete("/keys/crm", headers=bearer(ANNA["key"]))
        assert gone.status_code == 204
        refused = await web.client.get("/method", headers=bearer(secret))
        assert refused.status_code == 401
        assert refused.json()["type"] == "/problems/unauthenticated"


async def test_a_revoked_key_ends_its_dashboard_sessions_at_once(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with web_app(dev_server, tmp_path, [ANNA]) as web:
        made = await _add(web, {"id": "aedes-piet", "role": "partner", "organisation": "Aedes"})
        assert made.status_code == 201, made.text
        login = await web.log_in(made.json()["key"])
        assert login.status_code == 303
        cookie = {"Cookie": f"lemniscate_session={session_cookie(login)}", "Origin": BASE}
        assert (await web.client.get("/dashboard/", headers=cookie)).status_code == 200

        assert (await web.client.delete("/keys/aedes-piet", headers=bearer(ANNA["key"]))).status_code == 204
        ended = await web.client.get("/dashboard/", headers=cookie)
        assert ended.status_code == 303
        assert ended.headers["location"].startswith("/dashboard/login")


async def test_a_partner_manages_no_keys(dev_server: WorkflowEnvironment, tmp_path: Path) -> None:
    async with web_app(dev_server, tmp_path, [ANNA, PIET]) as web:
        before = web.key_file.read_bytes()
        attempts = [
            await _add(web, {"id": "mine", "role": "coordinator"}, key=PIET["key"]),
            await web.client.get("/keys", headers=bearer(PIET["key"])),
            await web.client.delete("/keys/anna", headers=bearer(PIET["key"])),
        ]
        for attempt in attempts:
            assert attempt.status_code == 403, attempt.text
            assert attempt.headers["content-type"].startswith("application/problem+json")
            assert attempt.json()["type"] == "/problems/forbidden"
            assert "managed by an office admin or a coordinator" in attempt.json()["detail"]
        assert web.key_file.read_bytes() == before
        assert (await web.client.get("/method", headers=bearer(ANNA["key"]))).status_code == 200


async def test_refusals_are_problem_documents(dev_server: WorkflowEnvironment, tmp_path: Path) -> None:
    async with web_app(dev_server, tmp_path, [ANNA, BERT]) as web:
        before = web.key_file.read_bytes()

        unknown = await _add(web, {"id": "x", "role": "admin", "triggers": ["fly"]})
        assert unknown.status_code == 422
        fields = {e["field"] for e in unknown.json()["errors"]}
        assert fields == {"body.role", "body.triggers"}
        assert "unknown role 'admin'" in unknown.json()["detail"]

        cases: list[tuple[dict[str, Any], str]] = [
            ({"id": "x", "role": "system"}, "body.role"),
            ({"id": "x", "role": "partner"}, "body.organisation"),
            ({"id": "x", "role": "auditor", "triggers": ["start"]}, "body.triggers"),
            ({"id": "x", "role": "auditor", "secret": "mine"}, "body.secret"),
        ]
        for body, field in cases:
            refused = await _add(web, body)
            assert refused.status_code == 422, (body, refused.text)
            assert [e["field"] for e in refused.json()["errors"]] == [field]

        duplicate = await _add(web, {"id": "bert", "role": "auditor"})
        assert duplicate.status_code == 409 and duplicate.json()["type"] == "/problems/exists"
        not_json = await web.client.post(
            "/keys", content=b"{", headers={**bearer(ANNA["key"]), "Content-Type": "application/json"}
        )
        assert not_json.status_code == 400 and not_json.json()["type"] == "/problems/not-json"
        missing = await web.client.delete("/keys/nobody", headers=bearer(ANNA["key"]))
        assert missing.status_code == 404 and missing.json()["type"] == "/problems/not-found"
        own = await web.client.delete("/keys/anna", headers=bearer(ANNA["key"]))
        assert own.status_code == 409 and own.json()["type"] == "/problems/own-key"
        assert web.key_file.read_bytes() == before

        # Another coordinator may revoke it: rotation without the CLI.
        assert (await web.client.delete("/keys/anna", headers=bearer(BERT["key"]))).status_code == 204
        assert [e["id"] for e in json.loads(web.key_file.read_text("utf-8"))] == ["bert"]
