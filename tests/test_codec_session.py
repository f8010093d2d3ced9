"""The codec server's sign-in cookie is a signed, expiring session, never the token; a
changed token ends every session; `*` as an allowed origin (with the cookie's credentials)
is refused at start with a clear message. In process, through the same ASGI app the
command serves, and the command itself for the refusal at start."""

from __future__ import annotations

import base64
import json
import os

import httpx
import pytest
from click.testing import CliRunner
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from lemniscate.cli.codec_server import codec_server
from lemniscate.cluster import EncryptionCodec, EncryptionKeys, signed
from lemniscate.cluster.codec_server import COOKIE, CorsOriginsError, create_app

TOKEN = "codec-session-token-0123456789"
UI = "http://127.0.0.1:8233"
CANARY = "codec-session-canary"


def _codec() -> EncryptionCodec:
    keys = EncryptionKeys.from_env(
        {"LEMNISCATE_ENCRYPTION_KEYS": f"k1:{base64.b64encode(os.urandom(32)).decode()}"}
    )
    assert keys is not None
    return EncryptionCodec(keys)


def _client(codec: EncryptionCodec, token: str = TOKEN) -> httpx.AsyncClient:
    app = create_app(codec, token, [UI])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://codec")


async def _sealed(codec: EncryptionCodec) -> str:
    plain = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(CANARY).encode())
    return json_format.MessageToJson(Payloads(payloads=await codec.encode([plain])))


def _cookie_of(response: httpx.Response) -> str:
    return response.cookies[COOKIE]


async def test_the_cookie_is_a_signed_session_not_the_token() -> None:
    codec = _codec()
    body = await _sealed(codec)
    async with _client(codec) as http:
        cookie = _cookie_of(await http.post("/login", data={"token": TOKEN}))
        assert (
            TOKEN not in cookie
            and TOKEN not in base64.urlsafe_b64decode(cookie.split(".")[0] + "==").decode()
        )
        http.cookies.clear()
        decoded = await http.post("/decode", content=body, headers={"Cookie": f"{COOKIE}={cookie}"})
        assert (
            decoded.status_code == 200
            and CANARY in base64.b64decode(decoded.json()["payloads"][0]["data"]).decode()
        )
        # The session is no token: it opens nothing as a bearer credential.
        as_bearer = await http.post("/decode", content=body, headers={"Authorization": f"Bearer {cookie}"})
        assert as_bearer.status_code == 401
        head, signature = cookie.split(".")
        for forged in (f"{head}.{signature[:-2]}xx", TOKEN, "garbage"):
            refused = await http.post("/decode", content=body, headers={"Cookie": f"{COOKIE}={forged}"})
            assert refused.status_code == 401 and CANARY not in refused.text
    # A changed token ends the sessions signed under the old one.
    async with _client(codec, token="codec-session-token-rotated") as rotated:
        refused = await rotated.post("/decode", content=body, headers={"Cookie": f"{COOKIE}={cookie}"})
        assert refused.status_code == 401


def test_sessions_expire() -> None:
    token = signed.sign(b"k" * 32, "codec-session", {}, 8 * 3600, now=1000.0)
    assert signed.verify(b"k" * 32, "codec-session", token, now=1001.0) is not None
    assert signed.verify(b"k" * 32, "codec-session", token, now=1000.0 + 8 * 3600 + 1) is None
    assert signed.verify(b"k" * 32, "dashboard-session", token, now=1001.0) is None  # another use


@pytest.mark.parametrize(
    "origins", [["*"], [UI, "*"], ["https://*.example.org"], ["null"], ["localhost:8080"]]
)
def test_wildcard_or_malformed_origins_are_refused(origins: list[str]) -> None:
    with pytest.raises(CorsOriginsError):
        create_app(_codec(), TOKEN, origins)


def test_the_command_refuses_a_wildcard_origin_at_start() -> None:
    env = {
        "LEMNISCATE_CODEC_TOKEN": TOKEN,
        "LEMNISCATE_ENCRYPTION_KEYS": f"k1:{base64.b64encode(os.urandom(32)).decode()}",
        "LEMNISCATE_CODEC_CORS_ORIGINS": "*",
    }
    result = CliRunner().invoke(codec_server, ["--port", "1"], env=env)
    assert result.exit_code == 1
    assert "LEMNISCATE_CODEC_CORS_ORIGINS may not contain '*'" in result.output
    assert "list the Web UI's origins" in result.output
