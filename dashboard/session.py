"""Signed session cookies: a person logs in once with an API key, then browses.

The cookie never holds the key, nor who the key belongs to. It holds a random session id,
a fingerprint of the key (an HMAC of its digest under the server secret) and an expiry,
signed with HMAC-SHA256 under that secret: `LEMNISCATE_SESSION_SECRET` when several API
processes must accept each other's cookies, else a random secret per process (a restart
logs everyone out, which is safe).

Every request checks the session against the key file as it is now (`KeyRing`, which
re-reads the file when it changes): a key removed from the file ends its sessions at once,
and a key whose role or organisation changed acts with the new one on the next request.
Log-out revokes the session id on the server, so a copied cookie stops working with it.
Revocations live in the process (they expire with the sessions they end): with several API
processes behind one address, use sticky sessions, or change the session secret to end
every session everywhere.

HttpOnly keeps the cookie from scripts, SameSite=Strict keeps it off cross-site requests
(so a form on another site cannot fire a trigger), Secure is set whenever the dashboard is
reached over HTTPS.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from lemniscate.api.auth import KeyRing
from lemniscate.cluster import signed
from lemniscate.models.events import Actor

COOKIE = "lemniscate_session"
LIFETIME_SECONDS = 8 * 3600  # a working day; then the key is asked for again
SECRET_ENV = "LEMNISCATE_SESSION_SECRET"
PURPOSE = "dashboard-session"


class Sessions:
    def __init__(self, secret: bytes | None = None) -> None:
        configured = os.environ.get(SECRET_ENV)
        self._secret = secret or (configured.encode() if configured else secrets.token_bytes(32))
        self._revoked: dict[str, float] = {}  # session id -> when it would have expired

    def issue(self, key_digest: str, now: float | None = None) -> str:
        """A token for a session of the key with this digest (`api.auth.key_digest`)."""
        claims = {"sid": signed.b64(secrets.token_bytes(18)), "kid": self._kid(key_digest)}
        return signed.sign(self._secret, PURPOSE, claims, LIFETIME_SECONDS, now)

    def _kid(self, key_digest: str) -> str:
        return signed.mac(self._secret, "key", key_digest)

    def _claims(self, token: str | None, now: float) -> dict[str, Any] | None:
        claims = signed.verify(self._secret, PURPOSE, token, now)
        if claims is None:
            return None
        sid, kid = claims.get("sid"), claims.get("kid")
        if not (isinstance(sid, str) and isinstance(kid, str)) or sid in self._revoked:
            return None
        return claims

    def actor(self, token: str | None, keys: KeyRing, now: float | None = None) -> Actor | None:
        """The actor of a valid, unexpired, not logged-out token whose key is still in the
        key file, as the file describes it now; None for anything else."""
        claims = self._claims(token, now or time.time())
        if claims is None:
            return None
        kid: str = claims["kid"]
        return keys.actor_matching(lambda digest: hmac.compare_digest(self._kid(digest), kid))

    def revoke(self, token: str | None, now: float | None = None) -> None:
        """End the session of `token` on this server, whoever holds a copy of the cookie."""
        moment = now or time.time()
        self._revoked = {sid: exp for sid, exp in self._revoked.items() if exp >= moment}
        claims = self._claims(token, moment)
        if claims is not None:
            self._revoked[claims["sid"]] = claims["exp"]

    def login(self, response: Response, request: Request, key_digest: str) -> None:
        response.set_cookie(
            COOKIE,
            self.issue(key_digest),
            max_age=LIFETIME_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/dashboard",
        )

    def logout(self, response: Response, request: Request) -> None:
        self.revoke(request.cookies.get(COOKIE))
        response.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="strict")

    def of(self, request: Request, keys: KeyRing) -> Actor | None:
        return self.actor(request.cookies.get(COOKIE), keys)
