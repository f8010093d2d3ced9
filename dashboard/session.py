"""Signed session cookies: a person logs in once, with an API key or through their
organisation's identity provider (OpenID Connect, `dashboard.oidc`), then browses.

Both kinds are one mechanism: a random session id and an expiry, signed with HMAC-SHA256
under the server secret (`LEMNISCATE_SESSION_SECRET` when several API processes must
accept each other's cookies, else a random secret per process: a restart logs everyone
out, which is safe), and one of:

- for a key, a fingerprint of it (an HMAC of its digest under the secret); never the key,
  nor who the key belongs to, which the key file says anew on every request;
- for a person, the actor the identity provider's ID token described at log-in (role,
  organisation, issuer, subject, name, e-mail): there is no file to ask again, so the
  signed cookie carries what was checked, readable by its holder and by nobody's script.

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

The OpenID Connect round-trip (state, nonce, PKCE verifier, where to go next) is held in a
second signed cookie of its own purpose, for minutes, SameSite=Lax: the provider's redirect
back is a cross-site navigation, which a Strict cookie would not come along with.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from lemniscate.api.auth import KeyRing
from lemniscate.cluster import signed
from lemniscate.models.events import Actor, Role

COOKIE = "lemniscate_session"
LIFETIME_SECONDS = 8 * 3600  # a working day; then the key is asked for again
SECRET_ENV = "LEMNISCATE_SESSION_SECRET"
PURPOSE = "dashboard-session"
LOGIN_COOKIE = "lemniscate_oidc_login"
LOGIN_PURPOSE = "dashboard-oidc-login"
LOGIN_LIFETIME_SECONDS = 10 * 60  # long enough to type a password at the provider
LOGIN_PATH = "/dashboard/oidc"


class Sessions:
    def __init__(self, secret: bytes | None = None) -> None:
        configured = os.environ.get(SECRET_ENV)
        self._secret = secret or (configured.encode() if configured else secrets.token_bytes(32))
        self._revoked: dict[str, float] = {}  # session id -> when it would have expired

    def issue(self, key_digest: str, now: float | None = None) -> str:
        """A token for a session of the key with this digest (`api.auth.key_digest`)."""
        return self._issue({"kid": self._kid(key_digest)}, now)

    def issue_person(self, person: Actor, now: float | None = None) -> str:
        """A token for a session of a person the identity provider vouched for."""
        if person.person is None or person.role == Role.system:
            raise ValueError("a person session is for a person, and never with the system role")
        return self._issue({"who": person.model_dump_json(exclude_defaults=True)}, now)

    def _issue(self, claims: dict[str, str], now: float | None) -> str:
        sid = signed.b64(secrets.token_bytes(18))
        return signed.sign(self._secret, PURPOSE, {"sid": sid, **claims}, LIFETIME_SECONDS, now)

    def _kid(self, key_digest: str) -> str:
        return signed.mac(self._secret, "key", key_digest)

    def _claims(self, token: str | None, now: float) -> dict[str, Any] | None:
        claims = signed.verify(self._secret, PURPOSE, token, now)
        if claims is None:
            return None
        sid, kid, who = claims.get("sid"), claims.get("kid"), claims.get("who")
        if not isinstance(sid, str) or sid in self._revoked:
            return None
        if not (isinstance(kid, str) or isinstance(who, str)):
            return None
        return claims

    def actor(self, token: str | None, keys: KeyRing, now: float | None = None) -> Actor | None:
        """The actor of a valid, unexpired, not logged-out token: for a key still in the key
        file, as the file describes it now; for a person, as their provider did at log-in.
        None for anything else."""
        claims = self._claims(token, now or time.time())
        if claims is None:
            return None
        kid = claims.get("kid")
        if isinstance(kid, str):
            return keys.actor_matching(lambda digest: hmac.compare_digest(self._kid(digest), kid))
        try:
            person = Actor.model_validate_json(claims["who"])
        except ValidationError:
            return None  # signed by us, yet no actor: a cookie of an older, other model
        return person if person.person is not None and person.role != Role.system else None

    def revoke(self, token: str | None, now: float | None = None) -> None:
        """End the session of `token` on this server, whoever holds a copy of the cookie."""
        moment = now or time.time()
        self._revoked = {sid: exp for sid, exp in self._revoked.items() if exp >= moment}
        claims = self._claims(token, moment)
        if claims is not None:
            self._revoked[claims["sid"]] = claims["exp"]

    def login(self, response: Response, request: Request, key_digest: str) -> None:
        self._set(response, request, self.issue(key_digest))

    def login_person(self, response: Response, request: Request, person: Actor) -> None:
        self._set(response, request, self.issue_person(person))

    def _set(self, response: Response, request: Request, token: str) -> None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=LIFETIME_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/dashboard",
        )

    # The OpenID Connect round-trip --------------------------------------------------------

    def hold_login(self, response: Response, request: Request, held: dict[str, str]) -> None:
        """Keep the log-in's state, nonce, PKCE verifier and next page until the provider
        sends the person back (`held_login`)."""
        response.set_cookie(
            LOGIN_COOKIE,
            signed.sign(self._secret, LOGIN_PURPOSE, held, LOGIN_LIFETIME_SECONDS),
            max_age=LOGIN_LIFETIME_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path=LOGIN_PATH,
        )

    def held_login(self, request: Request) -> dict[str, str] | None:
        """What `hold_login` kept, if this server signed it minutes ago."""
        claims = signed.verify(self._secret, LOGIN_PURPOSE, request.cookies.get(LOGIN_COOKIE))
        if claims is None:
            return None
        return {k: v for k, v in claims.items() if isinstance(v, str)}

    def forget_login(self, response: Response) -> None:
        """Delete the round-trip's cookie, whatever came of it: it is used once."""
        response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH, httponly=True, samesite="lax")

    def logout(self, response: Response, request: Request) -> None:
        self.revoke(request.cookies.get(COOKIE))
        response.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="strict")

    def of(self, request: Request, keys: KeyRing) -> Actor | None:
        return self.actor(request.cookies.get(COOKIE), keys)
