"""Webhook deliveries in the shapes receivers' own libraries check: signed per the Standard
Webhooks specification, the body a CloudEvents 1.0 structured event.

Signing: `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`,
one per active secret, separated by spaces (two while a secret is rotated). The timestamp
is taken at each attempt, so a retry hours later is not refused as stale by a receiver's
tolerance (the `standardwebhooks` libraries allow five minutes); the id stays the event's
across retries, for receivers to drop a delivery they have seen (delivery is at least once).
A receiver's refusal that a retry cannot change ends the delivery (`post`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Final

from temporalio.exceptions import ApplicationError

from lemniscate.models.outbound import CLOUD_EVENT_TYPES, FollowUpData, OutboundEvent, TransitionData
from lemniscate.models.records import Record

SECRET_PREFIX: Final = "whsec_"
CLOUD_EVENTS_JSON: Final = "application/cloudevents+json"
TIMESTAMP_TOLERANCE_SECONDS: Final = 5 * 60  # what receivers are told to allow
SOURCE_PREFIX: Final = "/coalitions/"


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes, base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def is_secret(secret: str) -> bool:
    """Whether `secret` is in the `whsec_` form with a key of 24 to 64 bytes (the spec's range)."""
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        return False
    return 24 <= len(key) <= 64


def key_of(secret: str) -> bytes:
    """The HMAC key of a secret. A plain-text secret of a subscription made before the
    `whsec_` form keeps working: its UTF-8 bytes are the key (`whsec_` + their base64 is what
    its receiver passes to a Standard Webhooks library)."""
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    return secret.encode()


def signature(message_id: str, timestamp: int, body: bytes, keys: Sequence[str]) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(key_of(key), signed, hashlib.sha256).digest()).decode()
        for key in keys
    )


def headers(message_id: str, body: bytes, keys: Sequence[str], now: float | None = None) -> dict[str, str]:
    """The headers of one delivery attempt of `body`, signed with each of `keys`."""
    timestamp = int(time.time() if now is None else now)
    said = {"Content-Type": CLOUD_EVENTS_JSON, "webhook-id": message_id, "webhook-timestamp": str(timestamp)}
    if keys:  # the operator's follow-up channel may run without a secret (`activities.notify`)
        said["webhook-signature"] = signature(message_id, timestamp, body, keys)
    return said


def cloud_event(event: OutboundEvent) -> bytes:
    """The CloudEvents 1.0 structured event of `event` (already shaped for its receiver)."""
    data: Record
    if event.type == "transition":
        # The event's own fields, read by name: `workflows.state.transition_event` always
        # names the step and where it led, which the data requires.
        transition = TransitionData.model_validate(event, from_attributes=True)
        data, subject = transition, transition.trigger
    else:
        data = FollowUpData(coalition_id=event.coalition_id, follow_up=event.follow_up or {})
        subject = str((event.follow_up or {}).get("key", event.id))
    envelope = {
        "specversion": "1.0",
        "id": event.id,
        "source": SOURCE_PREFIX + event.coalition_id,
        "type": CLOUD_EVENT_TYPES[event.type],
        "time": event.at.isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data.model_dump(mode="json"),
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def post(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    refused: str,
    *,
    final_from: int = 400,
) -> int:
    """Send `request`; the receiver's status. A refusal a retry cannot change (a status from
    `final_from` up to 499, but 408 and 429) ends the activity for good, said as `refused`
    and the status; any other failure is Temporal's to retry."""
    try:
        with opener.open(request, timeout=30) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        if final_from <= error.code < 500 and error.code not in (408, 429):
            raise ApplicationError(f"{refused}: HTTP {error.code}", non_retryable=True) from error
        raise
