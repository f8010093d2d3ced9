"""The key file, changed only through here: by `lemniscate keys` and by the API's `/keys`.

A new key's secret is made here, handed back once, and only its SHA-256 is written
(`key_sha256`). Each change is a read-check-write under an exclusive lock on a lock file
beside the key file, so two processes (two CLI calls, the CLI and a running API) never lose
each other's change; the new file is written to a temporary file in the same directory,
fsynced and moved over the old one with `os.replace`, so a reader (`auth.KeyRing`, on every
request) sees the old file or the new one, never half of one. The move gives the file a new
inode, which is what makes a running ring notice it at once.

Entries already in the file are kept as they were written (also hand-written ones with a
plain `key`), so a change touches only the entry it is about.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from lemniscate import states
from lemniscate.api.auth import KeyEntry, KeyFileError, key_digest
from lemniscate.cluster import ClusterSettings
from lemniscate.models.events import Role
from lemniscate.models.records import Name
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.states.errors import reason_of
from lemniscate.states.names import START

KEY_ROLES = tuple(role.value for role in Role if role != Role.system)
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,78}[a-z0-9]")  # as `models.records.Slug`
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")
_NAME: TypeAdapter[str] = TypeAdapter(Name)
SECRET_PREFIX = "lmn_"  # lets secret scanners and people recognise a leaked key


class KeyRefused(Exception):
    """A request to change the keys that was not carried out; `reasons` say why, each
    naming its field ("role: ...") as the payload errors do."""

    def __init__(self, reasons: Sequence[str], *, exists: bool = False) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)
        self.exists = exists


class KeyNotFound(Exception):
    pass


@dataclass(frozen=True)
class NewKey:
    entry: KeyEntry
    secret: str  # shown once; nowhere stored


def key_out(entry: KeyEntry) -> dict[str, Any]:
    """What is shown of a key, by the CLI and the API alike: never its secret, nor its hash
    (a hash of a short secret could be guessed); `stored` says whether the file holds the
    secret itself (a hand-written entry, to be rotated)."""
    return {
        "id": entry.id,
        "role": entry.role.value,
        "organisation": entry.organisation,
        "triggers": entry.allowed_triggers,
        "programmes": entry.programmes,
        "coalitions": entry.coalitions,
        "stored": "sha256" if entry.key_sha256 else "plaintext",
    }


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Grants:
    """Which coalitions an observer, a programme lead or an auditor reads (`states.policy`)."""

    programmes: Sequence[str] = ()
    coalitions: Sequence[str] = ()


def _field(field: str, reason: str) -> Sentence:
    """A reason about one field of the key asked for, as the payload errors are worded."""
    return Sentence("field", "{field}: {reason}", field=field, reason=reason)


def _name_problem(error: ValidationError) -> str:
    """What a name's own check said, worded as every validation error is."""
    return reason_of(error.errors(include_url=False, include_input=False)[0])


def _check_grants(role: str, grants: Grants) -> list[str]:
    reasons: list[str] = []
    if (grants.programmes or grants.coalitions) and role not in policy.GRANTED_ROLES:
        granted = ", ".join(r.value for r in policy.GRANTED_ROLES)
        field = "programmes" if grants.programmes else "coalitions"
        reasons.append(
            _field(
                field,
                Sentence(
                    "keys.grants-role",
                    "only {roles} keys are granted programmes or coalitions",
                    roles=granted,
                ),
            )
        )
    elif role == Role.programme_lead and not grants.programmes:
        reasons.append(
            _field(
                "programmes",
                Sentence(
                    "keys.lead-programme",
                    "a programme lead leads at least one programme; give it, e.g. Wonen",
                ),
            )
        )
    for programme in grants.programmes:
        try:
            _NAME.validate_python(programme)
        except ValidationError as error:
            reasons.append(_field("programmes", _name_problem(error)))
    wrong = [c for c in grants.coalitions if not SLUG_PATTERN.fullmatch(c)]
    if wrong:
        reasons.append(
            _field(
                "coalitions",
                Sentence(
                    "keys.not-a-coalition",
                    "{ids} is not a coalition id (e.g. taskforce-wonen)",
                    ids=", ".join(map(repr, wrong)),
                ),
            )
        )
    return reasons


def check_new_key(
    key_id: str,
    role: str,
    organisation: str | None,
    triggers: Sequence[str],
    taken: set[str],
    grants: Grants = Grants(),
) -> list[str]:
    """Why this key may not be made (empty: it may), in sentences for the person who asked."""
    reasons: list[str] = []
    if not ID_PATTERN.fullmatch(key_id):
        reasons.append(
            _field(
                "id",
                Sentence(
                    "keys.not-an-id",
                    "{id} is not an id; use 1-80 letters, digits and . _ @ -, "
                    "starting with a letter or digit (e.g. crm or aedes-piet)",
                    id=repr(key_id),
                ),
            )
        )
    elif key_id in taken:
        reasons.append(
            _field(
                "id",
                Sentence(
                    "keys.exists",
                    "a key {id} exists already; revoke it first, or choose another id",
                    id=repr(key_id),
                ),
            )
        )
    if role == Role.system:
        reasons.append(
            _field(
                "role",
                Sentence("keys.system-role", "the system role belongs to the engine itself, never to a key"),
            )
        )
    elif role not in KEY_ROLES:
        reasons.append(
            _field(
                "role",
                Sentence(
                    "keys.unknown-role",
                    "unknown role {role}; use one of {roles}",
                    role=repr(role),
                    roles=", ".join(KEY_ROLES),
                ),
            )
        )
    if organisation is not None:
        try:
            _NAME.validate_python(organisation)
        except ValidationError as error:
            reasons.append(_field("organisation", _name_problem(error)))
    elif role == Role.partner:
        reasons.append(
            _field(
                "organisation",
                Sentence(
                    "keys.partner-organisation",
                    "a partner key acts for one organisation; give it, e.g. Aedes",
                ),
            )
        )
    if triggers and role != Role.integration:
        reasons.append(
            _field(
                "triggers",
                Sentence(
                    "keys.triggers-role",
                    "only an integration key has a list of triggers; a {role} key may do what its role may",
                    role=role,
                ),
            )
        )
    # `start` is not a trigger of a coalition but the policy's name for starting one.
    unknown = [t for t in triggers if t not in states.TRIGGERS and t != START]
    if unknown:
        reasons.append(
            _field(
                "triggers",
                Sentence(
                    "keys.unknown-triggers",
                    "no trigger {triggers}; `lemniscate method` lists them",
                    triggers=", ".join(map(repr, unknown)),
                ),
            )
        )
    return reasons + _check_grants(role, grants)


