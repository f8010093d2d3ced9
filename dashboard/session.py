"""Signed session cookies: a person logs in once with an API key, then browses.

The cookie never holds the key. It holds the actor the key identified and an expiry, signed
with HMAC-SHA256 under a server secret: `LEMNISCATE_SESSION_SECRET` when several API
processes must accept each other's cookies, else a random secret per process (a restart
logs everyone out, which is safe). HttpOnly keeps it from scripts, SameSite=Strict keeps it
off cross-site requests (so a form on another site cannot fire a trigger), Secure is set
whenever the dashboard is reached over HTTPS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from lemniscate.models.events import Actor

COOKIE = "lemniscate_session"
LIFETIME_SECONDS = 8 * 3600  # a working day; then the key is asked for again
SECRET_ENV = "LEMNISCATE_SESSION_SECRET"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    def __init__(self, secret: bytes | None = None) -> None:
        configured = os.environ.get(SECRET_ENV)
        self._secret = secret or (configured.encode() if configured else secrets.token_bytes(32))

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode(), hashlib.sha256).digest())

    def issue(self, actor: Actor, now: float | None = None) -> str:
        claims = {"actor": actor.model_dump(mode="json"), "exp": int((now or time.time()) + LIFETIME_SECONDS)}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def actor(self, token: str | None, now: float | None = None) -> Actor | None:
        """The actor of a valid, unexpired token; None for anything else."""
        if not token or token.count(".") != 1:
            return None
        body, signature = token.split(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            claims = json.loads(_unb64(body))
            if claims["exp"] < (now or time.time()):
                return None
            # JSON mode: the records are strict, and a role arrives here as a string.
            return Actor.model_validate_json(json.dumps(claims["actor"]))
        except (ValueError, KeyError, TypeError, ValidationError):
            return None

    def login(self, response: Response, request: Request, actor: Actor) -> None:
        response.set_cookie(
            COOKIE,
            self.issue(actor),
            max_age=LIFETIME_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/dashboard",
        )

    @staticmethod
    def logout(response: Response) -> None:
        response.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="strict")

    def of(self, request: Request) -> Actor | None:
        return self.actor(request.cookies.get(COOKIE))
