"""The codec server: lets the Temporal Web UI and CLI show encrypted payloads in the clear.

It speaks Temporal's remote codec protocol: POST a `Payloads` message as protobuf JSON to a
URL ending in `/decode` (or `/encode`) and get the converted `Payloads` back. Only the last
path segment counts, so it can be mounted under any prefix.

Whoever can call it can read partner data, so every request needs the shared token, either
as `Authorization: Bearer <token>` (the `temporal` CLI's `--codec-auth`, scripts, a proxy)
or as the cookie that `/login` sets after the token was typed in once: the Web UI sends
cookies to the codec endpoint when TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true, but it cannot
add a header of its own choosing.

The cookie holds a signed, expiring session (`cluster.signed`), never the token: a copied
cookie cannot be used as the token elsewhere, ends after `SESSION_SECONDS`, and ends at once
when the token is changed (the session is signed with a key derived from the token).
Origins allowed with credentials are listed one by one: `*` with cookies would let every
web page read decoded partner data through a signed-in browser, so it is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Final
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from lemniscate.cluster import signed
from lemniscate.cluster.codec import EncryptionCodec, PayloadDecryptionError
from lemniscate.models.json_input import UnreadableJson, read_json

COOKIE: Final = "lemniscate_codec"
SESSION_SECONDS: Final = 8 * 3600
_PURPOSE: Final = "codec-session"


class CorsOriginsError(ValueError):
    """The allowed browser origins cannot be used with the Web UI's cookie."""


def check_origins(origins: Sequence[str]) -> list[str]:
    """The origins as given, or why they cannot be: every one an exact scheme://host[:port]."""
    for origin in origins:
        if origin == "*" or "*" in origin:
            raise CorsOriginsError(
                "LEMNISCATE_CODEC_CORS_ORIGINS may not contain '*': the codec server accepts "
                "the Web UI's sign-in cookie, and with credentials any web page the user opens "
                "could read decoded payloads; list the Web UI's origins, e.g. "
                "https://temporal-ui.example.org,http://localhost:8080"
            )
        if origin == "null" or "://" not in origin or origin.count("/") > 2:
            raise CorsOriginsError(
                f"LEMNISCATE_CODEC_CORS_ORIGINS: {origin!r} is not an origin; give "
                "scheme://host[:port], e.g. http://localhost:8080"
            )
    return list(origins)


_LOGIN_PAGE: Final = """<!doctype html><meta charset="utf-8"><title>Lemniscate codec server</title>
<form method="post" action="login"><label>Codec token <input name="token" type="password"
autofocus></label> <button>Sign in</button></form><p>{message}</p>"""


def create_app(codec: EncryptionCodec, token: str, cors_origins: Sequence[str]) -> FastAPI:
    if not token:
        raise ValueError("the codec server needs a non-empty token")
    allowed = check_origins(cors_origins)
    # Derived from the token: changing the token ends every session signed with the old one.
    session_key = hmac.new(token.encode(), b"lemniscate codec sessions", hashlib.sha256).digest()
    app = FastAPI(title="Lemniscate codec server", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed,
        allow_credentials=True,  # the Web UI's cookie mode
        allow_methods=["POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Namespace"],
    )

    def authorised(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() == "bearer":
            return hmac.compare_digest(presented.strip().encode(), token.encode())
        return signed.verify(session_key, _PURPOSE, request.cookies.get(COOKIE)) is not None

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "active_key_id": codec.active_key_id}

    @app.get("/login", response_class=HTMLResponse)
    async def login_page() -> str:
        return _LOGIN_PAGE.format(message="")

    @app.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        # A plain urlencoded form: parsed by hand so no multipart library is needed.
        token_given = parse_qs((await request.body()).decode("utf-8", "replace")).get("token", [""])[0]
        if not hmac.compare_digest(token_given.encode(), token.encode()):
            return HTMLResponse(_LOGIN_PAGE.format(message="Wrong token."), status_code=401)
        response = HTMLResponse(
            _LOGIN_PAGE.format(message="Signed in: the Web UI can now show decoded payloads.")
        )
        response.set_cookie(
            COOKIE,
            signed.sign(session_key, _PURPOSE, {"n": signed.b64(secrets.token_bytes(12))}, SESSION_SECONDS),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            max_age=SESSION_SECONDS,
        )
        return response

    @app.post("/{path:path}")
    async def convert(path: str, request: Request) -> Response:
        operation = path.rstrip("/").rpartition("/")[2]
        if operation not in ("encode", "decode"):
            return JSONResponse({"message": "POST to a path ending in /encode or /decode"}, 404)
        if not authorised(request):
            return JSONResponse(
                {"message": "missing or wrong codec token"}, 401, headers={"WWW-Authenticate": "Bearer"}
            )
        payloads = Payloads()
        try:  # the project's one JSON reader first: protobuf's own parser recurses unbounded
            body = read_json(await request.body())
            if not isinstance(body, dict):
                raise json_format.ParseError("a Payloads message is a JSON object")
            json_format.ParseDict(body, payloads)
        except UnreadableJson as error:
            return _problem(400, "Body is not JSON", f"body: not valid JSON ({error.reason}).", "not-json")
        except json_format.ParseError as error:
            detail = f"body: not Payloads as protobuf JSON ({str(error)[:300]})."
            return _problem(422, "Not payloads", detail, "invalid")
        try:
            converted = await (codec.encode if operation == "encode" else codec.decode)(payloads.payloads)
        except PayloadDecryptionError as error:
            return _problem(422, "Cannot decrypt", str(error), "undecryptable")
        return Response(
            json_format.MessageToJson(Payloads(payloads=converted)), media_type="application/json"
        )

    return app


def _problem(status: int, title: str, detail: str, kind: str) -> JSONResponse:
    """An RFC 9457 problem document; `message` too, which is what the Web UI shows."""
    body = {
        "type": f"/problems/{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        "message": detail,
    }
    return JSONResponse(body, status, media_type="application/problem+json")
