"""API keys: each bound to a role of METHOD.md, and the actor the journal will name.

Keys come from a JSON file (`LEMNISCATE_API_KEYS_FILE`, default `<data dir>/api-keys.json`),
made and changed with `lemniscate keys add|list|revoke` or the API's `/keys` (both through
`api.keystore`, which stores only the hash of a new key), not by hand. Its entries:

    [{"key": "...", "id": "anna", "role": "coordinator"},
     {"key_sha256": "<hex>", "id": "aedes-rep", "role": "partner", "organisation": "Aedes"},
     {"key": "...", "id": "crm", "role": "integration",
      "allowed_triggers": ["start", "add_partner", "sign_founding_basis"]},
     {"key": "...", "id": "els", "role": "auditor"},
     {"key_sha256": "<hex>", "id": "olga", "role": "programme_lead", "programmes": ["Wonen"]}]

`key_sha256` is the hex SHA-256 of the key, so the file holds no secret; entries with a
plain `key` (hand-written before `lemniscate keys`) are still accepted.
A request carries its key as `Authorization: Bearer <key>` or `X-API-Key: <key>`.

The file is read again whenever it changes (checked on every request, a `stat`), so a key
removed or changed there stops working at once, for the API and for the dashboard's
sessions, without a restart. A file that has become unreadable or invalid accepts no key
at all until it is fixed: an edit half done must not leave a removed key working.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import structlog
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from lemniscate.models.events import Actor, Role


class KeyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str | None = Field(default=None, min_length=16)
    key_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    id: str = Field(min_length=1)
    role: Role
    organisation: str | None = None
    allowed_triggers: list[str] = Field(default_factory=list)
    # Grants (observers, programme leads, auditors): absent from key files made before them.
    programmes: list[str] = Field(default_factory=list)
    coalitions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_secret(self) -> KeyEntry:
        if (self.key is None) == (self.key_sha256 is None):
            raise ValueError("give exactly one of 'key' and 'key_sha256'")
        if self.role == Role.system:
            raise ValueError("the system role belongs to the engine, not to a key")
        return self

    @property
    def digest(self) -> str:
        return self.key_sha256 or key_digest(self.key or "")

    def actor(self) -> Actor:
        return Actor(
            id=self.id,
            role=self.role,
            organisation=self.organisation,
            allowed_triggers=self.allowed_triggers,
            programmes=self.programmes or None,  # None when none: see `Actor`
            coalitions=self.coalitions or None,
        )


class KeyFileError(Exception):
    pass


log = structlog.get_logger("lemniscate.auth")


def key_digest(key: str) -> str:
    """The hex SHA-256 of a presented key: what the ring is indexed by."""
    return hashlib.sha256(key.encode()).hexdigest()


def _read(path: Path) -> list[KeyEntry]:
    try:
        raw = json.loads(path.read_text("utf-8"))
        return TypeAdapter(list[KeyEntry]).validate_python(raw)
    except FileNotFoundError:
        raise KeyFileError(f"API key file {path} does not exist (LEMNISCATE_API_KEYS_FILE)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise KeyFileError(f"API key file {path} cannot be read: {error}") from None
    except (json.JSONDecodeError, ValidationError) as error:
        raise KeyFileError(f"API key file {path} is not valid: {error}") from None


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class KeyRing:
    """The known keys; from `load`, kept in step with the file."""

    def __init__(self, entries: list[KeyEntry], source: Path | None = None) -> None:
        self._by_digest = {e.digest: e for e in entries}
        self._source = source
        self._stamp = _stamp(source) if source is not None else None

    @property
    def source(self) -> Path | None:
        """The key file this ring follows; None for keys given in code (tests)."""
        return self._source

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        """The ring of the file at `path`. A file that does not exist yet accepts no key
        until the first `lemniscate keys add` makes it (so a deployment starts, then gets
        its keys); a file that exists but is invalid stops the start, loudly."""
        if not path.exists():
            log.warning("no API key file yet; no key is accepted until one is added", path=str(path))
            return cls([], path)
        return cls(_read(path), path)

    def _refresh(self) -> None:
        if self._source is None:
            return
        stamp = _stamp(self._source)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._by_digest = {e.digest: e for e in _read(self._source)}
        except KeyFileError as error:
            self._by_digest = {}  # fail closed: see the module's docstring
            log.error("API key file unusable; no key is accepted until it is fixed", reason=str(error))

    def identify(self, presented: str) -> Actor | None:
        return self.actor_of_digest(key_digest(presented))

    def actor_of_digest(self, digest: str) -> Actor | None:
        return self.actor_matching(lambda known: hmac.compare_digest(known, digest))

    def actor_of_id(self, actor_id: str) -> Actor | None:
        """The actor whose key has this id, as the file says now: whom a calendar feed's
        token names (`api.feeds`); gone with its key."""
        self._refresh()
        return next((e.actor() for e in self._by_digest.values() if e.id == actor_id), None)

    def actor_matching(self, matches: Callable[[str], bool]) -> Actor | None:
        """The actor of the key whose digest `matches`, as the file says now, or None if it
        is gone: what a dashboard session is checked against on every request."""
        self._refresh()
        for known, entry in self._by_digest.items():
            if matches(known):
                return entry.actor()
        return None
