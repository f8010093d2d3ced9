"""API keys: each bound to a role of METHOD.md, and the actor the journal will name.

Keys come from a JSON file (`LEMNISCATE_API_KEYS_FILE`, default `<data dir>/api-keys.json`):

    [{"key": "...", "id": "anna", "role": "coordinator"},
     {"key_sha256": "<hex>", "id": "aedes-rep", "role": "partner", "organisation": "Aedes"},
     {"key": "...", "id": "crm", "role": "integration",
      "allowed_triggers": ["start", "add_partner", "sign_founding_basis"]},
     {"key": "...", "id": "els", "role": "auditor"}]

Give `key_sha256` (the hex SHA-256 of the key) in production so the file holds no secret.
A request carries its key as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path

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

    @model_validator(mode="after")
    def _one_secret(self) -> KeyEntry:
        if (self.key is None) == (self.key_sha256 is None):
            raise ValueError("give exactly one of 'key' and 'key_sha256'")
        if self.role == Role.system:
            raise ValueError("the system role belongs to the engine, not to a key")
        return self

    @property
    def digest(self) -> str:
        return self.key_sha256 or _sha256(self.key or "")

    def actor(self) -> Actor:
        return Actor(
            id=self.id, role=self.role, organisation=self.organisation, allowed_triggers=self.allowed_triggers
        )


class KeyFileError(Exception):
    pass


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyRing:
    def __init__(self, entries: list[KeyEntry]) -> None:
        self._by_digest = {e.digest: e for e in entries}

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            raw = json.loads(path.read_text("utf-8"))
            return cls(TypeAdapter(list[KeyEntry]).validate_python(raw))
        except FileNotFoundError:
            raise KeyFileError(f"API key file {path} does not exist (LEMNISCATE_API_KEYS_FILE)") from None
        except (json.JSONDecodeError, ValidationError) as error:
            raise KeyFileError(f"API key file {path} is not valid: {error}") from None

    def identify(self, presented: str) -> Actor | None:
        digest = _sha256(presented)
        for known, entry in self._by_digest.items():
            if hmac.compare_digest(known, digest):
                return entry.actor()
        return None


def ensure_dev_key_file(path: Path) -> str | None:
    """For the embedded default: a coordinator key, created once. Returns it if created."""
    if path.exists():
        return None
    key = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps([{"key": key, "id": "coordinator", "role": "coordinator"}], indent=2) + "\n", "utf-8"
    )
    path.chmod(0o600)
    return key
