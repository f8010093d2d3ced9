"""With encryption on, what encryption hides does not land in the clear elsewhere: not in
the worker's log lines (the follow-up log channel, a refused signal), not in the codec
server's logs while it decodes or fails to. Each search is shown to work by finding the
canary where encryption is off. The worker runs on the real dev server; the codec server is
its ASGI app; logs are captured as structlog and the standard library emit them.
(The refusal log and the server's files are covered by test_refusal_log.py and
test_encryption_canary.py.)"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import uuid
from datetime import UTC, datetime

import httpx
import pytest
import structlog
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from lemniscate.activities.notify import Notification, log_follow_up
from lemniscate.cluster import EncryptionCodec, EncryptionKeys
from lemniscate.cluster.codec import ENV_ENCRYPTION_KEYS
from lemniscate.cluster.codec_server import create_app
from lemniscate.examples import walks
from lemniscate.models.playbook import Audience, FollowUpKind
from lemniscate.states.followup_model import FollowUp
from lemniscate.workflows.io import workflow_id
from tests.support.servers import WorkerRunner, borrow


def _keys() -> str:
    return f"k1:{base64.b64encode(os.urandom(32)).decode()}"


def _notification(canary: str) -> Notification:
    follow_up = FollowUp(
        key="interview:Aedes",
        kind=FollowUpKind.interview_reminder,
        due_at=datetime(2027, 1, 10, 9, tzinfo=UTC),
        audience=Audience.coordinator,
        recipients=[f"coordinator {canary}"],
        message=f"Interview Aedes about {canary}.",
    )
    return Notification(coalition_id="c", coalition_name="C", workflow_id="coalition/c", follow_up=follow_up)


@pytest.mark.parametrize("encrypted", [True, False])
def test_the_follow_up_log_channel_keeps_the_message_out_when_encrypted(
    monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    if encrypted:
        monkeypatch.setenv(ENV_ENCRYPTION_KEYS, _keys())
    else:
        monkeypatch.delenv(ENV_ENCRYPTION_KEYS, raising=False)
    with structlog.testing.capture_logs() as lines:
        ActivityEnvironment().run(log_follow_up, _notification(canary))
    (line,) = [entry for entry in lines if entry["event"] == "follow-up"]
    assert line["kind"] == "interview_reminder" and line["due_at"].startswith("2027-01-10")
    assert (canary in json.dumps(lines)) is not encrypted


async def test_a_refused_signal_is_logged_without_its_reasons(
    dev_server: WorkflowEnvironment, worker: WorkerRunner
) -> None:
    slug = "elsewhere-signal"
    canary = f"CANARY-{uuid.uuid4().hex}"
    async with borrow(dev_server, own_namespace=True) as env, worker(env.client) as service:
        start = walks.taskforce_start(slug)
        start["partners"].append({"name": canary, "kind": "civil_society"})
        await service.start(start, walks.COORDINATOR)
        # A fact from another system the method refuses, with a reason that quotes the name.
        request = service.gate.trigger_request(
            slug, "add_partner", {"name": canary, "kind": "civil_society"}, walks.COORDINATOR, source="api"
        )
        with structlog.testing.capture_logs() as lines:
            await env.client.get_workflow_handle(workflow_id(slug)).signal("external_fact", request)
            for _ in range(200):
                if any(entry["event"] == "signal refused" for entry in lines):
                    break
                await asyncio.sleep(0.05)
        (refused,) = [entry for entry in lines if entry["event"] == "signal refused"]
        assert refused["trigger"] == "add_partner"
        assert canary not in json.dumps(lines, default=str)
        # The reason is kept where encryption covers it: the coalition's own state.
        history = await env.client.get_workflow_handle(workflow_id(slug)).fetch_history()
        assert history.events  # the signal arrived


async def test_the_codec_server_logs_nothing_it_decodes(caplog: pytest.LogCaptureFixture) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    keys = EncryptionKeys.from_env({ENV_ENCRYPTION_KEYS: _keys()})
    assert keys is not None
    codec = EncryptionCodec(keys)
    plain = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(canary).encode())
    sealed = json_format.MessageToJson(Payloads(payloads=await codec.encode([plain])))
    other = EncryptionKeys.from_env({ENV_ENCRYPTION_KEYS: _keys()})
    assert other is not None
    unreadable = json_format.MessageToJson(Payloads(payloads=await EncryptionCodec(other).encode([plain])))
    app = create_app(codec, "elsewhere-token-0123456789", ["http://127.0.0.1:8233"])
    auth = {"Authorization": "Bearer elsewhere-token-0123456789"}
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as lines:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://codec") as http:
            decoded = await http.post("/decode", content=sealed, headers=auth)
            assert (
                decoded.status_code == 200
                and canary in base64.b64decode(decoded.json()["payloads"][0]["data"]).decode()
            )
            encoded = await http.post(
                "/encode", content=json_format.MessageToJson(Payloads(payloads=[plain])), headers=auth
            )
            assert encoded.status_code == 200 and canary not in encoded.text
            failed = await http.post("/decode", content=unreadable, headers=auth)
            assert failed.status_code == 422 and canary not in failed.text
    assert canary not in caplog.text
    assert canary not in json.dumps(lines, default=str)
