"""`/keys`: API keys added, listed and revoked over HTTP, by an office admin or a coordinator
(`states.policy.may_manage_keys`, `may_manage_key`), through the same `api.keystore` as `lemniscate keys`.

Registered by api/app.py's `create_app`. The key file is the one the app's `KeyRing`
follows, so a key added here opens the API at once and a revoked one is refused at once,
also in dashboard sessions opened with it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from lemniscate.api import problems
from lemniscate.api.auth import KeyFileError
from lemniscate.api.contract import READS_BODY, operation
from lemniscate.api.deps import Caller, json_body, key_ring
from lemniscate.api.keystore import Grants, KeyNotFound, KeyRefused, KeyStore, key_out
from lemniscate.api.problems import Problem
from lemniscate.coalitions.errors import refuse_unless_allowed
from lemniscate.models.bounds import Few
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy


class NewKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Plain strings, checked by `keystore.check_new_key`: the API refuses with the sentences
    # the CLI prints.
    id: str = Field(max_length=80, description="the key's name, which the journal shows")
    role: str = Field(
        max_length=40,
        description="coordinator, partner, auditor, integration, observer, programme_lead or office_admin",
    )
    organisation: str | None = Field(default=None, max_length=200, description="for a partner")
    triggers: Few[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, description="for an integration: the triggers it may fire"
    )
    programmes: Few[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, description="for an observer, a programme lead or an auditor"
    )
    coalitions: Few[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list, description="for an observer, a programme lead or an auditor: coalition ids"
    )


class KeyOut(BaseModel):
    id: str
    role: str
    organisation: str | None
    triggers: list[str]
    programmes: list[str]
    coalitions: list[str]
    stored: str = Field(description="sha256, or plaintext for a hand-written entry to rotate")


class NewKeyOut(KeyOut):
    key: str = Field(description="the secret: shown in this response only, nowhere stored")


def _store(request: Request) -> KeyStore:
    source: Path | None = key_ring(request).source
    if source is None:
        detail = "this API's keys were given at start, not in a key file"
        raise Problem(409, "Keys not managed here", detail, "keys-fixed")
    return KeyStore(source)


def _file_problem(error: KeyFileError) -> Problem:
    return Problem(503, "Key file unusable", str(error), "key-file")


def _in_body(reason: str) -> str:
    """A key store's reason about a field, as a reason about that field of the body."""
    if isinstance(reason, Sentence) and reason.code == "field":
        field = reason.params["field"]
        return Sentence("field", "{field}: {reason}", field=f"body.{field}", reason=reason.params["reason"])
    return f"body.{reason}"


def key_router() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/keys",
        status_code=201,
        **operation(
            "createKey",
            "keys",
            "Add an API key; its secret is in this response only (office admins, coordinators)",
            problems=(*READS_BODY, 403, 409),
        ),
    )
    async def add_key(
        request: Request, body: Annotated[NewKeyBody, Depends(json_body(NewKeyBody))], caller: Caller
    ) -> NewKeyOut:
        refuse_unless_allowed("keys add", policy.may_manage_key(caller, body.role))
        store = _store(request)
        grants = Grants(body.programmes, body.coalitions)
        try:
            made = await asyncio.to_thread(
                store.add, body.id, body.role, body.organisation, body.triggers, grants
            )
        except KeyRefused as refused:
            if refused.exists:
                raise Problem(409, "Already exists", refused.reasons[0], "exists") from None
            raise problems.invalid(problems.INVALID_REQUEST, [_in_body(r) for r in refused.reasons]) from None
        except KeyFileError as error:
            raise _file_problem(error) from None
        return NewKeyOut(**key_out(made.entry), key=made.secret)

    @router.get(
        "/keys",
        **operation(
            "listKeys",
            "keys",
            "The API keys, without their secrets (office admins, coordinators)",
            problems=(403, 409),
        ),
    )
    async def list_keys(request: Request, caller: Caller) -> list[KeyOut]:
        refuse_unless_allowed("keys list", policy.may_manage_keys(caller))
        try:
            entries = await asyncio.to_thread(_store(request).entries)
        except KeyFileError as error:
            raise _file_problem(error) from None
        return [KeyOut(**key_out(entry)) for entry in entries]

    @router.delete(
        "/keys/{key_id}",
        status_code=204,
        **operation(
            "revokeKey",
            "keys",
            "Revoke an API key at once (office admins, coordinators)",
            problems=(403, 404, 409),
        ),
    )
    async def revoke_key(request: Request, key_id: str, caller: Caller) -> None:
        refuse_unless_allowed("keys revoke", policy.may_manage_keys(caller))
        if key_id == caller.id:
            # Revoking the key in hand could leave nobody to manage keys over the API.
            detail = "a key cannot revoke itself; use another coordinator's key, or `lemniscate keys revoke`"
            raise Problem(409, "Own key", detail, "own-key")
        try:
            await asyncio.to_thread(
                _store(request).revoke, key_id, lambda entry: policy.may_manage_key(caller, entry.role)
            )
        except KeyNotFound as missing:
            raise Problem(404, "No such key", str(missing), "not-found") from None
        except KeyRefused as refused:
            refuse_unless_allowed("keys revoke", refused.reasons)
        except KeyFileError as error:
            raise _file_problem(error) from None

    return router
