"""Payload encryption: the codec, its key configuration, the data converter seam and the
codec server's protocol and authentication."""

from __future__ import annotations

import base64
import json
import os

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes

from lemniscate.cluster import (
    ClusterConfigError,
    EncryptionCodec,
    EncryptionKeys,
    PayloadDecryptionError,
    data_converter,
)
from lemniscate.cluster.codec import ENCODING, METADATA_KEY_ID
from lemniscate.cluster.codec_server import COOKIE, create_app
from lemniscate.models.events import Actor, Role

CANARY = "canary-7f3a: Aedes fears losing 40 homes in Zwijndrecht"


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _codec(keys: str, active: str | None = None) -> EncryptionCodec:
    env = {"LEMNISCATE_ENCRYPTION_KEYS": keys}
    if active is not None:
        env["LEMNISCATE_ENCRYPTION_KEY_ID"] = active
    ring = EncryptionKeys.from_env(env)
    assert ring is not None
    return EncryptionCodec(ring)


def _plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())


async def test_round_trip_hides_the_data_and_names_the_key() -> None:
    codec = _codec(f"k1:{_key()}")
    original = _plain(CANARY)
    (sealed,) = await codec.encode([original])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[METADATA_KEY_ID] == b"k1"
    assert CANARY.encode() not in sealed.SerializeToString()
    assert b"json/plain" not in sealed.SerializeToString()  # the inner metadata is sealed too
    assert await codec.decode([sealed]) == [original]
    # A fresh nonce per payload: equal plaintexts never give equal ciphertexts.
    (again,) = await codec.encode([original])
    assert again.data != sealed.data


async def test_rotation_keeps_old_payloads_readable() -> None:
    old, new = _key(), _key()
    before = _codec(f"2025:{old}")
    (written_before,) = await before.encode([_plain("before rotation")])

    after = _codec(f"2025:{old},2026:{new}", active="2026")
    (written_after,) = await after.encode([_plain("after rotation")])
    assert written_after.metadata[METADATA_KEY_ID] == b"2026"
    assert [json.loads(p.data) for p in await after.decode([written_before, written_after])] == [
        "before rotation",
        "after rotation",
    ]
    # Payloads written before encryption was switched on pass through unchanged.
    assert await after.decode([_plain("never encrypted")]) == [_plain("never encrypted")]


async def test_unknown_or_wrong_key_fails_clearly() -> None:
    (sealed,) = await _codec(f"2025:{_key()}").encode([_plain(CANARY)])
    with pytest.raises(
        PayloadDecryptionError,
        match="key id '2025', which is not in LEMNISCATE_ENCRYPTION_KEYS \\(known ids: 2026\\)",
    ):
        await _codec(f"2026:{_key()}").decode([sealed])
    with pytest.raises(PayloadDecryptionError, match="key id '2025' does not decrypt"):
        await _codec(f"2025:{_key()}").decode([sealed])
    relabelled = Payload()
    relabelled.CopyFrom(sealed)
    relabelled.metadata[METADATA_KEY_ID] = b"other"
    with pytest.raises(PayloadDecryptionError, match="does not decrypt"):
        await _codec(f"2025:{_key()},other:{_key()}", "2025").decode([relabelled])


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEMNISCATE_ENCRYPTION_KEY_ID": "k1"}, "LEMNISCATE_ENCRYPTION_KEYS is not"),
        ({"LEMNISCATE_ENCRYPTION_KEYS": "k1"}, "entry 1 is not KEY_ID:BASE64_KEY"),
        ({"LEMNISCATE_ENCRYPTION_KEYS": "k1:not base64!"}, "the key of 'k1' is not valid base64"),
        ({"LEMNISCATE_ENCRYPTION_KEYS": "k1:" + base64.b64encode(b"short").decode()}, "is 5 bytes"),
        ({"LEMNISCATE_ENCRYPTION_KEYS": "a:{k},b:{k}"}, "set LEMNISCATE_ENCRYPTION_KEY_ID"),
        ({"LEMNISCATE_ENCRYPTION_KEYS": "a:{k}", "LEMNISCATE_ENCRYPTION_KEY_ID": "b"}, "'b' is not among"),
        ({"LEMNISCATE_ENCRYPTION_KEYS": "a:{k},a:{k}"}, "'a' appears twice"),
    ],
)
def test_key_configuration_errors_name_the_problem(env: dict[str, str], message: str) -> None:
    key = _key()
    filled = {name: value.replace("{k}", key) for name, value in env.items()}
    with pytest.raises(ClusterConfigError, match=message) as raised:
        EncryptionKeys.from_env(filled)
    assert key not in str(raised.value)