class KeyStore:
    """The key file at `path`; a missing file holds no keys and is made by the first `add`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[KeyEntry]:
        return [entry for _, entry in self._read()]

    def add(
        self,
        key_id: str,
        role: str,
        organisation: str | None = None,
        triggers: Sequence[str] = (),
        grants: Grants = Grants(),
    ) -> NewKey:
        """A new key with a fresh secret; raises `KeyRefused` with every reason at once."""
        with self._locked():
            return self._add(key_id, role, organisation, triggers, grants)

    def add_first(self, key_id: str, role: str) -> NewKey | None:
        """A first key for a file that does not exist yet; None if it exists, whatever it holds."""
        with self._locked():
            return None if self.path.exists() else self._add(key_id, role, None, (), Grants())

    def _add(
        self, key_id: str, role: str, organisation: str | None, triggers: Sequence[str], grants: Grants
    ) -> NewKey:
        raw = self._read()
        taken = {entry.id for _, entry in raw}
        reasons = check_new_key(key_id, role, organisation, triggers, taken, grants)
        if reasons:
            raise KeyRefused(reasons, exists=key_id in taken and len(reasons) == 1)
        secret = new_secret()
        stored: dict[str, Any] = {"key_sha256": key_digest(secret), "id": key_id, "role": role}
        if organisation is not None:
            # As the method's records name organisations (normalised), so that they compare equal.
            stored["organisation"] = _NAME.validate_python(organisation)
        if triggers:
            stored["allowed_triggers"] = list(dict.fromkeys(triggers))
        if grants.programmes:
            stored["programmes"] = list(dict.fromkeys(_NAME.validate_python(p) for p in grants.programmes))
        if grants.coalitions:
            stored["coalitions"] = list(dict.fromkeys(grants.coalitions))
        entry = KeyEntry.model_validate(stored)
        entry.actor()  # what every request will build from it: it must not fail there
        self._write([*(item for item, _ in raw), stored])
        return NewKey(entry, secret)

    def revoke(self, key_id: str, allowed: Callable[[KeyEntry], list[str]] | None = None) -> KeyEntry:
        """Remove the key `key_id` (every entry of that id, should the file hold several),
        if `allowed` (asked of each, under the lock) has no objection; else `KeyRefused`."""
        with self._locked():
            raw = self._read()
            gone = [entry for _, entry in raw if entry.id == key_id]
            if not gone:
                raise KeyNotFound(
                    Sentence(
                        "keys.no-key",
                        "there is no key {id}; `lemniscate keys list` shows them",
                        id=repr(key_id),
                    )
                )
            objections = [reason for entry in gone for reason in (allowed(entry) if allowed else [])]
            if objections:
                raise KeyRefused(objections)
            self._write([item for item, entry in raw if entry.id != key_id])
        return gone[0]

    def _read(self) -> list[tuple[Any, KeyEntry]]:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            # Changing a file that cannot be read would lose the keys in it.
            raise KeyFileError(
                f"API key file {self.path} cannot be read, so it is left as it is: {error}"
            ) from None
        try:
            entries = TypeAdapter(list[KeyEntry]).validate_python(raw)
        except ValidationError as error:
            raise KeyFileError(
                f"API key file {self.path} is not valid, so it is left as it is: {error}"
            ) from None
        return list(zip(raw, entries, strict=True))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # A lock file of its own: the key file itself is replaced, and a lock on a replaced
        # inode would no longer exclude anyone.
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)  # closing releases the lock

    def _write(self, items: list[Any]) -> None:
        text = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
        folder, name = self.path.parent, self.path.name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                os.fchmod(out.fileno(), 0o600)  # mkstemp makes it 0600; said here, not assumed
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash
        finally:
            os.close(directory)


def key_file(settings: ClusterSettings) -> Path:
    """Where the keys are: `LEMNISCATE_API_KEYS_FILE`, or `api-keys.json` in the data directory.
    Here, not beside the web server, so the CLI reads it without importing the web stack."""
    configured = os.environ.get("LEMNISCATE_API_KEYS_FILE")
    return Path(configured) if configured else settings.data_dir / "api-keys.json"


def ensure_dev_key_file(path: Path) -> str | None:
    """For the embedded default: a coordinator key, created once, stored hashed like every
    other. Returns its secret if it was created now (the only time it can be shown)."""
    created = KeyStore(path).add_first("coordinator", Role.coordinator)
    return created.secret if created else None
