"""Payload encryption: AES-256-GCM with named keys, so keys can rotate.

Partner data (interviews, statements, commitments) travels in workflow payloads, which the
Temporal server stores. With `LEMNISCATE_ENCRYPTION_KEYS` set, every payload is encrypted
before it leaves the process; the server only ever sees ciphertext plus the key id.

- `LEMNISCATE_ENCRYPTION_KEYS="kid1:<base64 of 32 bytes>,kid2:<...>"`: every key that may
  still be needed to read old payloads.
- `LEMNISCATE_ENCRYPTION_KEY_ID=kid2`: the key new payloads are encrypted with (optional
  when there is only one key).

Rotation: add a new key, make it active, and keep the old one for as long as any history
that used it may be read (replay, `show`, the Web UI).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from lemniscate.cluster.errors import ClusterConfigError, ClusterError

ENV_ENCRYPTION_KEYS: Final = "LEMNISCATE_ENCRYPTION_KEYS"
ENV_ENCRYPTION_KEY_ID: Final = "LEMNISCATE_ENCRYPTION_KEY_ID"

ENCODING: Final = b"binary/encrypted"
METADATA_KEY_ID: Final = "encryption-key-id"
KEY_BYTES: Final = 32
_NONCE_BYTES: Final = 12


class PayloadDecryptionError(ClusterError):
    """A payload cannot be decrypted: unknown key id, wrong key, or damaged data."""


@dataclass(frozen=True)
class EncryptionKeys:
    """The key ring: every known key by id, and the id new payloads are encrypted with."""

    keys: Mapping[str, bytes]
    active_id: str

    def __repr__(self) -> str:  # never print key material, not even in a traceback
        return f"EncryptionKeys(ids={sorted(self.keys)}, active_id={self.active_id!r})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EncryptionKeys | None:
        """The configured keys, or None when encryption is off (no keys set)."""
        env = os.environ if environ is None else environ
        raw = env.get(ENV_ENCRYPTION_KEYS, "").strip()
        active = env.get(ENV_ENCRYPTION_KEY_ID, "").strip()
        if not raw:
            if active:
                raise ClusterConfigError(
                    f"{ENV_ENCRYPTION_KEY_ID}={active!r} is set but {ENV_ENCRYPTION_KEYS} is not: "
                    f'set {ENV_ENCRYPTION_KEYS}="{active}:<base64 of 32 random bytes>"'
                )
            return None
        keys = _parse_keys(raw)
        if not active:
            if len(keys) > 1:
                raise ClusterConfigError(
                    f"{ENV_ENCRYPTION_KEYS} holds {len(keys)} keys ({', '.join(keys)}): set "
                    f"{ENV_ENCRYPTION_KEY_ID} to the one new payloads are encrypted with"
                )
            active = next(iter(keys))
        if active not in keys:
            raise ClusterConfigError(
                f"{ENV_ENCRYPTION_KEY_ID}={active!r} is not among the ids in "
                f"{ENV_ENCRYPTION_KEYS} ({', '.join(keys)})"
            )
        return cls(keys=keys, active_id=active)


def _parse_keys(raw: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    example = f'{ENV_ENCRYPTION_KEYS}="kid1:<base64 of 32 bytes>,kid2:<...>"'
    for position, entry in enumerate(raw.split(","), start=1):
        key_id, colon, encoded = (part.strip() for part in entry.partition(":"))
        if not key_id or not colon or not encoded:
            raise ClusterConfigError(
                f"{ENV_ENCRYPTION_KEYS}: entry {position} is not KEY_ID:BASE64_KEY ({example})"
            )
        if key_id in keys:
            raise ClusterConfigError(f"{ENV_ENCRYPTION_KEYS}: key id {key_id!r} appears twice")
        try:
            # Accept the URL-safe alphabet too: keys often come from secret stores that use it.
            key = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise ClusterConfigError(
                f"{ENV_ENCRYPTION_KEYS}: the key of {key_id!r} is not valid base64"
            ) from None
        if len(key) != KEY_BYTES:
            raise ClusterConfigError(
                f"{ENV_ENCRYPTION_KEYS}: the key of {key_id!r} is {len(key)} bytes; AES-256 needs "
                f'{KEY_BYTES} (make one with: python -c "import base64, os; '
                'print(base64.b64encode(os.urandom(32)).decode())")'
            )
        keys[key_id] = key
    return keys


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over the whole serialized payload (metadata included).

    The key id is stored in the clear in the metadata and also bound to the ciphertext as
    associated data, so a payload cannot be relabelled to another key unnoticed.
    """

    def __init__(self, keys: EncryptionKeys) -> None:
        self._active_id = keys.active_id
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.keys.items()}

    @property
    def active_key_id(self) -> str:
        return self._active_id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self._active_id.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self._active_id].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(
            metadata={"encoding": ENCODING, METADATA_KEY_ID: key_id},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        # Payloads written before encryption was switched on stay readable as they are.
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        raw_id = payload.metadata.get(METADATA_KEY_ID)
        if raw_id is None:
            raise PayloadDecryptionError(
                f"An encrypted payload has no {METADATA_KEY_ID!r} metadata: it was not written "
                "by Lemniscate's codec"
            )
        key_id = raw_id.decode("utf-8", "replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f"A payload is encrypted with key id {key_id!r}, which is not in "
                f"{ENV_ENCRYPTION_KEYS} (known ids: {', '.join(sorted(self._ciphers))}); add "
                f"that key back to {ENV_ENCRYPTION_KEYS} to read it"
            )
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, raw_id)
        except InvalidTag:
            raise PayloadDecryptionError(
                f"A payload encrypted with key id {key_id!r} does not decrypt: the key under "
                f"that id in {ENV_ENCRYPTION_KEYS} is not the one it was written with, or the "
                "payload is damaged"
            ) from None
        decoded = Payload()
        decoded.ParseFromString(plain)
        return decoded


def codec_from_env(environ: Mapping[str, str] | None = None) -> EncryptionCodec | None:
    """The codec for the configured keys, or None when encryption is off."""
    keys = EncryptionKeys.from_env(environ)
    return EncryptionCodec(keys) if keys is not None else None
