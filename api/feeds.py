"""Secret calendar addresses: a per-person URL a calendar application subscribes to without
a key (it cannot send one), revocable.

A feed's token is signed, not stored: HMAC-SHA256 with the server's feed secret over the
reader's key id, the scope (`coalition:<slug>`) and the reader's feed generation. Revoking
raises the reader's generation, so every address made before stops at once; removing the
reader's key stops them too, since the feed reads as the reader its token names, through the
policy, like every other read. The secret and the generations live in one small file beside
the key file (`feeds.json`, mode 0600); keys given in code (tests) keep them in memory.
`LEMNISCATE_FEED_SECRET` gives the secret instead (several API processes must share one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

SECRET_ENV = "LEMNISCATE_FEED_SECRET"
FILE_NAME = "feeds.json"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FeedKeys:
    def __init__(self, path: Path | None = None, secret: str | None = None) -> None:
        self._path = path
        stored = self._read()
        self._generations: dict[str, int] = {
            str(k): int(v) for k, v in dict(stored.get("generations", {})).items()
        }
        self._secret = (secret or os.environ.get(SECRET_ENV) or str(stored.get("secret", ""))).encode()
        if not self._secret:
            self._secret = secrets.token_urlsafe(32).encode()
            self._write()

    @classmethod
    def beside(cls, key_file: Path | None) -> FeedKeys:
        return cls(key_file.with_name(FILE_NAME) if key_file is not None else None)

    def _read(self) -> dict[str, Any]:
        if self._path is None or not self._path.exists():
            return {}
        loaded = json.loads(self._path.read_text("utf-8"))
        return loaded if isinstance(loaded, dict) else {}

    def _write(self) -> None:
        if self._path is None:
            return
        body = {"generations": self._generations}
        if not os.environ.get(SECRET_ENV):
            body["secret"] = self._secret.decode()  # type: ignore[assignment]
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out)
        temporary.replace(self._path)

    def _refresh(self) -> None:
        # Another process (`lemniscate` or a second API) may have revoked since.
        stored = self._read()
        if "generations" in stored:
            self._generations = {str(k): int(v) for k, v in dict(stored["generations"]).items()}

    def _signature(self, reader: str, scope: str, generation: int) -> str:
        message = json.dumps([reader, scope, generation]).encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def token(self, reader: str, scope: str) -> str:
        self._refresh()
        generation = self._generations.get(reader, 0)
        claim = _b64(json.dumps([reader, scope, generation]).encode())
        return f"{claim}.{self._signature(reader, scope, generation)}"

    def verify(self, token: str) -> tuple[str, str] | None:
        """The reader and scope a token names, if it is ours and not revoked."""
        claim, _, signature = token.partition(".")
        try:
            reader, scope, generation = json.loads(_unb64(claim))
        except (ValueError, TypeError):
            return None
        if not (isinstance(reader, str) and isinstance(scope, str) and isinstance(generation, int)):
            return None
        if not hmac.compare_digest(signature, self._signature(reader, scope, generation)):
            return None
        self._refresh()
        return (reader, scope) if generation == self._generations.get(reader, 0) else None

    def revoke(self, reader: str) -> None:
        """Every feed address made for `reader` stops working."""
        self._refresh()
        self._generations[reader] = self._generations.get(reader, 0) + 1
        self._write()
