"""Signed, expiring tokens for cookies: JSON claims, base64url, and an HMAC-SHA256 over them.

One scheme for the dashboard's sessions and the codec server's: the claims are readable by
whoever holds the cookie, so they never hold a secret (no key, no token), only what the
server checks again on every request. `purpose` separates the uses of one secret, so a
token made for one thing is never taken for another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mac(secret: bytes, purpose: str, text: str) -> str:
    return b64(hmac.new(secret, f"{purpose}\x00{text}".encode(), hashlib.sha256).digest())


def sign(
    secret: bytes, purpose: str, claims: dict[str, Any], lifetime: float, now: float | None = None
) -> str:
    """A token for `claims`, valid for `lifetime` seconds (the claim `exp`)."""
    body = b64(
        json.dumps({**claims, "exp": int((now or time.time()) + lifetime)}, separators=(",", ":")).encode()
    )
    return f"{body}.{mac(secret, purpose, body)}"


def verify(secret: bytes, purpose: str, token: str | None, now: float | None = None) -> dict[str, Any] | None:
    """The claims of a token this secret signed for this purpose and that has not expired;
    None for anything else (also for garbage: a cookie is whatever the client sends)."""
    if not token or token.count(".") != 1:
        return None
    body, signature = token.split(".")
    if not hmac.compare_digest(signature.encode(), mac(secret, purpose, body).encode()):
        return None
    try:
        claims = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
        return None
    if claims["exp"] < (now or time.time()):
        return None
    return claims
