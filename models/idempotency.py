"""Idempotency keys as the IETF Idempotency-Key draft and Stripe describe them.

A key is bound to the caller (the actor's id), to the coalition (each keeps its own memory)
and to a fingerprint of the request: the trigger, which is the route, and a sha256 over the
canonical JSON of the payload and the reason. A retry with the same key and the same request
gets the first reply; the same key with another request is refused, never answered with a
reply that belongs to something else.

Two mechanisms hold it together. Within one workflow run Temporal answers a repeated update
id with the first outcome, so the update id carries the fingerprint (`update_id`): another
body is another update, which the workflow's validator sees and refuses. Across
continue-as-new runs, and so for as long as `RETENTION` promises, the coalition carries the
recent keys with their fingerprints and replies in its state (`models.journal.Remembered`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Annotated, Final

from pydantic import StringConstraints, TypeAdapter

from lemniscate.models.journal import TriggerRequest

RETENTION: Final = timedelta(hours=24)
"""How long a coalition remembers a key for certain (Stripe's period): a retry within it
gets the first reply, also after continue-as-new and worker restarts."""

MAX_REMEMBERED: Final = 100
"""Keyed requests a coalition remembers at most (the most recent). A remembered reply is about
1 KB, 3.3 KB at worst (every trigger allowed, long warnings, 200-character ids): at most
some 330 KB of the continue-as-new snapshot, inside Temporal's 2 MB payload limit."""

IdempotencyKey = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[!-~][ -~]*$")
]
"""Printable ASCII, as the draft's structured-field string is."""

KEY: Final[TypeAdapter[str]] = TypeAdapter(IdempotencyKey)


def fingerprint(request: TriggerRequest) -> str:
    """sha256 over the canonical JSON (sorted keys, no spaces) of what the request asks."""
    asked = {"trigger": request.trigger, "payload": request.payload, "reason": request.reason}
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def update_id(request: TriggerRequest) -> str:
    """The update id of a keyed request: the same for a retry, another for another request
    with the same key, and never the same for two callers (the parts are hashed as a list,
    so "a:b" + "c" and "a" + "b:c" differ)."""
    parts = json.dumps([request.actor.id, request.idempotency_key, fingerprint(request)])
    return "idem-" + hashlib.sha256(parts.encode("utf-8")).hexdigest()
