"""Malformed JSON at any depth and any bytes, on every route that reads a body and on the
codec server: a 400 problem document that names the reason, never a 5xx. One reader does
it (`models.json_input`), so the cases are the same everywhere."""

from __future__ import annotations

import base64
import os

import httpx
import pytest

from lemniscate import states
from lemniscate.cluster.codec import EncryptionCodec, EncryptionKeys
from lemniscate.cluster.codec_server import create_app as codec_app
from lemniscate.examples import walks
from lemniscate.models.json_input import MAX_DEPTH, UnreadableJson, read_json
from lemniscate.states import policy
from tests.support.web_stack import WebStack, auth, start_taskforce

SLUG = "hostile-json"
PROBLEM = "application/problem+json"

# (body, words the reason must contain)
HOSTILE: list[tuple[bytes, str]] = [
    (b"[" * 5000 + b"]" * 5000, "nested deeper than"),
    (b'{"a":' * 1500 + b"1" + b"}" * 1500, "nested deeper than"),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested deeper than"),
    (b'{"intent": "\xff\xfe"}', "not UTF-8"),
    (b"\xef\xbb\xbf{}", "BOM"),
    (b'{"intent": "x"', "Expecting"),
    (b'{"n": ' + b"9" * 5000 + b"}", "number is too long"),
    (b'{"n": NaN}', "NaN is not a JSON value"),
    (b'{"intent": "\\ud800"}', "lone surrogate"),
    (b"\x00\x01\x02", "Expecting value"),
]


# Who asked is checked before the body is read: the triggers a coordinator may attempt.
FIRED_BY_A_COORDINATOR = [
    name for name, spec in states.TRIGGERS.items() if not policy.may_attempt(walks.COORDINATOR, spec)
]


@pytest.fixture(scope="module")
async def stack(web: WebStack) -> WebStack:
    await start_taskforce(web, SLUG)
    return web


def _assert_problem(response: httpx.Response, words: str) -> None:
    assert response.status_code == 400, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/not-json" and problem["status"] == 400
    assert words in problem["detail"], problem["detail"]
    assert len(response.content) < 2000


def test_the_reader_refuses_every_hostile_body_with_its_reason() -> None:
    for body, words in HOSTILE:
        with pytest.raises(UnreadableJson) as refused:
            read_json(body)
        assert words in refused.value.reason, (body[:40], refused.value.reason)
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert read_json(nested) is not None  # the limit itself is allowed
    assert read_json(b'{"a": ["\xc3\xa9", 1.5, null]}') == {"a": ["é", 1.5, None]}


@pytest.mark.parametrize(("body", "words"), HOSTILE, ids=[w for _, w in HOSTILE])
async def test_every_body_route_answers_a_problem_not_a_server_error(
    stack: WebStack, body: bytes, words: str
) -> None:
    headers = {**auth("coordinator"), "Content-Type": "application/json"}
    routes = [
        "/coalitions",
        *(f"/coalitions/{SLUG}/triggers/{trigger}" for trigger in FIRED_BY_A_COORDINATOR),
        "/bulk",
        "/subscriptions",
    ]
    for route in routes:
        _assert_problem(await stack.http.post(route, content=body, headers=headers), words)


async def test_bodies_of_the_wrong_shape_are_invalid_not_errors(stack: WebStack) -> None:
    headers = {**auth("coordinator"), "Content-Type": "application/json"}
    listed = await stack.http.post(
        f"/coalitions/{SLUG}/triggers/record_intent", content=b"[1]", headers=headers
    )
    assert listed.status_code == 422 and listed.json()["errors"] == [
        {"field": "", "reason": "must be a JSON object", "code": "payload.not-object"}
    ]
    bulk = await stack.http.post("/bulk", content=b'{"where": 1, "trigger": "x"}', headers=headers)
    assert bulk.status_code == 422 and bulk.headers["content-type"] == PROBLEM
    assert {e["field"] for e in bulk.json()["errors"]} == {"body.where"}
    # The coalition took none of it.
    view = await stack.http.get(f"/coalitions/{SLUG}", headers=auth("auditor"))
    assert view.json()["status"]["journal_length"] == 1


async def test_the_codec_server_answers_a_problem_for_any_body() -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    keys = EncryptionKeys.from_env({"LEMNISCATE_ENCRYPTION_KEYS": f"k1:{key}"})
    assert keys is not None
    app = codec_app(EncryptionCodec(keys), "codec-token", [])
    headers = {"Authorization": "Bearer codec-token", "Content-Type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://codec") as http:
        for body, words in HOSTILE:
            _assert_problem(await http.post("/decode", content=body, headers=headers), words)
        for wrong in (b"[]", b'{"payloads": 1}', b'{"payloads": [{"data": "not base64!"}]}'):
            answered = await http.post("/decode", content=wrong, headers=headers)
            assert answered.status_code == 422, (wrong, answered.text)
            assert answered.headers["content-type"] == PROBLEM
        fine = await http.post("/encode", content=b'{"payloads": []}', headers=headers)
        assert fine.status_code == 200