def test_url_safe_keys_and_no_key_material_in_repr() -> None:
    raw = os.urandom(32)
    encoded = base64.urlsafe_b64encode(raw).decode()
    ring = EncryptionKeys.from_env({"LEMNISCATE_ENCRYPTION_KEYS": f"k:{encoded}"})
    assert ring is not None and ring.keys["k"] == raw
    assert base64.b64encode(raw).decode() not in repr(ring) and "'k'" in repr(ring)


async def test_data_converter_encrypts_only_when_keys_are_set() -> None:
    assert data_converter({}) is pydantic_data_converter
    converter = data_converter({"LEMNISCATE_ENCRYPTION_KEYS": f"k1:{_key()}"})
    assert isinstance(converter.payload_codec, EncryptionCodec)
    assert isinstance(converter.failure_converter, DefaultFailureConverterWithEncodedAttributes)
    actor = Actor(id="rep-aedes", role=Role.partner, organisation=CANARY)
    (encoded,) = await converter.encode([actor])
    assert CANARY.encode() not in encoded.SerializeToString()
    assert await converter.decode([encoded], [Actor]) == [actor]


# The codec server ----------------------------------------------------------------------

TOKEN = "codec-token-for-tests"
UI = "http://localhost:8080"


def _client(codec: EncryptionCodec) -> httpx.AsyncClient:
    app = create_app(codec, TOKEN, [UI])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://codec")


def _body(*payloads: Payload) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


async def test_codec_server_decodes_for_token_holders_only() -> None:
    codec = _codec(f"k1:{_key()}")
    (sealed,) = await codec.encode([_plain(CANARY)])
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Namespace": "default"}
    async with _client(codec) as http:
        # Only the last path segment counts: the endpoint may live under any prefix.
        decoded = await http.post("/codec/default/decode", content=_body(sealed), headers=auth)
        assert decoded.status_code == 200, decoded.text
        payload = json_format.Parse(decoded.text, Payloads()).payloads[0]
        assert json.loads(payload.data) == CANARY
        assert json.loads(decoded.text)["payloads"][0]["metadata"]["encoding"] == (
            base64.b64encode(b"json/plain").decode()
        )

        encoded = await http.post("/encode", content=_body(_plain("x")), headers=auth)
        assert json_format.Parse(encoded.text, Payloads()).payloads[0].metadata["encoding"] == ENCODING

        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            refused = await http.post("/decode", content=_body(sealed), headers=headers)
            assert refused.status_code == 401 and CANARY not in refused.text

        unknown = await http.post(
            "/decode", headers=auth, content=_body((await _codec(f"gone:{_key()}").encode([_plain("x")]))[0])
        )
        assert unknown.status_code == 422 and "'gone'" in unknown.json()["message"]
        assert (await http.post("/decode", content="{", headers=auth)).status_code == 400


async def test_codec_server_cors_and_cookie_sign_in_for_the_web_ui() -> None:
    codec = _codec(f"k1:{_key()}")
    (sealed,) = await codec.encode([_plain(CANARY)])
    async with _client(codec) as http:
        preflight = await http.options(
            "/decode",
            headers={
                "Origin": UI,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-namespace",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == UI
        assert preflight.headers["access-control-allow-credentials"] == "true"
        elsewhere = await http.options(
            "/decode", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in elsewhere.headers

        wrong = await http.post("/login", data={"token": "guess"})
        assert wrong.status_code == 401 and COOKIE not in wrong.cookies
        signed_in = await http.post("/login", data={"token": TOKEN})
        assert signed_in.status_code == 200 and "httponly" in signed_in.headers["set-cookie"].lower()
        # The client keeps the cookie, as the browser does for the Web UI's requests.
        decoded = await http.post("/decode", content=_body(sealed), headers={"Origin": UI})
        assert decoded.status_code == 200
        assert decoded.headers["access-control-allow-origin"] == UI
        assert json.loads(json_format.Parse(decoded.text, Payloads()).payloads[0].data) == CANARY
